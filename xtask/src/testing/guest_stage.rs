//! Stage 3: guest tests, packed into initramfs archives and booted on Loam or on Debian's Linux.
//!
//! Two suites, one boot each (`--linux` boots Debian's kernel with the very same initramfs and
//! command line, which keeps the expectations honest):
//! - the shell suite (`guest_suite`): busybox scripts run one by one by a shell `/init`. It needs
//!   fork, so on Loam it is reported as not run until issue 5 brings processes;
//! - the exec-chain suite (`guest_chain`): C (musl and glibc), Rust and busybox programs that
//!   each run as PID 1 and execute the next, so it needs no fork. A program that ends a boot
//!   early is skipped by another boot (`guest_resume`).
//!
//! A test passes when its framed output (`guest_report`) equals its `.expected` file and its
//! status is 0.

use std::{
    fs,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, Result};

use super::{
    command::StageSettings,
    guest_build,
    guest_chain::{self, ChainStart, ChainTest},
    guest_report::{self, FramedResult},
    guest_resume,
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

/// Why the shell suite does not run on Loam.
const SHELL_SUITE_ON_LOAM: &str = "not run on Loam: needs fork (issue 5)";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const TAIL_LINES: usize = 40;

/// The kernel that runs the guest tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestKernel {
    Loam,
    Linux,
}

/// Runs both suites: each builds its initramfs, boots, and judges its selected tests. A suite
/// that cannot run counts as one failure and the other still runs.
pub fn run(settings: &StageSettings, kernel: GuestKernel, tally: &mut Tally) -> Result<()> {
    let shell_tests = guest_suite::discover(|name| settings.is_selected(name))?;
    let chain_tests = guest_chain::discover(|name| settings.is_selected(name))?;
    let is_init_selected = settings.is_selected(guest_chain::INIT_TEST_NAME);
    if shell_tests.is_empty() && chain_tests.is_empty() && !is_init_selected {
        eprintln!("xtask: guest tests: none selected");
        return Ok(());
    }
    let mut kernel_image = KernelImage { kernel, path: None };
    if !shell_tests.is_empty() {
        if kernel == GuestKernel::Loam {
            for test in &shell_tests {
                println!("guest {} ... {SHELL_SUITE_ON_LOAM}", test.name);
            }
        } else {
            run_suite("guest shell suite", tally, |tally| {
                run_shell_suite(settings, &mut kernel_image, &shell_tests, tally)
            });
        }
    }
    if chain_tests.is_empty() && !is_init_selected {
        return Ok(());
    }
    run_suite("guest exec-chain suite", tally, |tally| {
        run_chain_suite(settings, &mut kernel_image, &chain_tests, tally)
    });
    Ok(())
}

/// Runs one suite; if it cannot run at all (a build error, a missing tool), that is one failure.
fn run_suite(name: &str, tally: &mut Tally, suite: impl FnOnce(&mut Tally) -> Result<()>) {
    if let Err(error) = suite(tally) {
        tally.fail(name, &format!("the suite could not run: {error:#}"));
    }
}

/// The kernel image both suites boot, built or fetched when first needed.
struct KernelImage {
    kernel: GuestKernel,
    path: Option<PathBuf>,
}

impl KernelImage {
    fn path(&mut self) -> Result<PathBuf> {
        if let Some(path) = &self.path {
            return Ok(path.clone());
        }
        let path = match self.kernel {
            GuestKernel::Loam => {
                kernel_build::build(Arch::X86_64, Profile::Debug, Variant::Normal)?
            }
            GuestKernel::Linux => linux_kernel::fetch()?,
        };
        self.path = Some(path.clone());
        Ok(path)
    }
}

/// Boots the kernel with an initramfs and a command line, capturing the serial console.
fn boot(
    settings: &StageSettings,
    kernel_image: &Path,
    initrd: &Path,
    command_line: String,
) -> Result<BootOutcome> {
    let boot = Boot {
        kernel: kernel_image,
        initrd,
        command_line,
        machine: Machine::Q35,
    };
    qemu::run_captured(&boot, settings.timeout_or(DEFAULT_TIMEOUT), settings.echo)
}

/// The shell suite: one boot of the busybox system that runs every script.
fn run_shell_suite(
    settings: &StageSettings,
    kernel_image: &mut KernelImage,
    tests: &[GuestTest],
    tally: &mut Tally,
) -> Result<()> {
    host_tools::ensure(&[HostTool::QemuX86_64, HostTool::BusyboxStatic])?;
    let image = kernel_image.path()?;
    let initrd = build_shell_initramfs(tests)?;
    eprintln!(
        "xtask: booting {} shell-suite tests on {:?}",
        tests.len(),
        kernel_image.kernel
    );
    let outcome = boot(
        settings,
        &image,
        &initrd,
        guest_suite::COMMAND_LINE.to_owned(),
    )?;
    let report = guest_report::parse(&outcome.serial);
    for test in tests {
        judge(
            &test.name,
            &test.expected,
            report.result(&test.name),
            None,
            tally,
        );
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

/// Writes the busybox system with the shell tests and their `/init`, and returns its path.
fn build_shell_initramfs(tests: &[GuestTest]) -> Result<PathBuf> {
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

/// The exec-chain suite: `/init` and the selected programs, booted until each has a result.
fn run_chain_suite(
    settings: &StageSettings,
    kernel_image: &mut KernelImage,
    tests: &[ChainTest],
    tally: &mut Tally,
) -> Result<()> {
    let initrd = guest_build::build_initramfs(tests)?;
    let image = kernel_image.path()?;
    eprintln!(
        "xtask: booting /init and {} exec-chain programs on {:?}",
        tests.len(),
        kernel_image.kernel
    );
    let chain: Vec<String> = tests.iter().map(|test| test.name.clone()).collect();
    let run = guest_resume::run(&chain, |start: ChainStart| {
        boot(settings, &image, &initrd, guest_chain::command_line(start))
    })?;
    if settings.is_selected(guest_chain::INIT_TEST_NAME) {
        let expected = workspace::guest_tests_directory()
            .join(guest_chain::INIT_SOURCE)
            .with_extension("expected");
        let name = guest_chain::INIT_TEST_NAME;
        let ending = run.boot_endings.get(name).map(String::as_str);
        judge(name, &expected, run.result(name), ending, tally);
    }
    for test in tests {
        let ending = run.boot_endings.get(&test.name).map(String::as_str);
        judge(
            &test.name,
            &test.expected,
            run.result(&test.name),
            ending,
            tally,
        );
    }
    for problem in &run.boot_problems {
        tally.fail("guest exec-chain boot", problem);
    }
    Ok(())
}

/// Compares one test's framed output and status with what they must be. `boot_ending` tells how
/// the boot ended when the test never finished: the console's tail then shows everything, so
/// no diff (full of the kernel's report) is added.
fn judge(
    name: &str,
    expected_path: &Path,
    result: Option<&FramedResult>,
    boot_ending: Option<&str>,
    tally: &mut Tally,
) {
    let verdict_name = format!("guest {name}");
    let Some(result) = result else {
        tally.fail(
            &verdict_name,
            "no output: the boot ended before this test ran",
        );
        return;
    };
    let problems = match (result.status, boot_ending) {
        (None, Some(ending)) => vec![format!("the test ended the boot: {ending}")],
        (status, _) => {
            let mut problems = Vec::new();
            match status {
                Some(0) => {}
                Some(status) => problems.push(format!("exit status {status}, expected 0")),
                None => problems.push("the test never finished".to_owned()),
            }
            problems.extend(output_problem(expected_path, &result.output));
            problems
        }
    };
    if problems.is_empty() {
        tally.pass(&verdict_name);
    } else {
        tally.fail(&verdict_name, &problems.join("\n"));
    }
}

/// How the output differs from the expected file, if it does.
fn output_problem(expected_path: &Path, output: &str) -> Option<String> {
    match fs::read_to_string(expected_path) {
        Ok(expected) if expected.replace("\r\n", "\n") == output => None,
        Ok(expected) => {
            let diff = line_diff::render(&expected.replace("\r\n", "\n"), output);
            Some(format!(
                "output differs from {}:\n{diff}",
                expected_path.display()
            ))
        }
        Err(error) => Some(format!(
            "cannot read {} ({error}); the test printed:\n{output}",
            expected_path.display()
        )),
    }
}
