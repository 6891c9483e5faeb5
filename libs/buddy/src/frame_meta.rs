//! Per-frame metadata: the only memory the allocator writes.
//!
//! Every frame the allocator covers has one [`FrameMeta`]. Only the first frame of a block (its
//! head) carries the block's order and, when free, its free-list links; every other frame of a
//! block is marked as part of a block so that a stray `free` of an interior frame is detected.

/// Free-list link value meaning "no frame".
pub(crate) const NO_FRAME: u32 = u32::MAX;

/// What a frame currently is, from the allocator's point of view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum FrameState {
    /// Never handed to the allocator (firmware, kernel image, the metadata itself, holes).
    #[default]
    Reserved,
    /// First frame of a free block that sits on the free list of its order.
    FreeHead,
    /// First frame of a block handed out by `allocate`.
    AllocatedHead,
    /// Any other frame of a free or allocated block.
    InsideBlock,
}

/// Allocator bookkeeping for one frame; its contents are private to the allocator.
#[derive(Clone, Copy, Debug)]
pub struct FrameMeta {
    pub(crate) state: FrameState,
    /// Order of the block this frame heads; meaningful for heads only.
    pub(crate) order: u8,
    /// Next free block of the same order, as an index into the metadata slice.
    pub(crate) next: u32,
    /// Previous free block of the same order, as an index into the metadata slice.
    pub(crate) previous: u32,
}

impl Default for FrameMeta {
    fn default() -> Self {
        Self {
            state: FrameState::Reserved,
            order: 0,
            next: NO_FRAME,
            previous: NO_FRAME,
        }
    }
}

impl FrameMeta {
    /// Metadata for the first frame of a block in `state`, not linked into any list.
    pub(crate) fn head(state: FrameState, order: usize) -> Self {
        debug_assert!(order <= crate::MAX_ORDER);
        Self {
            state,
            order: order as u8,
            ..Self::default()
        }
    }

    /// Metadata for a frame inside a block, after its first frame.
    pub(crate) fn inside_block() -> Self {
        Self {
            state: FrameState::InsideBlock,
            ..Self::default()
        }
    }

    /// Order of the block this frame heads.
    pub(crate) fn order(&self) -> usize {
        usize::from(self.order)
    }
}
