//! Consistency check of the whole allocator, for tests and kernel debug builds.
//!
//! The check walks every free list and then every frame, and cross-checks the two walks against
//! each other and against the allocator's counters. It costs O(covered frames).

use crate::{
    BuddyAllocator, MAX_ORDER,
    frame_meta::{FrameState, NO_FRAME},
    order::{block_frames, is_aligned},
};

/// Free frames and free blocks seen by one of the two walks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct FreeTally {
    frames: u64,
    blocks: u64,
}

impl BuddyAllocator<'_> {
    /// Checks every structural invariant and returns a description of the first one broken:
    /// list links agree in both directions, listed blocks are free heads of the list's order,
    /// every block is naturally aligned and inside the covered frames, interior frames belong to
    /// a block, no two free buddies of the same order were left uncoalesced, and the free and
    /// managed counters match what the walks found.
    ///
    /// # Errors
    /// A static description of the first broken invariant.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        let listed = self.check_free_lists()?;
        let (walked, managed) = self.check_frames()?;
        if listed != walked {
            return Err("free lists and frame metadata disagree on the free blocks");
        }
        if walked.frames != self.free_frames {
            return Err("free-frame counter does not match the free blocks");
        }
        if managed != self.managed_frames {
            return Err("managed-frame counter does not match the blocks");
        }
        Ok(())
    }

    /// Walks each free list, checking links, states and orders.
    fn check_free_lists(&self) -> Result<FreeTally, &'static str> {
        let mut tally = FreeTally::default();
        for order in 0..=MAX_ORDER {
            let mut previous = NO_FRAME;
            let mut current = self.free_lists.first(order);
            while current != NO_FRAME {
                if tally.blocks >= self.meta.len() as u64 {
                    return Err("free lists are longer than the covered frames (a cycle?)");
                }
                let meta = self
                    .meta
                    .get(current as usize)
                    .ok_or("free-list link points outside the metadata")?;
                if meta.state != FrameState::FreeHead {
                    return Err("free list holds a block that is not a free head");
                }
                if meta.order() != order {
                    return Err("free list holds a block of another order");
                }
                if meta.previous != previous {
                    return Err("free-list back link does not match the forward link");
                }
                tally.frames += block_frames(order);
                tally.blocks += 1;
                previous = current;
                current = meta.next;
            }
        }
        Ok(tally)
    }

    /// Walks every covered frame, block by block; returns the free tally and the managed frames.
    fn check_frames(&self) -> Result<(FreeTally, u64), &'static str> {
        let mut tally = FreeTally::default();
        let mut managed = 0;
        let mut index = 0;
        while index < self.meta.len() {
            let meta = self.meta[index];
            match meta.state {
                FrameState::Reserved => {
                    index += 1;
                    continue;
                }
                FrameState::InsideBlock => return Err("interior frame outside any block"),
                FrameState::FreeHead | FrameState::AllocatedHead => {}
            }
            let order = meta.order();
            self.check_block(index, order)?;
            if meta.state == FrameState::FreeHead {
                if order < MAX_ORDER && self.free_buddy(index, order).is_some() {
                    return Err("free buddies of the same order were not coalesced");
                }
                tally.frames += block_frames(order);
                tally.blocks += 1;
            }
            managed += block_frames(order);
            index += block_frames(order) as usize;
        }
        Ok((tally, managed))
    }

    /// Checks the shape of the block headed at `index`: order, alignment, extent and interior.
    fn check_block(&self, index: usize, order: usize) -> Result<(), &'static str> {
        if order > MAX_ORDER {
            return Err("block order exceeds MAX_ORDER");
        }
        if !is_aligned(self.frame_of(index), order) {
            return Err("block is not naturally aligned");
        }
        let interior = self
            .meta
            .get(index + 1..index + block_frames(order) as usize)
            .ok_or("block extends past the covered frames")?;
        if interior
            .iter()
            .any(|frame| frame.state != FrameState::InsideBlock)
        {
            return Err("block interior holds a frame not marked inside a block");
        }
        Ok(())
    }
}
