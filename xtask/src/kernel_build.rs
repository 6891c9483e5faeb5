//! Building the kernel: `cargo xtask build` and the builds that `run` and `test` boot.
//!
//! The kernel crate builds for a bare-metal target, so it is never part of the host build; xtask
//! invokes cargo for it explicitly. In-kernel test builds (`--features ktest`) use their own target
//! directory so that switching between them and normal builds never rebuilds everything.
//! After linking, xtask writes the kernel's symbol table into the image (`kernel_symbols`).

use std::{path::PathBuf, process::ExitCode};

use anyhow::Result;
use clap::Args;

use crate::{arch::Arch, kernel_symbols, process, workspace};

/// Options of `cargo xtask build`.
#[derive(Args)]
pub struct BuildOptions {
    /// Architecture to build for.
    #[arg(long, value_enum, default_value_t)]
    arch: Arch,
    /// Build with optimisations (cargo's release profile).
    #[arg(long)]
    release: bool,
}

/// Cargo's build profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

impl Profile {
    pub fn from_release_flag(is_release: bool) -> Self {
        if is_release {
            Profile::Release
        } else {
            Profile::Debug
        }
    }

    fn directory_name(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// Which kernel to build: the one that boots a system, or the one that runs in-kernel tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Normal,
    Ktest,
}

/// `cargo xtask build`: builds the kernel and prints the artifact's path on stdout.
pub fn execute(options: &BuildOptions) -> Result<ExitCode> {
    let profile = Profile::from_release_flag(options.release);
    let kernel = build(options.arch, profile, Variant::Normal)?;
    println!("{}", kernel.display());
    Ok(ExitCode::SUCCESS)
}

/// Builds the kernel and returns the path of the ELF image.
pub fn build(arch: Arch, profile: Profile, variant: Variant) -> Result<PathBuf> {
    let target = arch.kernel_target()?;
    let target_directory = match variant {
        Variant::Normal => workspace::target_directory(),
        Variant::Ktest => workspace::target_directory().join("ktest"),
    };
    eprintln!("xtask: building the kernel for {target} ({variant:?}, {profile:?})");
    let mut cargo = process::cargo();
    cargo.args(["build", "--package", "kernel", "--target", target]);
    cargo.arg("--target-dir").arg(&target_directory);
    if profile == Profile::Release {
        cargo.arg("--release");
    }
    if variant == Variant::Ktest {
        cargo.args(["--features", "ktest"]);
    }
    process::run_checked(&mut cargo)?;
    let kernel = target_directory
        .join(target)
        .join(profile.directory_name())
        .join("kernel");
    // Every kernel xtask boots names its functions in fault reports, so the table is written
    // here, the one place all builds go through.
    let table = kernel_symbols::embed(&kernel, arch)?;
    eprintln!(
        "xtask: embedded {} kernel symbols ({} of {} reserved bytes)",
        table.symbol_count, table.table_bytes, table.region_bytes
    );
    Ok(kernel)
}
