//! Buddy allocator for physical 4 KiB frames.
//!
//! The kernel's hal hands this crate the frames the firmware reports usable and asks it for naturally
//! aligned blocks of `2^order` frames, the way Linux's page allocator does.
//!
//! Design principles:
//! - **No writes into the frames themselves.** This crate is safe code and cannot touch physical
//!   memory, so all bookkeeping (free-list links, block order, block state) lives in a
//!   caller-provided [`FrameMeta`] slice, one entry per frame. The kernel carves that slice out of
//!   boot memory; later it will also hold per-frame reference counts for copy-on-write.
//! - **O(1) free-list edits.** Free lists are doubly linked through the metadata by `u32` index, so
//!   unlinking a buddy during coalescing never walks a list.
//! - **Bad input is an error, not a panic.** [`BuddyAllocator::free`] reports double frees, frames
//!   that are not the start of a block and mismatched orders as [`FreeError`].
//! - **Checkable.** [`BuddyAllocator::check_invariants`] walks every list and every frame; host tests
//!   run it after each step of randomized sequences, and kernel debug builds may run it too.
#![no_std]
#![forbid(unsafe_code)]

mod allocator;
mod frame_meta;
mod free_error;
mod free_lists;
mod invariants;
mod order;

pub use allocator::BuddyAllocator;
pub use frame_meta::FrameMeta;
pub use free_error::FreeError;
pub use order::{MAX_ORDER, frames_in_order, order_for_frames};
