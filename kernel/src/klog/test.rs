//! In-kernel tests of the kernel log that need a booted machine.

use alloc::vec;

use crate::ktest::{KernelTest, TestResult, ensure, ordinary};

/// hal's boot warnings reach the kernel log once it exists (issue 2: they used to be lost).
///
/// xtask pads the ktest boot's command line past Linux's 2048 bytes, so hal's PVH start-info
/// reader cuts it and records a warning long before `kernel_main` installs the logger.
fn boot_warnings_are_replayed_into_the_log() -> TestResult {
    let mut history = vec![0u8; 64 * 1024];
    let length = crate::klog::read_history(&mut history);
    let text = core::str::from_utf8(&history[..length]).map_err(|_| "history is not UTF-8")?;
    ensure!(
        text.contains("] boot: command line longer than 2048 bytes was cut\n"),
        "the kernel log lacks hal's command-line warning"
    );
    Ok(())
}

pub static TESTS: &[KernelTest] = &[ordinary!(boot_warnings_are_replayed_into_the_log)];
