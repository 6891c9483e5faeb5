//! Target architectures: which Rust target each one builds the kernel for.

use anyhow::{Result, bail};
use clap::ValueEnum;

/// An architecture Loam targets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Arch {
    #[default]
    #[value(name = "x86_64")]
    X86_64,
    #[value(name = "aarch64")]
    Aarch64,
}

impl Arch {
    /// The Rust target the kernel is built for on this architecture.
    pub fn kernel_target(self) -> Result<&'static str> {
        match self {
            Arch::X86_64 => Ok("x86_64-unknown-none"),
            Arch::Aarch64 => bail!("aarch64 is not supported yet (issue 7)"),
        }
    }
}
