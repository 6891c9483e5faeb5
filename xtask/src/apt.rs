//! The system package manager: `apt-get update` at most once per run, and installs as root.
//!
//! xtask installs what it needs itself on a fresh Debian or Ubuntu machine. Installing needs
//! root; without it, callers stop and print the command for the user to run instead.

use std::{
    process::Command,
    sync::atomic::{AtomicBool, Ordering},
};

use anyhow::{Context, Result};

use crate::process;

static HAS_UPDATED_PACKAGE_LISTS: AtomicBool = AtomicBool::new(false);

/// Whether xtask runs as root, and so may call `apt-get` itself.
pub fn is_root() -> Result<bool> {
    let user_id = process::output_checked(Command::new("id").arg("-u"))
        .context("finding out whether xtask runs as root")?;
    Ok(user_id.trim() == "0")
}

/// Refreshes the package lists, the first time it is called in this run.
pub fn update_once() -> Result<()> {
    if HAS_UPDATED_PACKAGE_LISTS.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    eprintln!("xtask: apt-get update");
    process::run_checked(apt_get().args(["update", "-q"]))
}

/// Installs the packages, without recommended extras. Caller must run as root.
pub fn install(packages: &[&str]) -> Result<()> {
    update_once()?;
    process::run_checked(
        apt_get()
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages),
    )
}

/// The command a user without root should run to install the packages.
pub fn install_hint(packages: &[&str]) -> String {
    format!(
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends {}",
        packages.join(" ")
    )
}

/// `apt-get`, never stopping to ask questions.
pub fn apt_get() -> Command {
    let mut command = Command::new("apt-get");
    command.env("DEBIAN_FRONTEND", "noninteractive");
    command
}
