//! `cargo xtask run`: boot Loam (or Debian's Linux) into an interactive busybox shell.
//!
//! Both kernels get the same initramfs and the same command line (`console=ttyS0` and the words
//! after `--`), so any behaviour can be compared side by side. xtask exits with QEMU's status.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::{
    arch::Arch,
    host_tools::{self, HostTool},
    initramfs,
    kernel_build::{self, Profile, Variant},
    linux_kernel,
    qemu::{self, Boot, Machine},
};

/// Options of `cargo xtask run`.
#[derive(Args)]
pub struct RunOptions {
    /// Architecture to boot.
    #[arg(long, value_enum, default_value_t)]
    arch: Arch,
    /// Boot Debian's Linux kernel instead of Loam.
    #[arg(long)]
    linux: bool,
    /// Build Loam with optimisations.
    #[arg(long)]
    release: bool,
    /// The emulated PC.
    #[arg(long, value_enum, default_value_t)]
    machine: Machine,
    /// Extra kernel command-line words (after `--`).
    #[arg(last = true)]
    command_line_words: Vec<String>,
}

/// Builds or fetches the kernel, builds the interactive initramfs, and boots it.
pub fn execute(options: &RunOptions) -> Result<ExitCode> {
    options.arch.kernel_target()?;
    host_tools::ensure(&[HostTool::QemuX86_64, HostTool::BusyboxStatic])?;
    let kernel = if options.linux {
        linux_kernel::fetch()?
    } else {
        let profile = Profile::from_release_flag(options.release);
        kernel_build::build(options.arch, profile, Variant::Normal)?
    };
    let initrd = initramfs::interactive()?;
    let mut command_line = vec!["console=ttyS0".to_owned()];
    command_line.extend(options.command_line_words.iter().cloned());
    let boot = Boot {
        kernel: &kernel,
        initrd: &initrd,
        command_line: command_line.join(" "),
        machine: options.machine,
    };
    let status = qemu::run_interactive(&boot)?;
    let code = status
        .code()
        .and_then(|code| u8::try_from(code).ok())
        .unwrap_or(1);
    Ok(ExitCode::from(code))
}
