//! Where each part of the initial stack goes, computed top-down as Linux does.
//!
//! Two Linux phases, kept apart here too:
//! 1. `do_execveat_common` (`fs/exec.c`) copies strings downwards from 8 bytes below the stack's
//!    end (`bprm->p = vma->vm_end - sizeof(void *)` in `__bprm_mm_init`): the execfn, then the
//!    environment strings, then the argument strings. `copy_strings` walks each vector from its
//!    last string to its first, so every vector ends up in order in memory, packed with no
//!    padding. An empty `argv` gets a `""` below the environment strings.
//! 2. `create_elf_tables` (`fs/binfmt_elf.c`) continues below the lowest string: it lowers the
//!    address by the random offset `arch_align_stack` picks (x86_64: below 8192 bytes, none with
//!    `ADDR_NO_RANDOMIZE`) and rounds it down to 16, copies the platform string, then the 16
//!    random bytes (unaligned, right below), reserves the auxv, then the argc, argv and envp
//!    words, and rounds the stack pointer down to 16 (`STACK_ROUND`). The auxv is written right
//!    after envp's NULL, so the rounding gap lies between the auxv's end and the random bytes.

use alloc::vec::Vec;

use errno::Errno;

/// Bytes in one word of the new stack (both supported architectures are 64-bit).
pub(crate) const WORD_BYTES: u64 = 8;

/// The stack pointer's alignment at process entry (x86-64 psABI and AAPCS64 both want 16).
pub(crate) const STACK_ALIGNMENT: u64 = 16;

/// How many random bytes `AT_RANDOM` points at (`k_rand_bytes` in `create_elf_tables`).
pub const RANDOM_BYTES_LENGTH: usize = 16;

/// An address that only moves down, failing with `EFAULT` instead of wrapping below zero (a
/// `stack_top` too low to hold the stack; Linux's `create_elf_tables` answers `EFAULT` when it
/// cannot write the stack).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DownwardCursor {
    address: u64,
}

impl DownwardCursor {
    pub(crate) fn new(address: u64) -> Self {
        Self { address }
    }

    pub(crate) fn address(self) -> u64 {
        self.address
    }

    /// Moves down by `bytes` and returns the new address, the start of the reserved bytes.
    pub(crate) fn take(&mut self, bytes: u64) -> Result<u64, Errno> {
        self.address = self.address.checked_sub(bytes).ok_or(Errno::EFAULT)?;
        Ok(self.address)
    }

    /// Moves down by `count` words.
    pub(crate) fn take_words(&mut self, count: usize) -> Result<u64, Errno> {
        let bytes = u64::try_from(count)
            .ok()
            .and_then(|count| count.checked_mul(WORD_BYTES))
            .ok_or(Errno::EFAULT)?;
        self.take(bytes)
    }

    /// Moves down to the next multiple of [`STACK_ALIGNMENT`] (Linux's `& ~15`).
    pub(crate) fn align_down(&mut self) {
        self.address &= !(STACK_ALIGNMENT - 1);
    }
}

/// Addresses of the strings of phase 1.
#[derive(Clone, Debug)]
pub(crate) struct StringPlacement {
    /// The execfn (`bprm->exec`), highest of all.
    pub executable_path: u64,
    /// One address per environment string, in vector order (ascending addresses).
    pub environment: Vec<u64>,
    /// One address per argument, in vector order; `[""]`'s when `argv` was empty.
    pub arguments: Vec<u64>,
    /// The lowest string byte (`mm->arg_start`).
    pub lowest: u64,
    /// Where the environment strings start (`mm->arg_end`, `mm->env_start`).
    pub environment_start: u64,
}

/// Phase 1: reserves the end marker and the strings below `stack_top`. Lengths exclude NULs.
pub(crate) fn place_strings(
    stack_top: u64,
    argument_lengths: &[usize],
    environment_lengths: &[usize],
    executable_path_length: usize,
) -> Result<StringPlacement, Errno> {
    let mut cursor = DownwardCursor::new(stack_top);
    cursor.take(WORD_BYTES)?;
    let executable_path = take_string(&mut cursor, executable_path_length)?;
    let environment = take_strings(&mut cursor, environment_lengths)?;
    let environment_start = cursor.address();
    let arguments = if argument_lengths.is_empty() {
        // `do_execveat_common` copies "" as argv[0] when argc is 0.
        take_strings(&mut cursor, &[0])?
    } else {
        take_strings(&mut cursor, argument_lengths)?
    };
    Ok(StringPlacement {
        executable_path,
        environment,
        arguments,
        lowest: cursor.address(),
        environment_start,
    })
}

/// Reserves one string and its NUL.
fn take_string(cursor: &mut DownwardCursor, length: usize) -> Result<u64, Errno> {
    let with_nul = u64::try_from(length)
        .ok()
        .and_then(|length| length.checked_add(1))
        .ok_or(Errno::EFAULT)?;
    cursor.take(with_nul)
}

/// Reserves a vector's strings from last to first and returns their addresses in vector order.
fn take_strings(cursor: &mut DownwardCursor, lengths: &[usize]) -> Result<Vec<u64>, Errno> {
    let mut addresses = Vec::new();
    addresses
        .try_reserve_exact(lengths.len())
        .map_err(|_| Errno::ENOMEM)?;
    for &length in lengths.iter().rev() {
        addresses.push(take_string(cursor, length)?);
    }
    addresses.reverse();
    Ok(addresses)
}

/// Addresses of what phase 2 places above the auxv.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlobPlacement {
    pub platform: Option<u64>,
    pub random_bytes: u64,
    /// The address below the random bytes, where the auxv reservation starts.
    pub below_random_bytes: u64,
}

/// Phase 2, first half: the alignment gap, the platform string and the random bytes.
pub(crate) fn place_blobs(
    lowest_string: u64,
    random_offset_bytes: u64,
    platform_length: Option<usize>,
) -> Result<BlobPlacement, Errno> {
    let mut cursor = DownwardCursor::new(lowest_string);
    cursor.take(random_offset_bytes)?;
    cursor.align_down();
    let platform = match platform_length {
        Some(length) => Some(take_string(&mut cursor, length)?),
        None => None,
    };
    let random_bytes = cursor.take(RANDOM_BYTES_LENGTH as u64)?;
    Ok(BlobPlacement {
        platform,
        random_bytes,
        below_random_bytes: cursor.address(),
    })
}

/// Phase 2, second half: the stack pointer, where argc goes, given the auxv's entry count
/// (`AT_NULL` included) and the two vectors' lengths (argc at least 1).
pub(crate) fn stack_pointer(
    below_random_bytes: u64,
    auxiliary_entries: usize,
    argument_count: usize,
    environment_count: usize,
) -> Result<u64, Errno> {
    let mut cursor = DownwardCursor::new(below_random_bytes);
    cursor.take_words(auxiliary_entries.checked_mul(2).ok_or(Errno::EFAULT)?)?;
    // argc, the argv pointers and their NULL, the envp pointers and their NULL.
    let words = argument_count
        .checked_add(environment_count)
        .and_then(|count| count.checked_add(3))
        .ok_or(Errno::EFAULT)?;
    cursor.take_words(words)?;
    cursor.align_down();
    Ok(cursor.address())
}
