//! Free lists: one doubly linked list of free blocks per order, threaded through the metadata.
//!
//! Links are `u32` indices into the metadata slice rather than frame numbers, which keeps
//! [`FrameMeta`] small; [`NO_FRAME`] ends a list. Because each block knows its predecessor, a buddy
//! can be unlinked in O(1) when it is coalesced.

use crate::{
    MAX_ORDER,
    frame_meta::{FrameMeta, FrameState, NO_FRAME},
};

/// The first free block of each order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FreeLists {
    heads: [u32; MAX_ORDER + 1],
}

impl FreeLists {
    /// Empty lists for every order.
    pub(crate) const fn new() -> Self {
        Self {
            heads: [NO_FRAME; MAX_ORDER + 1],
        }
    }

    /// Index of the first free block of `order`, or [`NO_FRAME`].
    pub(crate) fn first(&self, order: usize) -> u32 {
        self.heads[order]
    }

    /// Whether no block of `order` is free.
    pub(crate) fn is_empty(&self, order: usize) -> bool {
        self.heads[order] == NO_FRAME
    }

    /// Marks the block starting at `index` free with `order` and puts it at the front of its list.
    pub(crate) fn push(&mut self, meta: &mut [FrameMeta], index: usize, order: usize) {
        let old_first = self.heads[order];
        let link = index_to_link(index);
        meta[index] = FrameMeta {
            next: old_first,
            ..FrameMeta::head(FrameState::FreeHead, order)
        };
        if old_first != NO_FRAME {
            meta[old_first as usize].previous = link;
        }
        self.heads[order] = link;
    }

    /// Unlinks the free block starting at `index` from the list of `order`. The caller sets the
    /// frame's new state.
    pub(crate) fn remove(&mut self, meta: &mut [FrameMeta], index: usize, order: usize) {
        let FrameMeta { next, previous, .. } = meta[index];
        debug_assert_eq!(meta[index].state, FrameState::FreeHead);
        debug_assert_eq!(meta[index].order(), order);
        if previous == NO_FRAME {
            self.heads[order] = next;
        } else {
            meta[previous as usize].next = next;
        }
        if next != NO_FRAME {
            meta[next as usize].previous = previous;
        }
        meta[index].next = NO_FRAME;
        meta[index].previous = NO_FRAME;
    }

    /// Unlinks and returns the first free block of `order`, if any.
    pub(crate) fn pop(&mut self, meta: &mut [FrameMeta], order: usize) -> Option<usize> {
        let first = self.heads[order];
        if first == NO_FRAME {
            return None;
        }
        let index = first as usize;
        self.remove(meta, index, order);
        Some(index)
    }
}

/// Converts a metadata index to a list link. The allocator never covers more than
/// `NO_FRAME` frames, so every index fits and none collides with the sentinel.
fn index_to_link(index: usize) -> u32 {
    debug_assert!(index < NO_FRAME as usize);
    index as u32
}
