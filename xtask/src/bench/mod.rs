//! `cargo xtask bench`: Loam against Debian's Linux on the same QEMU, every figure a ratio.
//!
//! For now the benchmarks are the boot figures (issue 4), measured on the host from the serial
//! stream: time to the first kernel line, to the kernel's "initialised" line, to `/init`'s first
//! output, and the smallest `-m` that boots. `docs/performance.md` describes the method.
//!
//! - `command`: options and the order of a run;
//! - `catalogue`: the benchmarks' names, titles and units;
//! - `markers`: which serial line marks which figure on each kernel;
//! - `timed_boot`: one boot with its serial lines timestamped on the host;
//! - `rounds`: the alternating timed boots;
//! - `memory_search`: the binary search for the smallest `-m`;
//! - `statistics`, `report`, `environment`, `results`: summaries, the table, and where it goes.

mod catalogue;
mod command;
mod environment;
mod markers;
mod memory_search;
mod report;
mod results;
mod rounds;
mod statistics;
mod timed_boot;

pub use command::{BenchOptions, execute};
