//! Host tools: what each command needs from the host, how to tell it is there, and which Debian
//! package provides it.
//!
//! Each command ensures only the tools it uses. Missing ones are installed through apt when xtask
//! runs as root (saying so); otherwise xtask stops with the exact command to run.

use std::{env, os::unix::fs::PermissionsExt, path::Path, process::Command};

use anyhow::{Result, bail};

use crate::{apt, busybox, process};

/// A host tool some command needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostTool {
    QemuX86_64,
    QemuAarch64,
    Ovmf,
    MuslGcc,
    /// gcc, which builds the glibc flavour of the C guest tests.
    Gcc,
    /// glibc's static library (`libc.a`), which `gcc -static` links.
    GlibcStatic,
    BusyboxStatic,
    Go,
}

/// How to tell that a tool is present.
enum Probe {
    /// An executable of this name on `PATH`.
    Command(&'static str),
    /// Any of these files exists.
    AnyFile(&'static [&'static str]),
    /// `busybox-static` is installed and `/bin/busybox` is a static executable.
    StaticBusybox,
}

struct ToolEntry {
    tool: HostTool,
    name: &'static str,
    probe: Probe,
    package: &'static str,
}

const TOOLS: [ToolEntry; 8] = [
    ToolEntry {
        tool: HostTool::QemuX86_64,
        name: "qemu-system-x86_64",
        probe: Probe::Command("qemu-system-x86_64"),
        package: "qemu-system-x86",
    },
    ToolEntry {
        tool: HostTool::QemuAarch64,
        name: "qemu-system-aarch64",
        probe: Probe::Command("qemu-system-aarch64"),
        package: "qemu-system-arm",
    },
    ToolEntry {
        tool: HostTool::Ovmf,
        name: "ovmf",
        probe: Probe::AnyFile(&["/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/ovmf/OVMF.fd"]),
        package: "ovmf",
    },
    ToolEntry {
        tool: HostTool::MuslGcc,
        name: "musl-gcc",
        probe: Probe::Command("musl-gcc"),
        package: "musl-tools",
    },
    ToolEntry {
        tool: HostTool::Gcc,
        name: "gcc",
        probe: Probe::Command("gcc"),
        package: "gcc",
    },
    ToolEntry {
        tool: HostTool::GlibcStatic,
        name: "glibc's libc.a",
        probe: Probe::AnyFile(&[
            "/usr/lib/x86_64-linux-gnu/libc.a",
            "/usr/lib64/libc.a",
            "/usr/lib/libc.a",
        ]),
        package: "libc6-dev",
    },
    ToolEntry {
        tool: HostTool::BusyboxStatic,
        name: "busybox",
        probe: Probe::StaticBusybox,
        package: "busybox-static",
    },
    ToolEntry {
        tool: HostTool::Go,
        name: "go",
        probe: Probe::Command("go"),
        package: "golang-go",
    },
];

/// Makes sure every tool is present, installing the missing ones when running as root.
pub fn ensure(tools: &[HostTool]) -> Result<()> {
    let missing = missing_entries(tools);
    if missing.is_empty() {
        return Ok(());
    }
    let names = missing
        .iter()
        .map(|entry| entry.name)
        .collect::<Vec<_>>()
        .join(", ");
    let mut packages: Vec<&str> = missing.iter().map(|entry| entry.package).collect();
    packages.sort_unstable();
    packages.dedup();
    if !apt::is_root()? {
        bail!(
            "missing host tools: {names}; install them with:\n    {}",
            apt::install_hint(&packages)
        );
    }
    eprintln!(
        "xtask: installing {} (missing: {names})",
        packages.join(" ")
    );
    apt::install(&packages)?;
    let still_missing = missing_entries(tools);
    if let Some(entry) = still_missing.first() {
        bail!(
            "{} is still missing after installing {}",
            entry.name,
            entry.package
        );
    }
    Ok(())
}

fn missing_entries(tools: &[HostTool]) -> Vec<&'static ToolEntry> {
    TOOLS
        .iter()
        .filter(|entry| tools.contains(&entry.tool) && !is_present(&entry.probe))
        .collect()
}

fn is_present(probe: &Probe) -> bool {
    match probe {
        Probe::Command(name) => is_on_path(name),
        Probe::AnyFile(paths) => paths.iter().any(|path| Path::new(path).exists()),
        Probe::StaticBusybox => {
            is_package_installed("busybox-static")
                && busybox::is_static_executable(Path::new(busybox::HOST_BUSYBOX))
        }
    }
}

/// Whether an executable file of this name is in one of `PATH`'s directories.
fn is_on_path(name: &str) -> bool {
    let Some(path) = env::var_os("PATH") else {
        return false;
    };
    env::split_paths(&path).any(|directory| {
        directory
            .join(name)
            .metadata()
            .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
    })
}

/// Whether dpkg lists the package as installed.
fn is_package_installed(package: &str) -> bool {
    let status = process::output_quietly(Command::new("dpkg-query").args([
        "--show",
        "--showformat=${db:Status-Status}",
        package,
    ]));
    status.is_some_and(|status| status.trim() == "installed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_exactly_one_entry() {
        for entry in &TOOLS {
            let count = TOOLS
                .iter()
                .filter(|other| other.tool == entry.tool)
                .count();
            assert_eq!(count, 1, "{} is listed {count} times", entry.name);
        }
    }

    #[test]
    fn a_shell_is_found_on_path() {
        assert!(is_on_path("sh"));
        assert!(!is_on_path("loam-no-such-tool"));
    }
}
