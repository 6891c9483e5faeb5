//! `cargo xtask`: Loam's host tool, the one place that knows how to build, boot and test Loam.
//!
//! This file only parses the command line and hands it to the command's module: `build`
//! (`kernel_build`), `run` (`run`) and `test` (`testing`). Progress goes to stderr as terse
//! `xtask: ...` lines; results (artifact paths, test verdicts, the summary) go to stdout.

mod apt;
mod arch;
mod bench;
mod busybox;
mod cpio;
mod host_tools;
mod initramfs;
mod kernel_build;
mod kernel_symbols;
mod linux_kernel;
mod process;
mod qemu;
mod run;
mod testing;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Build, boot and test the Loam kernel.
#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", version, about)]
struct CommandLine {
    #[command(subcommand)]
    command: XtaskCommand,
}

#[derive(Subcommand)]
enum XtaskCommand {
    /// Build the kernel and print the path of the built kernel.
    Build(kernel_build::BuildOptions),
    /// Boot the kernel (or Debian's Linux) under QEMU with an interactive busybox shell.
    Run(run::RunOptions),
    /// Run every test (host, in-kernel, guest) and end with `N passed, N failed`.
    Test(testing::TestOptions),
    /// Compare Loam with Debian's Linux on the same QEMU and print the Loam/Linux ratios.
    Bench(bench::BenchOptions),
}

fn main() -> ExitCode {
    let command_line = CommandLine::parse();
    let result = match command_line.command {
        XtaskCommand::Build(options) => kernel_build::execute(&options),
        XtaskCommand::Run(options) => run::execute(&options),
        XtaskCommand::Test(options) => testing::execute(&options),
        XtaskCommand::Bench(options) => bench::execute(&options),
    };
    result.unwrap_or_else(|error| {
        eprintln!("xtask: error: {error:#}");
        ExitCode::FAILURE
    })
}
