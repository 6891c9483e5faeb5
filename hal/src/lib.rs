//! Loam's hardware abstraction layer: the only crate allowed `unsafe`.
//!
//! Design principles:
//! - Every memory-unsafe operation in Loam lives here, in the smallest module that owns its
//!   invariant, with a `// SAFETY:` comment saying why it holds. The kernel above is
//!   `#![deny(unsafe_code)]` and sees only safe types and functions.
//! - Architecture-specific code lives under `arch/<name>/` only; each arch module exports the
//!   same names (see `arch/mod.rs`), and everything outside `arch/` is arch-neutral.
//! - Boot hands the kernel a [`BootInfo`] and a working machine: page tables with a direct
//!   map, a frame allocator, a heap, interrupts with a timer, and a guarded kernel stack.
//!
//! The interface is described in `docs/hal.md`.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod arch;
pub mod backtrace;
pub mod boot_info;
pub mod boot_messages;
pub mod console;
mod entry;
pub mod memory;
mod panic;
pub mod power;
pub mod symbols;
pub mod sync;
pub mod time;
pub mod user;

pub use boot_info::BootInfo;

static BOOT_INFO: spin::Once<BootInfo> = spin::Once::new();

/// The boot information; panics if called before boot filled it (a hal bug).
pub fn boot_info() -> &'static BootInfo {
    BOOT_INFO
        .get()
        .expect("boot info is set before the kernel runs")
}
