//! The kernel heap (`#[global_allocator]`): `talc` over a virtual range that grows page by page.
//!
//! The heap owns an address range of its own ([`KERNEL_HEAP_BASE`]); whenever `talc` runs out,
//! [`GrowingSource`] maps more frames at the end of the range and extends the heap. Frames need
//! not be contiguous, so a large allocation never depends on finding a large physical block.
//! The heap never shrinks yet.
//!
//! Interrupt handlers must not allocate: the heap lock does not disable interrupts.

use core::{alloc::Layout, ptr::NonNull};

use talc::{
    DefaultBinning,
    base::{Talc, binning::Binning},
    source::Source,
    sync::TalcLock,
};

use super::{PAGE_SIZE, frames};
use crate::arch::{
    layout::{KERNEL_HEAP_BASE, KERNEL_HEAP_END},
    paging,
};

/// Smallest growth step, so that small allocations do not map a page at a time.
const MIN_GROWTH_BYTES: u64 = 256 * 1024;

#[global_allocator]
static HEAP: TalcLock<spin::Mutex<()>, GrowingSource, DefaultBinning> =
    TalcLock::new(GrowingSource {
        mapped_end: KERNEL_HEAP_BASE,
        heap_end: None,
    });

/// Bytes the heap has mapped so far.
pub fn reserved_bytes() -> u64 {
    HEAP.lock().source.mapped_end - KERNEL_HEAP_BASE
}

/// Maps more of the heap range each time the heap is exhausted.
#[derive(Debug)]
struct GrowingSource {
    /// End of the mapped part of the heap range.
    mapped_end: u64,
    /// The end of the heap as `talc` knows it, once the first block is claimed.
    heap_end: Option<usize>,
}

impl GrowingSource {
    /// Maps at least `bytes` more; returns the old and new end of the mapped range.
    fn map_more(&mut self, bytes: u64) -> Result<(u64, u64), ()> {
        let grow = bytes.max(MIN_GROWTH_BYTES).next_multiple_of(PAGE_SIZE);
        let start = self.mapped_end;
        let end = start
            .checked_add(grow)
            .filter(|&end| end <= KERNEL_HEAP_END)
            .ok_or(())?;
        for page in (start..end).step_by(PAGE_SIZE as usize) {
            let frame = frames::allocate(0).ok_or(())?;
            if paging::map_kernel_data_page(page, frame).is_err() {
                frames::free(frame, 0);
                return Err(());
            }
            self.mapped_end = page + PAGE_SIZE;
        }
        Ok((start, end))
    }
}

// SAFETY: `acquire` only uses the `Talc` it is given, the frame allocator and the kernel page
// tables, none of which allocate from the heap.
unsafe impl Source for GrowingSource {
    fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        let needed = layout
            .size()
            .saturating_add(layout.align())
            .saturating_add(PAGE_SIZE as usize);
        let (start, end) = talc.source.map_more(needed as u64)?;
        let new_end = end as *mut u8;
        let heap_end = match talc.source.heap_end.map(|end| NonNull::new(end as *mut u8)) {
            // SAFETY: `heap_end` is the end of the heap `talc` returned last time, and the
            // pages from there up to `new_end` were just mapped for the heap alone.
            Some(Some(heap_end)) => unsafe { talc.extend(heap_end, new_end) },
            // SAFETY: `start..end` was just mapped, writable, and is used by nothing else.
            _ => unsafe { talc.claim(start as *mut u8, (end - start) as usize) }.ok_or(())?,
        };
        talc.source.heap_end = Some(heap_end.as_ptr() as usize);
        Ok(())
    }
}
