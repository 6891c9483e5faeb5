//! Linux's x86_64 constants for exec, and the page arithmetic of `fs/binfmt_elf.c`.
//!
//! Each constant names the Linux macro it mirrors and the header that defines it, so a reader
//! can check the value against the source. The page helpers are `ELF_PAGESTART`,
//! `ELF_PAGEOFFSET` and `ELF_PAGEALIGN` from `fs/binfmt_elf.c`, written so they cannot overflow.

/// The page size exec works in: `ELF_MIN_ALIGN`, which is `PAGE_SIZE` on x86_64 because
/// `ELF_EXEC_PAGESIZE` is 4096 (`arch/x86/include/asm/elf.h`).
pub const PAGE_SIZE: u64 = 4096;

/// The end of user space for a 64-bit task with 4-level paging: `TASK_SIZE_MAX` is
/// `(1 << 47) - PAGE_SIZE` (`arch/x86/include/asm/page_64_types.h`). The last page below 2^47 is
/// left unmapped so that `syscall` can never return to a non-canonical address.
pub const TASK_SIZE_MAX: u64 = 0x0000_7fff_ffff_f000;

/// `DEFAULT_MAP_WINDOW`: the top of the 47-bit address space Linux hands out by default
/// (`arch/x86/include/asm/page_64_types.h`), equal to [`TASK_SIZE_MAX`] with 4-level paging.
pub const DEFAULT_MAP_WINDOW: u64 = (1 << 47) - PAGE_SIZE;

/// Where Linux places a position-independent program: `ELF_ET_DYN_BASE` is
/// `DEFAULT_MAP_WINDOW / 3 * 2` for 64-bit tasks (`arch/x86/include/asm/elf.h`), which is
/// `0x5555_5555_4aaa`. After rounding down to the image's alignment and the page, a PIE whose first
/// segment is at 0 loads at `0x5555_5555_4000`, the familiar base seen with ASLR off. Linux adds
/// `arch_mmap_rnd()` when randomizing; Loam has no ASLR yet.
pub const ELF_ET_DYN_BASE: u64 = DEFAULT_MAP_WINDOW / 3 * 2;

/// How many bytes of the file Linux reads before choosing a binary format: `BINPRM_BUF_SIZE`
/// (`include/uapi/linux/binfmts.h`). The ELF header is parsed from this buffer, zero-padded
/// past the end of a short file.
pub const BINPRM_BUF_SIZE: usize = 256;

/// The longest interpreter path `PT_INTERP` may hold, counting its NUL: `PATH_MAX`
/// (`include/uapi/linux/limits.h`).
pub const PATH_MAX: u64 = 4096;

/// The largest program header table Linux reads: `load_elf_phdrs()` refuses a table bigger than
/// 65536 bytes or than `ELF_MIN_ALIGN`, so on x86_64 at most 4096 bytes, 73 entries.
pub const PROGRAM_HEADER_TABLE_MAX_BYTES: u64 = PAGE_SIZE;

/// `ELF_PAGESTART`: the address rounded down to its page.
pub const fn page_start(address: u64) -> u64 {
    address & !(PAGE_SIZE - 1)
}

/// `ELF_PAGEOFFSET`: the address's offset inside its page.
pub const fn page_offset(address: u64) -> u64 {
    address & (PAGE_SIZE - 1)
}

/// `ELF_PAGEALIGN`: the address rounded up to a page boundary, or `None` past `u64::MAX`.
pub const fn checked_page_align(address: u64) -> Option<u64> {
    match address.checked_add(PAGE_SIZE - 1) {
        Some(sum) => Some(page_start(sum)),
        None => None,
    }
}

/// `ELF_PAGEALIGN` that stops at the last page boundary instead of overflowing; for helpers on
/// values that validation already bounded, where overflow cannot happen but must not panic.
pub const fn saturating_page_align(address: u64) -> u64 {
    page_start(address.saturating_add(PAGE_SIZE - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dyn_base_matches_the_value_linux_computes() {
        assert_eq!(ELF_ET_DYN_BASE, 0x5555_5555_4aaa);
        assert_eq!(page_start(ELF_ET_DYN_BASE), 0x5555_5555_4000);
        assert_eq!(TASK_SIZE_MAX, DEFAULT_MAP_WINDOW);
    }

    #[test]
    fn page_arithmetic_rounds_both_ways() {
        assert_eq!(page_start(0x1fff), 0x1000);
        assert_eq!(page_offset(0x1fff), 0xfff);
        assert_eq!(checked_page_align(0x1001), Some(0x2000));
        assert_eq!(checked_page_align(0x2000), Some(0x2000));
        assert_eq!(checked_page_align(u64::MAX), None);
        assert_eq!(saturating_page_align(u64::MAX), page_start(u64::MAX));
    }

    #[test]
    fn program_header_table_limit_allows_seventy_three_entries() {
        assert_eq!(PROGRAM_HEADER_TABLE_MAX_BYTES / 56, 73);
    }
}
