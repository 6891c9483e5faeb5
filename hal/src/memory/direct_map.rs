//! The direct map: all physical memory, mapped at a fixed offset in kernel space.

use core::{
    ops::Range,
    sync::atomic::{AtomicU64, Ordering},
};

use crate::arch::layout::{DIRECT_MAP_BASE, DIRECT_MAP_BYTES};

/// One past the highest physical address the direct map covers; 0 until paging is set up.
static MAPPED_END: AtomicU64 = AtomicU64::new(0);

pub(crate) fn set_mapped_end(end: u64) {
    MAPPED_END.store(end, Ordering::Release);
}

/// Whether every byte of `range` is reachable through the direct map.
pub fn covers(range: &Range<u64>) -> bool {
    range.start <= range.end && range.end <= MAPPED_END.load(Ordering::Acquire)
}

/// The kernel virtual address of `physical`. Dereferencing the result is the caller's
/// business (and needs `unsafe`, hence only in hal).
pub fn physical_to_virtual(physical: u64) -> *mut u8 {
    debug_assert!(
        physical < DIRECT_MAP_BYTES,
        "physical address {physical:#x} beyond the direct map"
    );
    (DIRECT_MAP_BASE + physical) as *mut u8
}

/// Physical memory reserved at boot that the kernel may read, such as the initrd.
///
/// Only ranges the boot code reserved (never handed to the frame allocator) can be read this
/// way, so nothing else can write them while the slice lives.
pub fn boot_reserved_bytes(range: Range<u64>) -> &'static [u8] {
    let boot_info = crate::boot_info();
    let is_initrd = boot_info
        .initrd()
        .is_some_and(|initrd| initrd.start <= range.start && range.end <= initrd.end);
    assert!(
        is_initrd && range.start <= range.end,
        "{range:x?} is not boot-reserved memory"
    );
    let start = physical_to_virtual(range.start);
    // SAFETY: the range lies inside the initrd, which the boot code reserved for good: it is
    // never given to the frame allocator, so it is never written while the kernel runs, and
    // the direct map covers it.
    unsafe { core::slice::from_raw_parts(start, (range.end - range.start) as usize) }
}
