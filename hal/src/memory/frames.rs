//! The global physical-frame allocator: the buddy allocator from `libs/buddy` behind a lock.
//!
//! Its per-frame metadata lives in a slice carved from boot memory, covering every frame up to
//! the highest usable one. Counts are exported so tests can check that work gives back every
//! frame it took.

use core::ops::Range;

use buddy::{BuddyAllocator, FrameMeta};

use super::{PAGE_SIZE, direct_map::physical_to_virtual, ranges};
use crate::{
    boot_info::{BootInfo, MemoryKind},
    sync::IrqSpinLock,
};

static ALLOCATOR: IrqSpinLock<Option<BuddyAllocator<'static>>> = IrqSpinLock::new(None);

/// Free and total counts, in frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameCounts {
    /// Frames the allocator manages (usable RAM less what boot reserved).
    pub managed: u64,
    /// Frames free right now.
    pub free: u64,
}

/// Frames of metadata needed to manage memory up to the highest usable frame.
pub fn metadata_entries(info: &BootInfo) -> u64 {
    info.memory_regions()
        .filter(|region| region.kind == MemoryKind::Usable)
        .map(|region| region.range.end / PAGE_SIZE)
        .max()
        .unwrap_or(0)
}

/// Bytes of metadata for `entries` frames.
pub fn metadata_bytes(entries: u64) -> u64 {
    entries * size_of::<FrameMeta>() as u64
}

/// Starts the allocator with every usable frame outside `reserved`.
///
/// `metadata` is the physical range holding [`metadata_entries`] entries, itself reserved.
pub fn init(info: &BootInfo, metadata: Range<u64>, reserved: &[Range<u64>]) {
    let entries = metadata_entries(info) as usize;
    let first = physical_to_virtual(metadata.start).cast::<FrameMeta>();
    assert!(metadata_bytes(entries as u64) <= metadata.end - metadata.start);
    for index in 0..entries {
        // SAFETY: `metadata` is reserved RAM, mapped by the direct map, large enough for
        // `entries` entries and suitably aligned (page aligned).
        unsafe { first.wrapping_add(index).write(FrameMeta::default()) };
    }
    // SAFETY: the entries were just initialised, and the range is never used for anything
    // else: it stays reserved for the life of the kernel and this is the only reference.
    let slice = unsafe { core::slice::from_raw_parts_mut(first, entries) };
    let mut allocator = BuddyAllocator::new(slice, 0);
    for region in info
        .memory_regions()
        .filter(|region| region.kind == MemoryKind::Usable)
    {
        ranges::subtract(region.range.clone(), reserved, &mut |free| {
            let first_frame = free.start.div_ceil(PAGE_SIZE);
            let end_frame = free.end / PAGE_SIZE;
            if first_frame < end_frame {
                allocator.add_free_range(first_frame, end_frame);
            }
        });
    }
    *ALLOCATOR.lock() = Some(allocator);
}

/// Allocates 2^`order` contiguous frames aligned to their size; returns the physical address.
pub fn allocate(order: usize) -> Option<u64> {
    let frame = ALLOCATOR.lock().as_mut()?.allocate(order)?;
    Some(frame * PAGE_SIZE)
}

/// Like [`allocate`], with the memory zeroed.
pub fn allocate_zeroed(order: usize) -> Option<u64> {
    let physical = allocate(order)?;
    let bytes = (PAGE_SIZE << order) as usize;
    // SAFETY: the block was just allocated, so nothing else references it; the direct map
    // covers all RAM.
    unsafe { physical_to_virtual(physical).write_bytes(0, bytes) };
    Some(physical)
}

/// Returns a block from [`allocate`]. A wrong address or order is a kernel bug: it is
/// reported and the block is leaked rather than corrupting the allocator.
pub fn free(physical: u64, order: usize) {
    let mut guard = ALLOCATOR.lock();
    let Some(allocator) = guard.as_mut() else {
        return;
    };
    if let Err(error) = allocator.free(physical / PAGE_SIZE, order) {
        drop(guard);
        log::error!("frames: bad free of {physical:#x} order {order}: {error:?}");
        debug_assert!(false, "bad frame free");
    }
}

/// Current counts; zero before [`init`].
pub fn counts() -> FrameCounts {
    let guard = ALLOCATOR.lock();
    guard.as_ref().map_or(
        FrameCounts {
            managed: 0,
            free: 0,
        },
        |allocator| FrameCounts {
            managed: allocator.managed_frames(),
            free: allocator.free_frames(),
        },
    )
}

/// Walks the allocator's free lists and metadata; `Err` names the broken invariant.
pub fn check_invariants() -> Result<(), &'static str> {
    ALLOCATOR
        .lock()
        .as_ref()
        .map_or(Ok(()), BuddyAllocator::check_invariants)
}
