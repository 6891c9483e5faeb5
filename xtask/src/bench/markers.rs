//! The boot figures and the serial lines that mark them on each kernel.
//!
//! Both kernels boot with the same command line and the same initramfs, whose `/init` prints
//! [`INIT_MARKER`] as its first output and powers off. Each figure is the host time from just
//! before QEMU is spawned to the arrival of the first byte of the line that marks it:
//!
//! | figure | Linux | Loam |
//! |---|---|---|
//! | first kernel line | `Linux version ...` | `Loam <version> (<arch>) booting` |
//! | kernel initialised | `Run /init as init process` | `kernel initialised at ...` (or Linux's line) |
//! | first `/init` output | `bench: init started` | `bench: init started` |
//!
//! Linux prints `Run /init as init process` from `run_init_process()` (`init/main.c`) just
//! before it execs `/init`, so it is the last line of the kernel's own boot. Linux also does not
//! reach the serial port until `console_init()` registers the 8250 console: its `Linux version`
//! line is replayed from the log buffer then, not written when the kernel starts.

use std::{collections::BTreeMap, fmt, time::Duration};

use serde::Serialize;

use super::timed_boot::TimedLine;

/// The kernel command line of every bench boot, on both kernels.
pub const COMMAND_LINE: &str = "console=ttyS0 loglevel=7";

/// What the bench `/init` prints first.
pub const INIT_MARKER: &str = "bench: init started";

/// The line Linux prints just before it executes init (`init/main.c`, `run_init_process`).
const LINUX_RUN_INIT_LINE: &str = "Run /init as init process";

/// A kernel under measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kernel {
    Loam,
    Linux,
}

impl fmt::Display for Kernel {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(match self {
            Kernel::Loam => "Loam",
            Kernel::Linux => "Linux",
        })
    }
}

/// A moment of the boot that is timed from the serial stream, in boot order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BootFigure {
    FirstKernelLine,
    KernelInitialised,
    FirstInitOutput,
}

impl BootFigure {
    /// Every figure, in boot order.
    pub const ALL: [BootFigure; 3] = [
        BootFigure::FirstKernelLine,
        BootFigure::KernelInitialised,
        BootFigure::FirstInitOutput,
    ];

    /// Where in this serial line (without its line ending) the text marking the figure on
    /// `kernel` begins, if the line marks it.
    pub fn marker_position(self, kernel: Kernel, line: &str) -> Option<usize> {
        match (self, kernel) {
            (BootFigure::FirstKernelLine, Kernel::Linux) => line.find("Linux version "),
            (BootFigure::FirstKernelLine, Kernel::Loam) => loam_banner_position(line),
            (BootFigure::KernelInitialised, Kernel::Linux) => line.find(LINUX_RUN_INIT_LINE),
            // Loam will print Linux's line too once it runs /init (issue 3).
            (BootFigure::KernelInitialised, Kernel::Loam) => line
                .find("kernel initialised at ")
                .or_else(|| line.find(LINUX_RUN_INIT_LINE)),
            // Kernel messages may share the console line with init's output, so look inside it.
            (BootFigure::FirstInitOutput, _) => line.find(INIT_MARKER),
        }
    }

    /// Whether this serial line marks the figure on `kernel`.
    pub fn is_marked_by(self, kernel: Kernel, line: &str) -> bool {
        self.marker_position(kernel, line).is_some()
    }

    /// When the marker of the figure on `kernel` arrived, if this line holds it.
    pub fn marked_at(self, kernel: Kernel, line: &TimedLine) -> Option<Duration> {
        let position = self.marker_position(kernel, &line.text)?;
        Some(line.arrival_of(position))
    }
}

/// Where Loam's first log line, `[ seconds ] Loam <version> (<arch>) booting`, begins in the
/// line. The firmware's `Booting from ROM..` has no newline, so it may come first.
fn loam_banner_position(line: &str) -> Option<usize> {
    let message_start = line.rfind("] ").map_or(0, |bracket| bracket + 2);
    let message = line.get(message_start..)?.trim_end();
    if !(message.starts_with("Loam ") && message.ends_with(" booting")) {
        return None;
    }
    // The record starts at its timestamp when it has one.
    let timestamp_start = line.get(..message_start)?.rfind('[');
    Some(timestamp_start.unwrap_or(message_start))
}

/// Whether the line reports a kernel panic: Linux's `panic()` (`kernel/panic.c`) or hal's
/// panic handler. A panicking boot will never reach a later marker, so it can be stopped.
pub fn is_panic(line: &str) -> bool {
    line.contains("Kernel panic - not syncing") || line.contains("KERNEL PANIC")
}

/// When each figure was first marked in a boot's serial lines.
pub fn figure_times(kernel: Kernel, lines: &[TimedLine]) -> BTreeMap<BootFigure, Duration> {
    let mut times = BTreeMap::new();
    for figure in BootFigure::ALL {
        let first = lines.iter().find_map(|line| figure.marked_at(kernel, line));
        if let Some(time) = first {
            times.insert(figure, time);
        }
    }
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(milliseconds: u64, text: &str) -> TimedLine {
        TimedLine::whole(text, Duration::from_millis(milliseconds))
    }

    #[test]
    fn linux_lines_mark_linux_figures() {
        let version = "[    0.000000] Linux version 6.1.0-31-cloud-amd64 (debian-kernel@lists)";
        let run_init = "[    2.104021] Run /init as init process";
        assert!(BootFigure::FirstKernelLine.is_marked_by(Kernel::Linux, version));
        assert!(BootFigure::KernelInitialised.is_marked_by(Kernel::Linux, run_init));
        assert!(!BootFigure::KernelInitialised.is_marked_by(Kernel::Linux, version));
        assert!(!BootFigure::FirstKernelLine.is_marked_by(Kernel::Loam, version));
    }

    #[test]
    fn loam_banner_and_initialised_lines_mark_loam_figures() {
        let banner = "[    0.001234] Loam 0.1.0 (x86_64) booting";
        let initialised = "[    0.052000] kernel initialised at 52000 us since reset";
        assert!(BootFigure::FirstKernelLine.is_marked_by(Kernel::Loam, banner));
        assert!(BootFigure::FirstKernelLine.is_marked_by(Kernel::Loam, "Loam 0.2.0 booting\r"));
        assert!(BootFigure::KernelInitialised.is_marked_by(Kernel::Loam, initialised));
        assert!(!BootFigure::FirstKernelLine.is_marked_by(Kernel::Loam, initialised));
        assert!(!BootFigure::FirstKernelLine.is_marked_by(Kernel::Loam, "Loam booted"));
    }

    #[test]
    fn markers_after_firmware_output_on_the_same_line_are_found_where_they_start() {
        let loam = "Booting from ROM..[    0.434055] Loam 0.1.0 (x86_64) booting";
        let position = BootFigure::FirstKernelLine.marker_position(Kernel::Loam, loam);
        assert_eq!(position, Some(18));
        let linux =
            "Probing EDD (edd=off to disable)... ok\u{1b}c[    0.000000] Linux version 6.1.0";
        let position = BootFigure::FirstKernelLine.marker_position(Kernel::Linux, linux);
        assert_eq!(position, linux.find("Linux"));
    }

    #[test]
    fn a_marker_is_timed_by_the_piece_it_arrived_in() {
        let line = TimedLine {
            text: "Probing EDD... ok[    0.000000] Linux version 6.1.0".to_owned(),
            arrivals: vec![
                (0, Duration::from_millis(160)),
                (17, Duration::from_millis(1500)),
            ],
        };
        let time = BootFigure::FirstKernelLine.marked_at(Kernel::Linux, &line);
        assert_eq!(time, Some(Duration::from_millis(1500)));
        assert_eq!(
            BootFigure::FirstInitOutput.marked_at(Kernel::Linux, &line),
            None
        );
    }

    #[test]
    fn loam_may_mark_initialised_with_linux_run_init_line() {
        let run_init = "[    0.060000] Run /init as init process";
        assert!(BootFigure::KernelInitialised.is_marked_by(Kernel::Loam, run_init));
        assert!(!BootFigure::KernelInitialised.is_marked_by(Kernel::Linux, "kernel initialised"));
    }

    #[test]
    fn init_marker_is_found_inside_interleaved_lines() {
        let interleaved = "[    2.3] random: crng init donebench: init started";
        assert!(BootFigure::FirstInitOutput.is_marked_by(Kernel::Linux, INIT_MARKER));
        assert!(BootFigure::FirstInitOutput.is_marked_by(Kernel::Loam, interleaved));
        assert!(!BootFigure::FirstInitOutput.is_marked_by(Kernel::Linux, "bench: init"));
    }

    #[test]
    fn panics_of_both_kernels_are_recognised() {
        assert!(is_panic(
            "[    1.2] Kernel panic - not syncing: System is deadlocked on memory"
        ));
        assert!(is_panic(
            "KERNEL PANIC: out of frames at kernel/src/mm.rs:10"
        ));
        assert!(!is_panic("[    0.1] panic=-1 on the command line"));
    }

    #[test]
    fn figure_times_take_the_first_marking_line() {
        let lines = [
            line(900, "SeaBIOS (version 1.16.2)"),
            line(1000, "[    0.000000] Linux version 6.1.0"),
            line(2500, "[    1.500000] Run /init as init process"),
            line(2600, "bench: init started"),
            line(2700, "bench: init started"),
        ];
        let times = figure_times(Kernel::Linux, &lines);
        let expected = BTreeMap::from([
            (BootFigure::FirstKernelLine, Duration::from_millis(1000)),
            (BootFigure::KernelInitialised, Duration::from_millis(2500)),
            (BootFigure::FirstInitOutput, Duration::from_millis(2600)),
        ]);
        assert_eq!(times, expected);
    }

    #[test]
    fn figures_never_marked_are_absent() {
        let lines = [
            line(5, "[    0.000100] Loam 0.1.0 (x86_64) booting"),
            line(
                9,
                "[    0.040000] kernel initialised at 40000 us since reset",
            ),
            line(
                10,
                "[    0.040001] Loam cannot run /init yet (issue 3); powering off",
            ),
        ];
        let times = figure_times(Kernel::Loam, &lines);
        assert_eq!(times.len(), 2);
        assert_eq!(
            times.get(&BootFigure::KernelInitialised),
            Some(&Duration::from_millis(9))
        );
        assert!(!times.contains_key(&BootFigure::FirstInitOutput));
    }
}
