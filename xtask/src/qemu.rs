//! Booting a kernel under QEMU, interactively or with the serial console captured for tests.
//!
//! Every boot uses the same machine: `-m 256M -cpu max` (only the bench's search for the smallest
//! `-m` varies the memory), KVM when it is usable (else TCG), `-no-reboot` so that a reboot or a
//! Linux `panic=-1` ends QEMU, and an `isa-debug-exit` device at port 0xf4 through which a kernel
//! ends QEMU with status `(value << 1) | 1`. Loam writes 0x10 for "all passed" (status 33) and
//! 0x11 for failures or a panic (status 35); an ACPI power-off ends QEMU with status 0.

use std::{
    fmt,
    fs::{self, OpenOptions},
    io::{self, Read, Write},
    path::Path,
    process::{Command, ExitStatus, Stdio},
    thread,
    time::Duration,
};

use anyhow::{Context, Result};
use clap::ValueEnum;
use wait_timeout::ChildExt;

use crate::process;

/// The QEMU binary every boot runs.
pub const QEMU: &str = "qemu-system-x86_64";

/// Guest memory of every boot except the bench's `-m` search.
pub const DEFAULT_MEMORY_MIB: u32 = 256;

/// QEMU's exit status after Loam writes 0x10 to `isa-debug-exit`: every test passed.
pub const STATUS_SUCCESS: i32 = 33;
/// QEMU's exit status after Loam writes 0x11 to `isa-debug-exit`: a failure or a panic.
pub const STATUS_FAILURE: i32 = 35;

/// The emulated PC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Machine {
    /// i440FX, the classic PC.
    Pc,
    /// Q35 with PCIe, the modern PC.
    #[default]
    Q35,
}

/// What to boot: a kernel, its initramfs and its command line.
pub struct Boot<'a> {
    pub kernel: &'a Path,
    pub initrd: &'a Path,
    pub command_line: String,
    pub machine: Machine,
}

/// Whether to copy the captured serial output to stderr as it arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Echo {
    Silent,
    ToStderr,
}

/// How a captured boot ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// QEMU exited with this status (`None` when a signal killed it).
    Exited(Option<i32>),
    /// QEMU ran past the timeout and was killed.
    TimedOut(Duration),
}

impl fmt::Display for Ending {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Ending::Exited(Some(status)) => write!(formatter, "QEMU exited with status {status}"),
            Ending::Exited(None) => write!(formatter, "QEMU was killed by a signal"),
            Ending::TimedOut(timeout) => {
                write!(
                    formatter,
                    "QEMU was killed after the {} s timeout",
                    timeout.as_secs()
                )
            }
        }
    }
}

/// The result of a captured boot: how it ended and everything the serial console printed, with
/// `\r\n` turned into `\n`.
pub struct BootOutcome {
    pub ending: Ending,
    pub serial: String,
}

/// Boots with the serial console (and QEMU's monitor, `Ctrl-A c`) on the terminal.
pub fn run_interactive(boot: &Boot) -> Result<ExitStatus> {
    let mut command = base_command(boot, DEFAULT_MEMORY_MIB);
    command.args(["-nographic", "-serial", "mon:stdio"]);
    eprintln!("xtask: {}", process::describe(&command));
    eprintln!("xtask: press Ctrl-A x to quit QEMU");
    command
        .status()
        .with_context(|| format!("could not start {QEMU}"))
}

/// Boots with the serial console captured, killing QEMU if it runs longer than `timeout`.
pub fn run_captured(boot: &Boot, timeout: Duration, echo: Echo) -> Result<BootOutcome> {
    let mut command = captured_command(boot, DEFAULT_MEMORY_MIB);
    let mut child = command
        .spawn()
        .with_context(|| format!("could not start {QEMU}"))?;
    let serial_pipe = child
        .stdout
        .take()
        .context("QEMU's stdout was not captured")?;
    let reader = thread::spawn(move || read_serial(serial_pipe, echo));
    let ending = match child.wait_timeout(timeout)? {
        Some(status) => Ending::Exited(status.code()),
        None => {
            child.kill()?;
            child.wait()?;
            Ending::TimedOut(timeout)
        }
    };
    let serial = reader.join().expect("the serial reader does not panic")?;
    let serial = String::from_utf8_lossy(&serial).replace("\r\n", "\n");
    Ok(BootOutcome { ending, serial })
}

/// The QEMU command of a captured boot with `memory_mib` of guest memory: no display, no
/// monitor, the serial console on QEMU's stdout (piped), stdin closed. Callers that time the
/// boot themselves (`cargo xtask bench`) spawn it; [`run_captured`] is the usual way.
pub fn captured_command(boot: &Boot, memory_mib: u32) -> Command {
    let mut command = base_command(boot, memory_mib);
    command.args([
        "-nographic",
        "-display",
        "none",
        "-monitor",
        "none",
        "-serial",
        "stdio",
    ]);
    command.stdin(Stdio::null()).stdout(Stdio::piped());
    command
}

/// The last `count` lines of the serial output, for failure reports, without the terminal
/// control sequences (firmware clears the screen) that would garble the user's terminal.
pub fn serial_tail(serial: &str, count: usize) -> String {
    let printable = without_control_sequences(serial);
    let lines: Vec<&str> = printable.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

/// The text without ANSI escape sequences and control characters other than tab and newline.
fn without_control_sequences(text: &str) -> String {
    let mut printable = String::with_capacity(text.len());
    let mut characters = text.chars();
    while let Some(character) = characters.next() {
        match character {
            '\u{1b}' => {
                // `ESC [ parameters final-byte` (CSI), or ESC and one more character.
                if characters.next() == Some('[') {
                    let _ = characters.find(|c| ('@'..='~').contains(c));
                }
            }
            '\n' | '\t' => printable.push(character),
            _ if character.is_control() => {}
            _ => printable.push(character),
        }
    }
    printable
}

fn base_command(boot: &Boot, memory_mib: u32) -> Command {
    let machine = match boot.machine {
        Machine::Pc => "pc",
        Machine::Q35 => "q35",
    };
    let mut command = Command::new(QEMU);
    command.args([
        "-machine",
        machine,
        "-accel",
        accelerator(),
        "-m",
        &format!("{memory_mib}M"),
        "-cpu",
        "max",
    ]);
    command.args([
        "-no-reboot",
        "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x04",
    ]);
    command.arg("-kernel").arg(boot.kernel);
    command.arg("-initrd").arg(boot.initrd);
    command.arg("-append").arg(&boot.command_line);
    command
}

/// KVM when this user may use it on a CPU with hardware virtualisation, else QEMU's portable
/// TCG. QEMU's `-accel` name, which the bench also reports.
///
/// Some cloud VMs offer a `/dev/kvm` without VMX or SVM (PVM, `kvm_pvm`: shadow paging in
/// software). There the first touch of each guest page is so slow that Debian's kernel had not
/// printed a line after two minutes, while TCG boots it in three seconds.
pub fn accelerator() -> &'static str {
    let can_open_kvm = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .is_ok();
    if can_open_kvm && has_hardware_virtualisation() {
        "kvm"
    } else {
        "tcg"
    }
}

/// Whether the CPU advertises Intel VMX or AMD SVM.
fn has_hardware_virtualisation() -> bool {
    let Ok(cpu_information) = fs::read_to_string("/proc/cpuinfo") else {
        return false;
    };
    cpu_information
        .lines()
        .filter_map(|line| line.strip_prefix("flags"))
        .any(|flags| {
            flags
                .split_whitespace()
                .any(|flag| flag == "vmx" || flag == "svm")
        })
}

/// Reads the pipe to its end, optionally echoing each chunk to stderr.
fn read_serial(mut pipe: impl Read, echo: Echo) -> io::Result<Vec<u8>> {
    let mut serial = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let length = match pipe.read(&mut chunk) {
            Ok(0) => return Ok(serial),
            Ok(length) => length,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        serial.extend_from_slice(&chunk[..length]);
        if echo == Echo::ToStderr {
            io::stderr().write_all(&chunk[..length])?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(serial_tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(serial_tail("a\nb", 5), "a\nb");
        assert_eq!(serial_tail("", 3), "");
    }

    #[test]
    fn tail_drops_terminal_control_sequences() {
        let serial = "\u{1b}c\u{1b}[?7l\u{1b}[2JSeaBIOS\u{7}\nBooting\u{1b}[0m done\n";
        assert_eq!(serial_tail(serial, 5), "SeaBIOS\nBooting done");
    }
}
