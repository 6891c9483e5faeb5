//! Building the exact bytes at the top of a new process's stack, as Linux's `execve` leaves them.
//!
//! From the stack pointer up (see `docs/initial-stack.md` for the diagram and the sources):
//! argc; argv pointers and a NULL; envp pointers and a NULL; the auxv pairs ending with
//! `AT_NULL`; zero padding from the 16-byte rounding; the 16 `AT_RANDOM` bytes; the platform
//! string; the alignment gap; the argument strings, the environment strings and the execfn,
//! packed; 8 zero bytes at the very top. The `layout` module explains each placement.

use alloc::vec::Vec;
use core::ops::Range;

use errno::Errno;

use crate::{
    auxiliary::{AuxiliaryEntry, KernelAuxiliaryValues, PlacedAddresses, auxiliary_vector},
    layout::{
        BlobPlacement, RANDOM_BYTES_LENGTH, StringPlacement, place_blobs, place_strings,
        stack_pointer,
    },
    limits::ArgumentBudget,
    stack_image::StackImage,
};

/// Everything that goes on a new stack. `S` is any byte-string type (`&[u8]`, `Vec<u8>`).
///
/// Strings are given without their NUL and must not contain one (`EINVAL`): Linux copies them
/// as C strings, so no string it places can hold a NUL either.
#[derive(Clone, Copy, Debug)]
pub struct StackRequest<'a, S: AsRef<[u8]>> {
    /// The exclusive end of the stack mapping (Linux's page-aligned `vma->vm_end`).
    pub stack_top: u64,
    /// The final argument vector, after any `#!` rewrites. Empty becomes `[""]`, as in Linux 5.18
    /// and later (`do_execveat_common`).
    pub arguments: &'a [S],
    /// The environment strings.
    pub environment: &'a [S],
    /// The execfn: the filename passed to `execve` (for a script, the script's, not the
    /// interpreter's), which `AT_EXECFN` points at.
    pub executable_path: &'a [u8],
    /// `AT_PLATFORM`'s string (Linux's `ELF_PLATFORM`: `x86_64`, `aarch64`), or none
    /// (riscv64 has none).
    pub platform: Option<&'a [u8]>,
    /// The 16 bytes `AT_RANDOM` points at, for the C library's stack protector and pointer
    /// guard.
    pub random_bytes: [u8; RANDOM_BYTES_LENGTH],
    /// The auxv values the kernel decides.
    pub auxiliary: KernelAuxiliaryValues,
    /// The `RLIMIT_STACK` soft limit, which bounds the strings (see [`ArgumentBudget`](crate::ArgumentBudget));
    /// `u64::MAX` for `RLIM_INFINITY`.
    pub stack_limit_bytes: u64,
    /// How far to lower the tables below the strings before rounding to 16: Linux's
    /// `arch_align_stack` picks a random value below 8192 on x86_64, and 0 without
    /// randomization (`ADDR_NO_RANDOMIZE`, `randomize_va_space=0`).
    pub random_offset_bytes: u64,
}

/// The finished stack: bytes to copy to user memory and the addresses the kernel needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialStack {
    /// The image of `[stack_pointer, stack_top)`: copy it so that its last byte lands at
    /// `stack_top - 1`.
    pub bytes: Vec<u8>,
    /// Where argc is and where the thread starts: the entry `rsp`/`sp`, 16-byte aligned.
    pub stack_pointer: u64,
    /// argc as placed (at least 1).
    pub argument_count: u64,
    /// Address of `argv[0]`'s pointer (`stack_pointer + 8`).
    pub argument_vector_address: u64,
    /// Address of `envp[0]`'s pointer.
    pub environment_vector_address: u64,
    /// Address of the first auxv pair.
    pub auxiliary_vector_address: u64,
    /// The auxv as placed, `AT_NULL` included: `mm->saved_auxv`, what `/proc/self/auxv` shows.
    pub auxiliary_vector: Vec<AuxiliaryEntry>,
    /// The argument strings (`mm->arg_start..mm->arg_end`), for `/proc/self/cmdline`.
    pub argument_strings: Range<u64>,
    /// The environment strings (`mm->env_start..mm->env_end`), for `/proc/self/environ`.
    pub environment_strings: Range<u64>,
    /// Address of the execfn string (`AT_EXECFN`).
    pub executable_path_address: u64,
    /// Address of the platform string (`AT_PLATFORM`), if one was placed.
    pub platform_address: Option<u64>,
    /// Address of the 16 random bytes (`AT_RANDOM`).
    pub random_bytes_address: u64,
}

/// Builds the initial stack for `request`.
///
/// Fails with `E2BIG` when the strings break Linux's limits (see
/// [`ArgumentBudget`](crate::ArgumentBudget)), `EINVAL` when a string holds a NUL, `EFAULT` when
/// `stack_top` is too low to hold the stack, and `ENOMEM` when memory for the image runs out.
pub fn build_initial_stack<S: AsRef<[u8]>>(
    request: &StackRequest<'_, S>,
) -> Result<InitialStack, Errno> {
    check_no_nul(request)?;
    charge_strings(request)?;
    let placement = place(request)?;
    let stack_pointer = placement.stack_pointer;
    let mut image = StackImage::zeroed(stack_pointer, request.stack_top)?;
    write_strings(&mut image, request, &placement.strings)?;
    write_blobs(&mut image, request, &placement.blobs)?;
    let tables = write_tables(&mut image, &placement)?;
    let Placement {
        strings,
        blobs,
        auxiliary_vector,
        ..
    } = placement;
    Ok(InitialStack {
        bytes: image.into_bytes(),
        stack_pointer,
        argument_count: tables.argument_count,
        argument_vector_address: tables.argument_vector,
        environment_vector_address: tables.environment_vector,
        auxiliary_vector_address: tables.auxiliary_vector,
        auxiliary_vector,
        argument_strings: strings.lowest..strings.environment_start,
        environment_strings: strings.environment_start..strings.executable_path,
        executable_path_address: strings.executable_path,
        platform_address: blobs.platform,
        random_bytes_address: blobs.random_bytes,
    })
}

/// Where everything goes, before anything is written.
struct Placement {
    strings: StringPlacement,
    blobs: BlobPlacement,
    auxiliary_vector: Vec<AuxiliaryEntry>,
    stack_pointer: u64,
}

/// Computes every address top-down, in Linux's order (see the `layout` module).
fn place<S: AsRef<[u8]>>(request: &StackRequest<'_, S>) -> Result<Placement, Errno> {
    let strings = place_strings(
        request.stack_top,
        &lengths(request.arguments)?,
        &lengths(request.environment)?,
        request.executable_path.len(),
    )?;
    let blobs = place_blobs(
        strings.lowest,
        request.random_offset_bytes,
        request.platform.map(<[u8]>::len),
    )?;
    let placed = PlacedAddresses {
        random_bytes: blobs.random_bytes,
        executable_path: strings.executable_path,
        platform: blobs.platform,
    };
    let auxiliary_vector = auxiliary_vector(&request.auxiliary, &placed)?;
    let stack_pointer = stack_pointer(
        blobs.below_random_bytes,
        auxiliary_vector.len(),
        strings.arguments.len(),
        strings.environment.len(),
    )?;
    Ok(Placement {
        strings,
        blobs,
        auxiliary_vector,
        stack_pointer,
    })
}

/// Refuses strings with a NUL inside: they would shift every later pointer (Linux finds each
/// string's end with `strnlen_user`, see `create_elf_tables`).
fn check_no_nul<S: AsRef<[u8]>>(request: &StackRequest<'_, S>) -> Result<(), Errno> {
    let has_nul = |bytes: &[u8]| bytes.contains(&0);
    let vectors = request.arguments.iter().chain(request.environment);
    if vectors.map(AsRef::as_ref).any(has_nul)
        || has_nul(request.executable_path)
        || request.platform.is_some_and(has_nul)
    {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// Applies Linux's limits: the counts, then each string in Linux's copy order.
fn charge_strings<S: AsRef<[u8]>>(request: &StackRequest<'_, S>) -> Result<(), Errno> {
    let mut budget = ArgumentBudget::new(
        request.arguments.len(),
        request.environment.len(),
        request.stack_limit_bytes,
    )?;
    budget.charge_string(request.executable_path.len())?;
    for string in request.environment.iter().rev() {
        budget.charge_string(string.as_ref().len())?;
    }
    for string in request.arguments.iter().rev() {
        budget.charge_string(string.as_ref().len())?;
    }
    if request.arguments.is_empty() {
        // The "" that stands in for a missing argv[0].
        budget.charge_string(0)?;
    }
    Ok(())
}

/// The strings' lengths, NULs excluded.
fn lengths<S: AsRef<[u8]>>(strings: &[S]) -> Result<Vec<usize>, Errno> {
    let mut lengths = Vec::new();
    lengths
        .try_reserve_exact(strings.len())
        .map_err(|_| Errno::ENOMEM)?;
    lengths.extend(strings.iter().map(|string| string.as_ref().len()));
    Ok(lengths)
}

/// Copies the strings to their places; their NULs and the top end marker are already zero.
fn write_strings<S: AsRef<[u8]>>(
    image: &mut StackImage,
    request: &StackRequest<'_, S>,
    strings: &StringPlacement,
) -> Result<(), Errno> {
    image.write_bytes(strings.executable_path, request.executable_path)?;
    for (string, &address) in request.environment.iter().zip(&strings.environment) {
        image.write_bytes(address, string.as_ref())?;
    }
    // With an empty argv the single "" is all NUL, already in place.
    for (string, &address) in request.arguments.iter().zip(&strings.arguments) {
        image.write_bytes(address, string.as_ref())?;
    }
    Ok(())
}

/// Copies the platform string and the random bytes.
fn write_blobs<S: AsRef<[u8]>>(
    image: &mut StackImage,
    request: &StackRequest<'_, S>,
    blobs: &BlobPlacement,
) -> Result<(), Errno> {
    if let (Some(platform), Some(address)) = (request.platform, blobs.platform) {
        image.write_bytes(address, platform)?;
    }
    image.write_bytes(blobs.random_bytes, &request.random_bytes)
}

/// Addresses of the tables [`write_tables`] wrote.
struct TableAddresses {
    argument_count: u64,
    argument_vector: u64,
    environment_vector: u64,
    auxiliary_vector: u64,
}

/// Writes argc, the argv and envp pointer arrays with their NULLs, and the auxv, upwards from
/// the stack pointer.
fn write_tables(image: &mut StackImage, placement: &Placement) -> Result<TableAddresses, Errno> {
    let strings = &placement.strings;
    let argument_count = u64::try_from(strings.arguments.len()).map_err(|_| Errno::EFAULT)?;
    let argument_vector = image.write_words(placement.stack_pointer, [argument_count])?;
    let environment_vector =
        image.write_words(argument_vector, null_terminated(&strings.arguments))?;
    let auxiliary_address =
        image.write_words(environment_vector, null_terminated(&strings.environment))?;
    let pairs = placement
        .auxiliary_vector
        .iter()
        .flat_map(|&(kind, value)| [kind, value]);
    image.write_words(auxiliary_address, pairs)?;
    Ok(TableAddresses {
        argument_count,
        argument_vector,
        environment_vector,
        auxiliary_vector: auxiliary_address,
    })
}

/// The pointers followed by the NULL that ends a C pointer array.
fn null_terminated(pointers: &[u64]) -> impl Iterator<Item = u64> + '_ {
    pointers.iter().copied().chain([0])
}
