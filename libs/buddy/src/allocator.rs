//! The buddy allocator: splitting on allocation, coalescing on free.
//!
//! Blocks are aligned in absolute frame numbers, not relative to the first covered frame, so a
//! block of order `n` is also aligned to `2^n` frames in physical memory (what large pages need).
//! The buddy of the block at `frame` is the block at `frame ^ 2^n`.

use core::{fmt, ops::Range};

use crate::{
    MAX_ORDER,
    frame_meta::{FrameMeta, FrameState, NO_FRAME},
    free_error::FreeError,
    free_lists::FreeLists,
    order::{block_frames, is_aligned},
};

/// A buddy allocator over the frames `[base_frame, base_frame + metadata length)`.
pub struct BuddyAllocator<'meta> {
    pub(crate) meta: &'meta mut [FrameMeta],
    pub(crate) base_frame: u64,
    pub(crate) free_lists: FreeLists,
    pub(crate) free_frames: u64,
    pub(crate) managed_frames: u64,
}

impl<'meta> BuddyAllocator<'meta> {
    /// Creates an allocator covering one frame per entry of `meta`, starting at `base_frame`.
    ///
    /// Every covered frame starts reserved: nothing can be allocated until
    /// [`add_free_range`](Self::add_free_range) hands frames over. The metadata is overwritten.
    /// Coverage is cut short where the frame numbers would overflow, and at `u32::MAX` frames
    /// (16 TiB of 4 KiB frames), because free-list links are `u32` indices with `u32::MAX` meaning
    /// "none"; metadata entries past that are left untouched.
    pub fn new(meta: &'meta mut [FrameMeta], base_frame: u64) -> Self {
        let frame_limit = u64::MAX - base_frame;
        let covered = meta
            .len()
            .min(NO_FRAME as usize)
            .min(usize::try_from(frame_limit).unwrap_or(usize::MAX));
        let (meta, _) = meta.split_at_mut(covered);
        meta.fill(FrameMeta::default());
        Self {
            meta,
            base_frame,
            free_lists: FreeLists::new(),
            free_frames: 0,
            managed_frames: 0,
        }
    }

    /// Hands the frames `[start_frame, end_frame)` to the allocator.
    ///
    /// The range is clamped to the covered frames and need not be aligned: each run of reserved
    /// frames is broken into maximal naturally aligned blocks, which coalesce with free neighbours.
    /// Frames already handed over (free or allocated) are skipped, so overlapping ranges from a
    /// firmware memory map are harmless and an allocated frame is never made free twice.
    pub fn add_free_range(&mut self, start_frame: u64, end_frame: u64) {
        let Range { start, end } = self.clamp_to_covered(start_frame, end_frame);
        let mut index = start;
        while index < end {
            if self.meta[index].state != FrameState::Reserved {
                index += 1;
                continue;
            }
            let run_end = (index..end)
                .find(|&candidate| self.meta[candidate].state != FrameState::Reserved)
                .unwrap_or(end);
            self.add_reserved_run(index, run_end);
            index = run_end;
        }
    }

    /// Allocates a block of `2^order` frames and returns its first frame number, aligned to
    /// `2^order` frames. Returns `None` if `order` exceeds [`MAX_ORDER`] or no block is free.
    pub fn allocate(&mut self, order: usize) -> Option<u64> {
        if order > MAX_ORDER {
            return None;
        }
        let found_order = (order..=MAX_ORDER).find(|&size| !self.free_lists.is_empty(size))?;
        let index = self.free_lists.pop(self.meta, found_order)?;
        for split_order in (order..found_order).rev() {
            let upper_half = index + block_frames(split_order) as usize;
            self.free_lists.push(self.meta, upper_half, split_order);
        }
        self.meta[index] = FrameMeta::head(FrameState::AllocatedHead, order);
        self.free_frames -= block_frames(order);
        Some(self.frame_of(index))
    }

    /// Returns the block of `2^order` frames starting at `frame`, coalescing it with its buddy
    /// for as long as the buddy is free and of the same order.
    ///
    /// # Errors
    /// Refuses, leaving the allocator unchanged, unless `frame` starts a block allocated with
    /// exactly `order`; see [`FreeError`].
    pub fn free(&mut self, frame: u64, order: usize) -> Result<(), FreeError> {
        let index = self.index_of(frame).ok_or(FreeError::OutOfRange)?;
        let meta = self.meta[index];
        match meta.state {
            FrameState::AllocatedHead if meta.order() == order => {}
            FrameState::AllocatedHead => {
                return Err(FreeError::WrongOrder {
                    allocated_order: meta.order(),
                });
            }
            FrameState::FreeHead => return Err(FreeError::DoubleFree),
            FrameState::Reserved => return Err(FreeError::NotManaged),
            FrameState::InsideBlock => return Err(self.diagnose_inside_block(index)),
        }
        self.free_frames += block_frames(order);
        self.insert_free_block(index, order);
        Ok(())
    }

    /// Number of frames currently free.
    pub fn free_frames(&self) -> u64 {
        self.free_frames
    }

    /// Number of frames currently allocated.
    pub fn used_frames(&self) -> u64 {
        self.managed_frames - self.free_frames
    }

    /// Number of frames handed over by [`add_free_range`](Self::add_free_range), free or used.
    pub fn managed_frames(&self) -> u64 {
        self.managed_frames
    }

    /// The frame numbers this allocator covers (managed or reserved).
    pub fn covered_frames(&self) -> Range<u64> {
        self.base_frame..self.frame_of(self.meta.len())
    }

    /// Metadata index of `frame`, if covered.
    pub(crate) fn index_of(&self, frame: u64) -> Option<usize> {
        let offset = usize::try_from(frame.checked_sub(self.base_frame)?).ok()?;
        (offset < self.meta.len()).then_some(offset)
    }

    /// Frame number of the metadata entry at `index`.
    pub(crate) fn frame_of(&self, index: usize) -> u64 {
        self.base_frame + index as u64
    }

    /// Index of the free buddy of the block of `order` at `index`, if that buddy is a whole free
    /// block of the same order.
    pub(crate) fn free_buddy(&self, index: usize, order: usize) -> Option<usize> {
        let buddy = self.index_of(self.frame_of(index) ^ block_frames(order))?;
        let meta = self.meta[buddy];
        (meta.state == FrameState::FreeHead && meta.order() == order).then_some(buddy)
    }

    /// Metadata indices of the covered frames in `[start_frame, end_frame)`.
    fn clamp_to_covered(&self, start_frame: u64, end_frame: u64) -> Range<usize> {
        let Range { start, end } = self.covered_frames();
        let clamped_start = start_frame.clamp(start, end);
        let clamped_end = end_frame.clamp(clamped_start, end);
        (clamped_start - start) as usize..(clamped_end - start) as usize
    }

    /// Makes the reserved frames `[start, end)` (metadata indices) free, as maximal aligned blocks.
    fn add_reserved_run(&mut self, start: usize, end: usize) {
        let mut index = start;
        while index < end {
            let order = (0..=MAX_ORDER)
                .rev()
                .find(|&order| {
                    is_aligned(self.frame_of(index), order)
                        && index + block_frames(order) as usize <= end
                })
                .unwrap_or(0);
            let frames = block_frames(order);
            let block_end = index + frames as usize;
            self.meta[index + 1..block_end].fill(FrameMeta::inside_block());
            self.managed_frames += frames;
            self.free_frames += frames;
            self.insert_free_block(index, order);
            index = block_end;
        }
    }

    /// Puts a block whose frames are already counted free on its free list, first merging it
    /// with its buddy as long as that buddy is free and of the same order.
    fn insert_free_block(&mut self, mut index: usize, mut order: usize) {
        while order < MAX_ORDER {
            let Some(buddy) = self.free_buddy(index, order) else {
                break;
            };
            self.free_lists.remove(self.meta, buddy, order);
            let absorbed = index.max(buddy);
            self.meta[absorbed] = FrameMeta::inside_block();
            index = index.min(buddy);
            order += 1;
        }
        self.free_lists.push(self.meta, index, order);
    }

    /// Explains why the frame at `index`, inside some block, cannot be freed: it is either in a
    /// free block (a double free) or in the middle of an allocated one.
    fn diagnose_inside_block(&self, index: usize) -> FreeError {
        let frame = self.frame_of(index);
        for order in 1..=MAX_ORDER {
            let Some(head) = self.index_of(frame & !(block_frames(order) - 1)) else {
                break;
            };
            let meta = self.meta[head];
            match meta.state {
                FrameState::FreeHead if meta.order() >= order => return FreeError::DoubleFree,
                FrameState::AllocatedHead if meta.order() >= order => {
                    return FreeError::NotBlockStart;
                }
                _ => {}
            }
        }
        FreeError::NotBlockStart
    }
}

impl fmt::Debug for BuddyAllocator<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("BuddyAllocator")
            .field("covered_frames", &self.covered_frames())
            .field("managed_frames", &self.managed_frames)
            .field("free_frames", &self.free_frames)
            .finish_non_exhaustive()
    }
}
