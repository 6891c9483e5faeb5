//! Linux's x86_64 user address-space constants and page arithmetic.
//!
//! ABI numbers (`PROT_*`, `MAP_*`, `MREMAP_*`, `MADV_*`) come from `linux-raw-sys` where they are
//! used. The values here are Linux's kernel-internal defaults, which no header exports; each
//! names the file that defines it.

/// Bytes in a page (`PAGE_SIZE`, `arch/x86/include/asm/page_types.h`).
pub const PAGE_SIZE: u64 = 4096;

/// The lowest address user space may map: Linux's default `vm.mmap_min_addr`
/// (`CONFIG_DEFAULT_MMAP_MIN_ADDR` = 65536 on x86, `security/Kconfig`). Keeping the first 64 KiB
/// unmapped turns kernel NULL-pointer dereferences into faults instead of exploits.
/// `security/commoncap.c: cap_mmap_addr()` refuses lower `MAP_FIXED` addresses with `EPERM`
/// unless the caller has `CAP_SYS_RAWIO`; Loam refuses them always.
pub const MMAP_MIN_ADDRESS: u64 = 0x1_0000;

/// One past the highest user address with 4-level paging: `TASK_SIZE_MAX` = 2^47 - one page
/// (`arch/x86/include/asm/page_64_types.h`). The top page stays unmapped so that a `syscall`
/// instruction in the last page cannot return to a non-canonical address.
pub const TASK_SIZE: u64 = 0x7fff_ffff_f000;

/// The gap kept below a grows-down (stack) area: Linux's `stack_guard_gap`, 256 pages
/// (`mm/mmap.c`). New mappings and `brk` stay this far below it, and the stack may not grow
/// closer than this to an accessible area beneath it.
pub const STACK_GUARD_GAP: u64 = 256 * PAGE_SIZE;

/// `vm.max_map_count`'s default, `DEFAULT_MAX_MAP_COUNT` = `USHRT_MAX - MAPCOUNT_ELF_CORE_MARGIN`
/// = 65530 (`include/linux/mm.h`).
pub const DEFAULT_MAX_AREA_COUNT: usize = 65_530;

/// `RLIMIT_STACK`'s default soft limit, `_STK_LIM` = 8 MiB (`include/uapi/linux/resource.h`).
pub const DEFAULT_STACK_LIMIT_BYTES: u64 = 8 * 1024 * 1024;

/// Bottom of the bottom-up search that Linux falls back to when the top-down search fails:
/// `TASK_UNMAPPED_BASE` = `PAGE_ALIGN(TASK_SIZE / 3)` (`arch/x86/include/asm/processor.h`),
/// before ASLR adds its offset.
pub const LEGACY_MMAP_BASE: u64 = (TASK_SIZE / 3).next_multiple_of(PAGE_SIZE);

/// The smallest gap Linux leaves between the top of user space and `mmap_base` for the stack:
/// 128 MiB (`SIZE_128M` in `arch/x86/mm/mmap.c: mmap_base()`).
pub const MINIMUM_STACK_GAP: u64 = 128 * 1024 * 1024;

/// `MAP_32BIT` searches only `[1 GiB, 2 GiB)`, bottom-up
/// (`arch/x86/kernel/sys_x86_64.c: find_start_end()`).
pub const MAP_32BIT_WINDOW_START: u64 = 0x4000_0000;
/// One past the last address a `MAP_32BIT` search may return.
pub const MAP_32BIT_WINDOW_END: u64 = 0x8000_0000;

/// `MAP_ABOVE4G` raises the search floor to 4 GiB (`SZ_4G`, `arch/x86/kernel/sys_x86_64.c`).
pub const ABOVE_4G_FLOOR: u64 = 0x1_0000_0000;

/// Whether `address` is the first byte of a page.
pub const fn is_page_aligned(address: u64) -> bool {
    address.is_multiple_of(PAGE_SIZE)
}

/// `PAGE_ALIGN(value)`: rounds up to a page boundary; `None` where Linux's version would wrap
/// around to 0.
pub const fn page_align_up(value: u64) -> Option<u64> {
    value.checked_next_multiple_of(PAGE_SIZE)
}

/// Rounds down to a page boundary (`value & PAGE_MASK`).
pub const fn page_align_down(value: u64) -> u64 {
    value - value % PAGE_SIZE
}

/// The number of whole pages in `bytes` (which the callers keep page aligned).
pub const fn pages_in(bytes: u64) -> u64 {
    bytes / PAGE_SIZE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_base_is_a_page_aligned_third_of_user_space() {
        assert_eq!(LEGACY_MMAP_BASE, 0x2aaa_aaaa_b000);
        assert!(is_page_aligned(LEGACY_MMAP_BASE));
    }

    #[test]
    fn page_align_up_reports_wrap_around() {
        assert_eq!(page_align_up(0), Some(0));
        assert_eq!(page_align_up(1), Some(PAGE_SIZE));
        assert_eq!(page_align_up(PAGE_SIZE), Some(PAGE_SIZE));
        assert_eq!(page_align_up(u64::MAX), None);
        assert_eq!(
            page_align_up(u64::MAX - PAGE_SIZE + 1),
            Some(u64::MAX - PAGE_SIZE + 1)
        );
    }

    #[test]
    fn page_align_down_clears_the_offset() {
        assert_eq!(page_align_down(0x1_2345), 0x1_2000);
        assert_eq!(page_align_down(0x1_2000), 0x1_2000);
    }
}
