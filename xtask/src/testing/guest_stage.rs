//! Stage 3: guest tests, packed into an initramfs and booted on Loam or on Debian's Linux.
//!
//! The initramfs is the busybox system plus `/tests/...` and a generated `/init`
//! (`guest_suite`); one boot runs every selected test. Each test passes when its framed output
//! (`guest_report`) equals its `.expected` file and its exit status is 0. With `--linux` the
//! very same initramfs and command line boot Debian's kernel, which keeps the expectations honest.

use std::{fs, path::PathBuf, time::Duration};

use anyhow::{Context, Result};

use super::{
    command::StageSettings,
    guest_report::{self, GuestReport},
    guest_suite::{self, GuestTest},
    line_diff,
    tally::Tally,
};
use crate::{
    arch::Arch,
    host_tools::{self, HostTool},
    initramfs,
    kernel_build::{self, Profile, Variant},
    linux_kernel,
    qemu::{self, Boot, BootOutcome, Machine},
    workspace,
};

/// Whether Loam can execute `/init` yet; until it can, guest tests run on Linux only.
// TODO(issue 3): set to true once Loam runs user programs.
const LOAM_EXECUTES_INIT: bool = false;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const TAIL_LINES: usize = 40;

/// The kernel that runs the guest tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestKernel {
    Loam,
    Linux,
}

/// Builds the guest initramfs, boots it once, and judges every selected test.
pub fn run(settings: &StageSettings, kernel: GuestKernel, tally: &mut Tally) -> Result<()> {
    if kernel == GuestKernel::Loam && !LOAM_EXECUTES_INIT {
        eprintln!(
            "xtask: guest tests: not run on Loam yet: the kernel cannot execute /init until \
             issue 3 lands; run 'cargo xtask test --linux'"
        );
        return Ok(());
    }
    let tests = guest_suite::discover(|name| settings.is_selected(name))?;
    if tests.is_empty() {
        eprintln!("xtask: guest tests: none selected");
        return Ok(());
    }
    let outcome = boot(settings, kernel, &tests)?;
    let report = guest_report::parse(&outcome.serial);
    for test in &tests {
        judge(test, &report, tally);
    }
    if !report.is_done {
        let tail = qemu::serial_tail(&outcome.serial, TAIL_LINES);
        let details = format!(
            "the boot ended before init finished the tests: {}\n\
             last lines of the serial console:\n{tail}",
            outcome.ending
        );
        tally.fail("guest boot", &details);
    }
    Ok(())
}

/// Gets the kernel, builds the initramfs, and boots it with the serial console captured.
fn boot(settings: &StageSettings, kernel: GuestKernel, tests: &[GuestTest]) -> Result<BootOutcome> {
    host_tools::ensure(&[HostTool::QemuX86_64, HostTool::BusyboxStatic])?;
    let kernel_image = match kernel {
        GuestKernel::Loam => kernel_build::build(Arch::X86_64, Profile::Debug, Variant::Normal)?,
        GuestKernel::Linux => linux_kernel::fetch()?,
    };
    let initrd = build_initramfs(tests)?;
    eprintln!("xtask: booting {} guest tests on {kernel:?}", tests.len());
    let boot = Boot {
        kernel: &kernel_image,
        initrd: &initrd,
        command_line: guest_suite::COMMAND_LINE.to_owned(),
        machine: Machine::Q35,
    };
    qemu::run_captured(&boot, settings.timeout_or(DEFAULT_TIMEOUT), settings.echo)
}

/// Writes the busybox system with the tests and their `/init`, and returns its path.
fn build_initramfs(tests: &[GuestTest]) -> Result<PathBuf> {
    let mut writer = initramfs::busybox_system(&guest_suite::init_script(tests))?;
    for test in tests {
        let script =
            fs::read(&test.script).with_context(|| format!("reading {}", test.script.display()))?;
        writer.add_file(&test.path_in_initramfs(), 0o755, &script)?;
    }
    let path = workspace::generated_directory()?.join("guest-tests.cpio.gz");
    initramfs::write_gzip(writer, &path)?;
    Ok(path)
}

/// Compares one test's framed output and status with what it must be.
fn judge(test: &GuestTest, report: &GuestReport, tally: &mut Tally) {
    let name = format!("guest {}", test.name);
    let Some(result) = report.result(&test.name) else {
        tally.fail(&name, "no output: the boot ended before init ran this test");
        return;
    };
    let mut problems = Vec::new();
    match result.status {
        Some(0) => {}
        Some(status) => problems.push(format!("exit status {status}, expected 0")),
        None => problems.push("the test never finished".to_owned()),
    }
    match fs::read_to_string(&test.expected) {
        Ok(expected) if expected.replace("\r\n", "\n") == result.output => {}
        Ok(expected) => {
            let diff = line_diff::render(&expected.replace("\r\n", "\n"), &result.output);
            problems.push(format!(
                "output differs from {}:\n{diff}",
                test.expected.display()
            ));
        }
        Err(error) => problems.push(format!(
            "cannot read {} ({error}); the test printed:\n{}",
            test.expected.display(),
            result.output
        )),
    }
    if problems.is_empty() {
        tally.pass(&name);
    } else {
        tally.fail(&name, &problems.join("\n"));
    }
}
