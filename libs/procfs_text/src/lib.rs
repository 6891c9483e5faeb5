//! The text of `/proc` files, formatted as Linux formats them.
//!
//! The kernel gathers the figures (a process's identity, memory counts, CPUID leaves, the
//! mount list); this crate turns them into the bytes Linux's `fs/proc/` and
//! `arch/x86/kernel/cpu/proc.c` print, so the layouts are tested on the host.
//!
//! Design principles:
//! - **Linux's layout, field for field.** Figures Loam does not track yet are printed as the
//!   value Linux shows for an idle process with nothing of that kind (0, or an empty mask),
//!   never left out, because programs parse these files by position.
//! - **Pure functions of their inputs.** No clock, no CPU access: CPUID leaves come in
//!   through a closure, so any CPU can be described in a test.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod cpu_flags;
mod cpuinfo;
mod meminfo;
mod mounts;
mod process;
mod uptime;

pub use cpuinfo::{CpuidLeaf, cpuinfo};
pub use meminfo::{MemoryFigures, meminfo};
pub use mounts::{MountFlags, mount_line};
pub use process::{ProcessFacts, ProcessState, stat_line, status_text};
pub use uptime::uptime;
