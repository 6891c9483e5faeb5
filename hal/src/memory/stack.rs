//! Kernel stacks, each with an unmapped guard page below it.
//!
//! The stack area is cut into fixed slots; the lowest page of each slot is never mapped, so a
//! stack overflow faults on the guard page (reported as such) instead of silently corrupting
//! whatever lies below. Slots are not reused yet: there are millions.

use core::sync::atomic::{AtomicU64, Ordering};

use super::{PAGE_SIZE, frames};
use crate::arch::{
    layout::{KERNEL_STACKS_BASE, KERNEL_STACKS_END},
    paging,
};

/// Bytes of address space per stack, guard page included.
const SLOT_BYTES: u64 = 128 * 1024;

static NEXT_SLOT: AtomicU64 = AtomicU64::new(0);

/// A mapped kernel stack; unmapped and freed on drop.
#[derive(Debug)]
pub struct KernelStack {
    slot_start: u64,
}

impl KernelStack {
    /// Maps a fresh stack of `SLOT_BYTES - PAGE_SIZE` bytes; `None` if memory ran out.
    pub fn allocate() -> Option<Self> {
        let slot = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
        let slot_start = KERNEL_STACKS_BASE.checked_add(slot.checked_mul(SLOT_BYTES)?)?;
        if slot_start >= KERNEL_STACKS_END {
            return None;
        }
        let stack = Self { slot_start };
        for page in stack.pages() {
            let frame = frames::allocate_zeroed(0)?;
            if paging::map_kernel_data_page(page, frame).is_err() {
                frames::free(frame, 0);
                return None;
            }
        }
        Some(stack)
    }

    /// The initial stack pointer (one past the highest byte).
    pub fn top(&self) -> u64 {
        self.slot_start + SLOT_BYTES
    }

    /// The lowest usable address (just above the guard page).
    pub fn bottom(&self) -> u64 {
        self.slot_start + PAGE_SIZE
    }

    fn pages(&self) -> impl Iterator<Item = u64> {
        (self.bottom()..self.top()).step_by(PAGE_SIZE as usize)
    }
}

impl Drop for KernelStack {
    fn drop(&mut self) {
        for page in self.pages() {
            if let Some(frame) = paging::unmap_kernel_page(page) {
                frames::free(frame, 0);
            }
        }
    }
}

/// Start of the stack slot holding `address`, if it is in the stack area.
fn slot_start(address: u64) -> Option<u64> {
    (KERNEL_STACKS_BASE..KERNEL_STACKS_END)
        .contains(&address)
        .then(|| address - (address - KERNEL_STACKS_BASE) % SLOT_BYTES)
}

/// If `address` falls in a kernel stack's guard page, that page's address.
pub fn guard_page_containing(address: u64) -> Option<u64> {
    slot_start(address).filter(|&start| address - start < PAGE_SIZE)
}

/// The usable range of the stack slot holding `address`, if it is in the stack area.
pub fn slot_stack_range(address: u64) -> Option<core::ops::Range<u64>> {
    slot_start(address).map(|start| start + PAGE_SIZE..start + SLOT_BYTES)
}
