//! A process's memory areas (Linux's VMAs) and Linux's rules for changing them.
//!
//! The kernel keeps one [`MemoryMap`] per process beside the hardware page tables. This crate
//! decides what the address space looks like; the kernel does the page-level work. Every
//! mutating call therefore returns a report of exactly which pages the kernel must unmap,
//! re-protect, move or fault in: [`Mapped`] (`mmap`), the removed ranges (`munmap`), the
//! changed ranges (`mprotect`), [`BreakChange`] (`brk`), [`Remap`] (`mremap`) and [`Advised`]
//! (`madvise`). Page faults ask [`MemoryMap::check_access`] and, for stacks,
//! [`MemoryMap::grow_stack_to`]. `docs/memory.md` describes what the kernel does with each.
//!
//! Design principles:
//! - **Linux is the specification.** Each call checks its arguments in the order Linux's
//!   `mm/` code does, returns the same errno, places mappings where Linux's top-down x86_64
//!   layout would, and merges neighbouring areas as Linux does, so `/proc/self/maps` reads the
//!   same. Comments cite the functions followed; deliberate differences are documented where
//!   they are made (all-or-nothing `mprotect` and `mremap`, no huge pages).
//! - **Decode, then commit.** An operation either succeeds completely or fails and changes
//!   nothing, including when memory runs out: every allocation is fallible and reports
//!   `ENOMEM`, and edits are built aside and spliced in at the end.
//! - **No panic on any input.** Address arithmetic is checked, and randomized tests run
//!   thousands of operations against a page-by-page model.
//! - **Pure and `no_std`.** No page tables, frames or locks here; the caller holds the
//!   process's memory lock around each call.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod area;
mod brk;
mod layout;
mod linux;
mod madvise;
mod map;
mod mmap;
mod mmap_flags;
mod mprotect;
mod mremap;
mod munmap;
mod overcommit;
mod protection;
mod range;
mod rewrite;
mod search;
mod stack;

pub use area::{Area, AreaKind, FileId};
pub use brk::BreakChange;
pub use layout::Layout;
pub use linux::{
    DEFAULT_MAX_AREA_COUNT, DEFAULT_STACK_LIMIT_BYTES, LEGACY_MMAP_BASE, MMAP_MIN_ADDRESS,
    PAGE_SIZE, STACK_GUARD_GAP, TASK_SIZE,
};
pub use madvise::Advised;
pub use map::MemoryMap;
pub use mmap::{FileMapping, Mapped};
pub use mremap::{PageMove, Remap};
pub use protection::{Access, Fault, Protection};
pub use range::Range;
