//! The `test` command: its options, the order of the stages, and the summary line.
//!
//! A stage that cannot run (a build error, a missing tool) counts as one failed test and the
//! remaining stages still run, so the summary line is always printed.

use std::{process::ExitCode, time::Duration};

use anyhow::Result;
use clap::Args;

use super::{guest_stage, guest_stage::GuestKernel, host_unit, kernel_stage, tally::Tally};
use crate::qemu::Echo;

/// Options of `cargo xtask test`.
#[derive(Args)]
pub struct TestOptions {
    /// Run the guest tests on Debian's Linux kernel instead of Loam (skips in-kernel tests).
    #[arg(long)]
    linux: bool,
    /// Only run the tests whose name contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Seconds each QEMU boot may run (default: 60 for in-kernel tests, 120 for guest tests).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Copy the serial console to stderr while QEMU runs.
    #[arg(long, short)]
    verbose: bool,
}

/// What every stage needs to know about the run.
pub struct StageSettings<'a> {
    pub filter: Option<&'a str>,
    pub timeout: Option<Duration>,
    pub echo: Echo,
}

impl StageSettings<'_> {
    pub fn is_selected(&self, name: &str) -> bool {
        self.filter.is_none_or(|filter| name.contains(filter))
    }

    pub fn timeout_or(&self, default: Duration) -> Duration {
        self.timeout.unwrap_or(default)
    }
}

/// Runs the stages, prints `N passed, N failed`, and fails if any test failed.
pub fn execute(options: &TestOptions) -> Result<ExitCode> {
    let kernel = if options.linux {
        GuestKernel::Linux
    } else {
        GuestKernel::Loam
    };
    let settings = StageSettings {
        filter: options.filter.as_deref(),
        timeout: options.timeout.map(Duration::from_secs),
        echo: if options.verbose {
            Echo::ToStderr
        } else {
            Echo::Silent
        },
    };
    let mut tally = Tally::new();
    run_stage("host unit tests", &mut tally, |tally| {
        host_unit::run(&settings, tally)
    });
    match kernel {
        GuestKernel::Loam => {
            run_stage("in-kernel tests", &mut tally, |tally| {
                kernel_stage::run(&settings, tally)
            });
        }
        GuestKernel::Linux => eprintln!("xtask: in-kernel tests: skipped with --linux"),
    }
    run_stage("guest tests", &mut tally, |tally| {
        guest_stage::run(&settings, kernel, tally)
    });
    println!("{}", tally.summary());
    Ok(if tally.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn run_stage(name: &str, tally: &mut Tally, stage: impl FnOnce(&mut Tally) -> Result<()>) {
    eprintln!("xtask: {name}");
    if let Err(error) = stage(tally) {
        tally.fail(name, &format!("the stage could not run: {error:#}"));
    }
}
