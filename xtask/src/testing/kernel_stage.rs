//! Stage 2: in-kernel tests, a `ktest` build of Loam booted under QEMU (protocol in
//! `ktest_report`).
//!
//! The first boot, with `loam.ktest`, runs every ordinary test and lists the crash tests; each
//! crash test then gets a boot of its own with `loam.ktest=<name>`. Every ktest and crash test is
//! one test in the tally. A boot that never prints `ktest: done`, or whose QEMU status does not
//! match the verdicts (33 when all passed, 35 otherwise), is one more failure, reported with the
//! tail of its serial output.

use std::{path::Path, time::Duration};

use anyhow::Result;

use super::{
    command::StageSettings,
    ktest_report::{self, CrashTest, KtestReport, Verdict},
    tally::Tally,
};
use crate::{
    arch::Arch,
    host_tools::{self, HostTool},
    initramfs,
    kernel_build::{self, Profile, Variant},
    qemu::{self, Boot, BootOutcome, Ending, Machine},
};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const TAIL_LINES: usize = 40;

/// The kernel and placeholder initrd that every boot of this stage uses.
struct TestKernel<'a> {
    kernel: &'a Path,
    initrd: &'a Path,
    settings: &'a StageSettings<'a>,
}

/// Builds the `ktest` kernel, runs its tests and its crash tests, and tallies them.
pub fn run(settings: &StageSettings, tally: &mut Tally) -> Result<()> {
    host_tools::ensure(&[HostTool::QemuX86_64])?;
    let kernel = kernel_build::build(Arch::X86_64, Profile::Debug, Variant::Ktest)?;
    let initrd = initramfs::empty()?;
    let test_kernel = TestKernel {
        kernel: &kernel,
        initrd: &initrd,
        settings,
    };
    let outcome = test_kernel.boot("loam.ktest")?;
    let report = ktest_report::parse(&outcome.serial);
    for result in report
        .results
        .iter()
        .filter(|result| settings.is_selected(&result.name))
    {
        let name = format!("ktest {}", result.name);
        match result.verdict {
            Verdict::Ok => tally.pass(&name),
            Verdict::Failed => tally.fail(&name, "the kernel reported the failure above"),
        }
    }
    check_boot_end(&report, &outcome, tally);
    for crash_test in &report.crash_tests {
        if settings.is_selected(&crash_test.name) {
            run_crash_test(&test_kernel, crash_test, tally)?;
        }
    }
    Ok(())
}

impl TestKernel<'_> {
    fn boot(&self, ktest_parameter: &str) -> Result<BootOutcome> {
        eprintln!("xtask: booting the ktest kernel with {ktest_parameter}");
        let boot = Boot {
            kernel: self.kernel,
            initrd: self.initrd,
            command_line: format!("console=ttyS0 {ktest_parameter} {}", over_long_padding()),
            machine: Machine::Q35,
        };
        qemu::run_captured(
            &boot,
            self.settings.timeout_or(DEFAULT_TIMEOUT),
            self.settings.echo,
        )
    }
}

/// A `loam.padding=...` word that takes the command line past Linux's 2048-byte limit, so
/// every ktest boot makes hal cut it and record a boot warning; a ktest checks that warning
/// reaches the kernel log. The tests' own parameters come first and survive the cut.
fn over_long_padding() -> String {
    format!("loam.padding={}", "x".repeat(2048))
}

/// Counts a failure if the boot did not finish, or finished with the wrong QEMU status.
fn check_boot_end(report: &KtestReport, outcome: &BootOutcome, tally: &mut Tally) {
    let expected_status = if report.has_failures() {
        qemu::STATUS_FAILURE
    } else {
        qemu::STATUS_SUCCESS
    };
    let problem = if !report.is_done {
        let during = match &report.unfinished {
            Some(name) => format!(" during {name}"),
            None => String::new(),
        };
        format!(
            "the boot ended without `ktest: done`{during}: {}",
            outcome.ending
        )
    } else if outcome.ending != Ending::Exited(Some(expected_status)) {
        format!(
            "after `ktest: done`, {}; expected status {expected_status}",
            outcome.ending
        )
    } else {
        return;
    };
    let tail = qemu::serial_tail(&outcome.serial, TAIL_LINES);
    tally.fail(
        "ktest boot",
        &format!("{problem}\nlast lines of the serial console:\n{tail}"),
    );
}

/// Boots one crash test: it passes iff QEMU reports a failure and the pattern was printed.
fn run_crash_test(
    test_kernel: &TestKernel,
    crash_test: &CrashTest,
    tally: &mut Tally,
) -> Result<()> {
    let outcome = test_kernel.boot(&format!("loam.ktest={}", crash_test.name))?;
    let output: Vec<&str> = outcome
        .serial
        .lines()
        .filter(|line| !ktest_report::is_crash_test_listing(line))
        .collect();
    let has_pattern = output.join("\n").contains(&crash_test.pattern);
    let has_failed_status = outcome.ending == Ending::Exited(Some(qemu::STATUS_FAILURE));
    let name = format!("crash-test {}", crash_test.name);
    if has_pattern && has_failed_status {
        tally.pass(&name);
        return Ok(());
    }
    let found = if has_pattern {
        "was printed"
    } else {
        "was not printed"
    };
    let details = format!(
        "expected QEMU status {} and {:?} on the serial console; {}, and the pattern {found}\n\
         last lines of the serial console:\n{}",
        qemu::STATUS_FAILURE,
        crash_test.pattern,
        outcome.ending,
        qemu::serial_tail(&outcome.serial, TAIL_LINES),
    );
    tally.fail(&name, &details);
    Ok(())
}
