//! One 4 KiB physical frame owned by exactly one holder, freed when dropped.
//!
//! The kernel fills frames for user memory (ELF data, the initial stack, zero pages) through
//! [`OwnedFrame::bytes_mut`] and then moves them into an address space, which owns them while
//! mapped and hands them back (or frees them) when unmapped. Because the frame moves, no Rust
//! reference to its contents can outlive the moment user code may start writing it.

use core::fmt;

use super::{PAGE_SIZE, direct_map::physical_to_virtual, frames};

/// Bytes in one frame.
pub const FRAME_BYTES: usize = PAGE_SIZE as usize;

/// An allocated, exclusively owned 4 KiB frame.
pub struct OwnedFrame {
    physical: u64,
}

impl OwnedFrame {
    /// A frame filled with zeros; `None` when memory is exhausted.
    pub fn allocate_zeroed() -> Option<Self> {
        frames::allocate_zeroed(0).map(|physical| Self { physical })
    }

    /// The frame's physical address.
    pub fn physical_address(&self) -> u64 {
        self.physical
    }

    /// The frame's contents.
    pub fn bytes(&self) -> &[u8; FRAME_BYTES] {
        // SAFETY: the frame is allocated RAM covered by the direct map, owned by `self` alone
        // (it is not mapped anywhere else while an `OwnedFrame` holds it), and the borrow of
        // `self` keeps it alive and unaliased by writers.
        unsafe { &*physical_to_virtual(self.physical).cast::<[u8; FRAME_BYTES]>() }
    }

    /// The frame's contents, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8; FRAME_BYTES] {
        // SAFETY: as in `bytes`, and the exclusive borrow of `self` makes this the only
        // reference to the frame's memory.
        unsafe { &mut *physical_to_virtual(self.physical).cast::<[u8; FRAME_BYTES]>() }
    }

    /// Gives up ownership without freeing; the caller must rebuild it with [`Self::from_raw`].
    pub(crate) fn into_raw(self) -> u64 {
        let physical = self.physical;
        core::mem::forget(self);
        physical
    }

    /// Takes back ownership of a frame given up with [`Self::into_raw`].
    ///
    /// # Safety
    /// `physical` must come from `into_raw` and not have been rebuilt since.
    pub(crate) unsafe fn from_raw(physical: u64) -> Self {
        Self { physical }
    }
}

impl Drop for OwnedFrame {
    fn drop(&mut self) {
        frames::free(self.physical, 0);
    }
}

impl fmt::Debug for OwnedFrame {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "OwnedFrame({:#x})", self.physical)
    }
}
