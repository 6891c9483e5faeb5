//! Ending the machine: power-off, restart, and test exit statuses.

use crate::arch;

/// How a test run ended, as reported to the host through QEMU's `isa-debug-exit` device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestOutcome {
    /// Every test passed (QEMU exits with status 33).
    Passed,
    /// A test failed or the kernel panicked (QEMU exits with status 35).
    Failed,
}

/// Powers the machine off through ACPI; halts if that is impossible.
pub fn power_off() -> ! {
    arch::acpi::power_off();
    log::error!("power-off failed; halting");
    arch::cpu::halt_forever()
}

/// Ends a test run with `outcome` when the `isa-debug-exit` device is present, otherwise
/// powers off.
pub fn exit_test(outcome: TestOutcome) -> ! {
    arch::debug_exit::exit(outcome);
    power_off()
}

/// Ends the machine after a kernel panic or fatal fault, with a failure status.
pub fn exit_after_kernel_failure() -> ! {
    exit_test(TestOutcome::Failed)
}
