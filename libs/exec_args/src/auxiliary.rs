//! The auxiliary vector (auxv): the kernel's values for a new program, in Linux's order.
//!
//! Linux's `create_elf_tables` (`fs/binfmt_elf.c`) fills `mm->saved_auxv` in a fixed order, and
//! this module keeps it, because `/proc/self/auxv` and `LD_SHOW_AUXV=1` show it and some
//! programs compare it with Linux's. On x86_64 `ARCH_DLINFO` (`arch/x86/include/asm/elf.h`)
//! comes first; arm64's `ARCH_DLINFO` adds the same two entries. The order, as Linux 6.18 shows
//! it on x86_64:
//!
//! `AT_SYSINFO_EHDR` (only with a vDSO), `AT_MINSIGSTKSZ`, `AT_HWCAP`, `AT_PAGESZ`, `AT_CLKTCK`,
//! `AT_PHDR`, `AT_PHENT`, `AT_PHNUM`, `AT_BASE`, `AT_FLAGS`, `AT_ENTRY`, `AT_UID`, `AT_EUID`,
//! `AT_GID`, `AT_EGID`, `AT_SECURE`, `AT_RANDOM`, `AT_HWCAP2`, `AT_EXECFN`, `AT_PLATFORM` (only
//! with a platform string), `AT_RSEQ_FEATURE_SIZE` and `AT_RSEQ_ALIGN` (only with rseq),
//! `AT_NULL`.
//!
//! Not produced: `AT_BASE_PLATFORM` (no `ELF_BASE_PLATFORM` on x86_64 or arm64), `AT_EXECFD`
//! (binfmt_misc only), `AT_HWCAP3`/`AT_HWCAP4` (not defined for x86_64).

use alloc::vec::Vec;

use errno::Errno;
use linux_raw_sys::auxvec;

/// One auxv entry: a type (`AT_*`) and its value.
pub type AuxiliaryEntry = (u64, u64);

/// The most entries [`auxiliary_vector`] produces, `AT_NULL` included.
pub(crate) const MAX_AUXILIARY_ENTRIES: usize = 23;

/// The auxv values the kernel decides; the stack builder adds the addresses of what it places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelAuxiliaryValues {
    /// `AT_SYSINFO_EHDR`: address of the vDSO's ELF header, if one is mapped.
    pub vdso_header_address: Option<u64>,
    /// `AT_MINSIGSTKSZ`: the smallest signal stack that holds a signal frame on this CPU.
    pub minimum_signal_stack_size: u64,
    /// `AT_HWCAP`: hardware capability bits (on x86_64, CPUID leaf 1's EDX).
    pub hardware_capabilities: u64,
    /// `AT_PAGESZ`: the page size.
    pub page_size: u64,
    /// `AT_CLKTCK`: `times()` ticks per second (Linux's `USER_HZ`, 100).
    pub clock_ticks_per_second: u64,
    /// `AT_PHDR`: address of the program headers in the new address space.
    pub program_headers_address: u64,
    /// `AT_PHENT`: size of one program header.
    pub program_header_size: u64,
    /// `AT_PHNUM`: number of program headers.
    pub program_header_count: u64,
    /// `AT_BASE`: load address of the program interpreter (`PT_INTERP`), 0 without one.
    pub interpreter_base: u64,
    /// `AT_FLAGS`: 0, or `AT_FLAGS_PRESERVE_ARGV0` for binfmt_misc's `P` flag.
    pub flags: u64,
    /// `AT_ENTRY`: the program's entry point (not the interpreter's).
    pub entry_point: u64,
    /// `AT_UID`: the real user ID.
    pub user_id: u64,
    /// `AT_EUID`: the effective user ID.
    pub effective_user_id: u64,
    /// `AT_GID`: the real group ID.
    pub group_id: u64,
    /// `AT_EGID`: the effective group ID.
    pub effective_group_id: u64,
    /// `AT_SECURE`: whether the program runs with raised privileges (set-user-ID and the like).
    pub is_secure: bool,
    /// `AT_HWCAP2`: further hardware capability bits (on x86_64, `HWCAP2_RING3MWAIT`,
    /// `HWCAP2_FSGSBASE`).
    pub hardware_capabilities_2: u64,
    /// `AT_RSEQ_FEATURE_SIZE` and `AT_RSEQ_ALIGN`, present when the kernel supports `rseq`.
    pub rseq: Option<RseqAuxiliaryValues>,
}

/// The two auxv entries Linux adds when built with `CONFIG_RSEQ` (since 6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RseqAuxiliaryValues {
    /// `AT_RSEQ_FEATURE_SIZE`: the size of `struct rseq` the kernel fills in.
    pub feature_size: u64,
    /// `AT_RSEQ_ALIGN`: the alignment `struct rseq` needs.
    pub alignment: u64,
}

/// Addresses of what the stack builder placed, for the entries that point into the stack.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlacedAddresses {
    pub random_bytes: u64,
    pub executable_path: u64,
    pub platform: Option<u64>,
}

/// The complete auxv in Linux's order, ending with the `AT_NULL` entry.
pub(crate) fn auxiliary_vector(
    values: &KernelAuxiliaryValues,
    placed: &PlacedAddresses,
) -> Result<Vec<AuxiliaryEntry>, Errno> {
    let mut entries = Vec::new();
    entries
        .try_reserve_exact(MAX_AUXILIARY_ENTRIES)
        .map_err(|_| Errno::ENOMEM)?;
    let mut push = |kind: u32, value: u64| entries.push((u64::from(kind), value));
    if let Some(address) = values.vdso_header_address {
        push(auxvec::AT_SYSINFO_EHDR, address);
    }
    push(auxvec::AT_MINSIGSTKSZ, values.minimum_signal_stack_size);
    push(auxvec::AT_HWCAP, values.hardware_capabilities);
    push(auxvec::AT_PAGESZ, values.page_size);
    push(auxvec::AT_CLKTCK, values.clock_ticks_per_second);
    push(auxvec::AT_PHDR, values.program_headers_address);
    push(auxvec::AT_PHENT, values.program_header_size);
    push(auxvec::AT_PHNUM, values.program_header_count);
    push(auxvec::AT_BASE, values.interpreter_base);
    push(auxvec::AT_FLAGS, values.flags);
    push(auxvec::AT_ENTRY, values.entry_point);
    push(auxvec::AT_UID, values.user_id);
    push(auxvec::AT_EUID, values.effective_user_id);
    push(auxvec::AT_GID, values.group_id);
    push(auxvec::AT_EGID, values.effective_group_id);
    push(auxvec::AT_SECURE, u64::from(values.is_secure));
    push(auxvec::AT_RANDOM, placed.random_bytes);
    push(auxvec::AT_HWCAP2, values.hardware_capabilities_2);
    push(auxvec::AT_EXECFN, placed.executable_path);
    if let Some(address) = placed.platform {
        push(auxvec::AT_PLATFORM, address);
    }
    if let Some(rseq) = values.rseq {
        push(auxvec::AT_RSEQ_FEATURE_SIZE, rseq.feature_size);
        push(auxvec::AT_RSEQ_ALIGN, rseq.alignment);
    }
    push(auxvec::AT_NULL, 0);
    Ok(entries)
}
