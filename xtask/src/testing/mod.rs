//! `cargo xtask test`: every test, in three stages, ending with `N passed, N failed`.
//!
//! 1. host unit tests (`cargo test` over the host-side workspace members);
//! 2. in-kernel tests: a `ktest` build of Loam reports its tests over serial (skipped with
//!    `--linux`);
//! 3. guest tests: `tests/` packed into initramfs archives (the shell suite and the exec-chain
//!    suite) and booted, on Loam or (with `--linux`) on Debian's Linux kernel.

mod command;
mod guest_build;
mod guest_chain;
mod guest_report;
mod guest_resume;
mod guest_stage;
mod guest_suite;
mod host_unit;
mod kernel_stage;
mod ktest_report;
mod line_diff;
mod tally;

pub use command::{TestOptions, execute};
