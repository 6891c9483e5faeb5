//! Loam: a kernel that runs unmodified Linux programs, in safe Rust over `hal`.
//!
//! Design principles:
//! - No `unsafe` here: everything that touches hardware or raw memory is in `hal`, behind a
//!   safe interface (`docs/hal.md`). This crate is policy: what to map, whom to run, which
//!   errno to return.
//! - Linux's semantics are the specification; where the kernel differs, it is a bug.
//! - Errors are values carrying a Linux errno; panics are for broken kernel invariants only.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

#[cfg_attr(
    feature = "ktest",
    allow(dead_code, unused_imports, reason = "test boots run ktests, not init")
)]
mod exec;
#[cfg_attr(
    feature = "ktest",
    allow(dead_code, unused_imports, reason = "test boots run ktests, not init")
)]
mod fs;
mod klog;
#[cfg(feature = "ktest")]
mod ktest;
#[cfg(feature = "ktest")]
mod machine_test;
mod mm;
#[cfg_attr(
    feature = "ktest",
    allow(dead_code, unused_imports, reason = "test boots run ktests, not init")
)]
mod random;
#[cfg_attr(
    feature = "ktest",
    allow(dead_code, unused_imports, reason = "test boots run ktests, not init")
)]
mod shutdown;
#[cfg_attr(
    feature = "ktest",
    allow(dead_code, unused_imports, reason = "test boots run ktests, not init")
)]
mod syscall;
#[cfg_attr(
    feature = "ktest",
    allow(dead_code, unused_imports, reason = "test boots run ktests, not init")
)]
mod task;
#[cfg_attr(
    feature = "ktest",
    allow(dead_code, unused_imports, reason = "test boots run ktests, not init")
)]
mod time;

use cmdline::CommandLine;
use hal::BootInfo;

hal::entry_point!(kernel_main);

/// Called by hal once the machine is up: page tables, frame allocator, heap, interrupts.
fn kernel_main(boot_info: &'static BootInfo) -> ! {
    let command_line = CommandLine::parse(boot_info.command_line());
    klog::init(command_line.loglevel());
    log::info!("Loam {} (x86_64) booting", env!("CARGO_PKG_VERSION"));
    log::info!("Command line: {}", boot_info.command_line());
    hal::boot_messages::replay(|warning| log::warn!("{warning}"));
    log_memory(boot_info);
    log::info!(
        "kernel_main reached at {} us since reset",
        hal::time::monotonic_nanoseconds() / 1000
    );
    #[cfg(feature = "ktest")]
    ktest::run(&command_line);
    #[cfg(not(feature = "ktest"))]
    finish_boot(boot_info, &command_line)
}

fn log_memory(boot_info: &BootInfo) {
    let counts = hal::memory::frames::counts();
    log::info!(
        "Memory: {} KiB usable, {} KiB managed, {} KiB free",
        boot_info.usable_bytes() / 1024,
        counts.managed * 4,
        counts.free * 4
    );
    if let Some(initrd) = boot_info.initrd() {
        log::info!(
            "initrd at {:#x}..{:#x} ({} bytes)",
            initrd.start,
            initrd.end,
            initrd.end - initrd.start
        );
    }
}

#[cfg(not(feature = "ktest"))]
fn finish_boot(boot_info: &BootInfo, command_line: &CommandLine<'_>) -> ! {
    let initrd = boot_info
        .initrd()
        .map(hal::memory::direct_map::boot_reserved_bytes);
    let root = fs::mount_root(initrd);
    log::info!(
        "kernel initialised at {} us since reset",
        hal::time::monotonic_nanoseconds() / 1000
    );
    task::start_init(command_line, root)
}
