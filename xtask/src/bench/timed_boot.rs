//! One boot whose serial lines are timestamped on the host as they arrive.
//!
//! The clock starts just before QEMU is spawned, so every figure includes QEMU's own start-up and
//! the firmware, the same for both kernels. A reader thread splits QEMU's stdout into lines and
//! stamps each with the arrival of its first byte; the caller sees every line as it arrives and
//! may stop the boot early (its marker has been seen, or the kernel panicked), which saves the
//! probes of the memory search from waiting for a power-off or a timeout.

use std::{
    io::{self, Read},
    process::{Child, ChildStdout},
    sync::mpsc::{self, Receiver, Sender},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

use crate::qemu::{self, Boot};

/// A serial line without its line ending, and when each piece of it reached the host.
///
/// One line may hold the output of two programs: SeaBIOS's `Booting from ROM..` without a
/// newline and then Loam's banner, or Linux's real-mode `Probing EDD ... ok` and then its
/// `Linux version` line seconds later. So a marker is timed by the piece it starts in, not by
/// the line's first byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedLine {
    pub text: String,
    /// Where in `text` each read of QEMU's stdout began, and when it arrived; never empty,
    /// in order, and starting at offset 0.
    pub arrivals: Vec<(usize, Duration)>,
}

impl TimedLine {
    /// A line that arrived all at once.
    #[cfg(test)]
    pub fn whole(text: &str, since_spawn: Duration) -> TimedLine {
        TimedLine {
            text: text.to_owned(),
            arrivals: vec![(0, since_spawn)],
        }
    }

    /// When the byte at `offset` in `text` arrived.
    pub fn arrival_of(&self, offset: usize) -> Duration {
        self.arrivals
            .iter()
            .take_while(|(start, _)| *start <= offset)
            .last()
            .or(self.arrivals.first())
            .map_or(Duration::ZERO, |(_, arrival)| *arrival)
    }
}

/// Whether the boot should go on after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    KeepBooting,
    Stop,
}

/// How a timed boot ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimedEnding {
    /// QEMU exited by itself with this status (`None` when a signal killed it).
    Exited(Option<i32>),
    /// The caller's verdict stopped QEMU.
    Stopped,
    /// QEMU ran past the timeout and was killed.
    TimedOut,
}

/// Everything a timed boot printed, and how it ended.
pub struct TimedBoot {
    pub lines: Vec<TimedLine>,
    pub ending: TimedEnding,
}

impl TimedBoot {
    /// The last `count` lines, for reports of boots that went wrong.
    pub fn tail(&self, count: usize) -> String {
        let text: Vec<&str> = self.lines.iter().map(|line| line.text.as_str()).collect();
        qemu::serial_tail(&text.join("\n"), count)
    }

    /// The last line with something printable on it, without control sequences.
    pub fn last_printed_line(&self) -> String {
        self.lines
            .iter()
            .rev()
            .map(|line| qemu::serial_tail(&line.text, 1))
            .find(|printable| !printable.trim().is_empty())
            .unwrap_or_default()
    }
}

/// Boots with `memory_mib` of guest memory, calling `judge` on every serial line, until QEMU
/// exits, `judge` says [`Verdict::Stop`], or `timeout` passes.
pub fn run(
    boot: &Boot,
    memory_mib: u32,
    timeout: Duration,
    mut judge: impl FnMut(&TimedLine) -> Verdict,
) -> Result<TimedBoot> {
    let mut command = qemu::captured_command(boot, memory_mib);
    let spawned_at = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("could not start {}", qemu::QEMU))?;
    let serial = child
        .stdout
        .take()
        .context("QEMU's stdout was not captured")?;
    let (sender, receiver) = mpsc::channel();
    let reader = thread::spawn(move || read_lines(serial, spawned_at, &sender));
    let deadline = spawned_at + timeout;
    let mut lines = Vec::new();
    let ending = loop {
        let Some(line) = next_line(&receiver, deadline) else {
            break finish(&mut child, deadline)?;
        };
        let verdict = judge(&line);
        lines.push(line);
        if verdict == Verdict::Stop {
            stop(&mut child)?;
            break TimedEnding::Stopped;
        }
    };
    drop(receiver);
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the serial reader panicked"))?
        .context("reading QEMU's serial output")?;
    Ok(TimedBoot { lines, ending })
}

/// The next line, or `None` once QEMU closed its stdout or the deadline passed.
fn next_line(receiver: &Receiver<TimedLine>, deadline: Instant) -> Option<TimedLine> {
    let remaining = deadline.saturating_duration_since(Instant::now());
    // Both a timeout and a closed channel (QEMU closed its stdout) end the lines.
    receiver.recv_timeout(remaining).ok()
}

/// Waits for QEMU to exit until the deadline, then kills it.
fn finish(child: &mut Child, deadline: Instant) -> Result<TimedEnding> {
    let remaining = deadline.saturating_duration_since(Instant::now());
    match child.wait_timeout(remaining)? {
        Some(status) => Ok(TimedEnding::Exited(status.code())),
        None => {
            stop(child)?;
            Ok(TimedEnding::TimedOut)
        }
    }
}

fn stop(child: &mut Child) -> Result<()> {
    child.kill().context("killing QEMU")?;
    child.wait().context("waiting for the killed QEMU")?;
    Ok(())
}

/// Reads QEMU's stdout to its end, sending each line as soon as it is complete.
fn read_lines(
    mut serial: ChildStdout,
    spawned_at: Instant,
    sender: &Sender<TimedLine>,
) -> io::Result<()> {
    let mut splitter = LineSplitter::default();
    let mut chunk = [0; 4096];
    loop {
        let length = match serial.read(&mut chunk) {
            Ok(0) => break,
            Ok(length) => length,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let since_spawn = spawned_at.elapsed();
        let received = chunk.get(..length).unwrap_or_default();
        for line in splitter.push(received, since_spawn) {
            if sender.send(line).is_err() {
                // The caller has stopped listening: the boot is over.
                return Ok(());
            }
        }
    }
    if let Some(line) = splitter.finish() {
        let _ = sender.send(line);
    }
    Ok(())
}

/// Cuts a byte stream into lines, remembering when each piece of a line arrived.
///
/// Each piece is decoded on its own, so a UTF-8 character split between two reads becomes two
/// replacement characters; the markers are ASCII, and offsets stay exact.
#[derive(Default)]
struct LineSplitter {
    partial: String,
    arrivals: Vec<(usize, Duration)>,
}

impl LineSplitter {
    /// Adds bytes that arrived at `since_spawn`; returns the lines they complete.
    fn push(&mut self, bytes: &[u8], since_spawn: Duration) -> Vec<TimedLine> {
        let mut complete = Vec::new();
        let mut pieces = bytes.split(|&byte| byte == b'\n').peekable();
        while let Some(piece) = pieces.next() {
            if !piece.is_empty() {
                self.arrivals.push((self.partial.len(), since_spawn));
                self.partial.push_str(&String::from_utf8_lossy(piece));
            }
            // Every piece but the last one ended at a newline.
            if pieces.peek().is_some() {
                complete.push(self.take_line(since_spawn));
            }
        }
        complete
    }

    /// The unterminated last line, if the stream ended inside one.
    fn finish(mut self) -> Option<TimedLine> {
        let &(_, started_at) = self.arrivals.first()?;
        Some(self.take_line(started_at))
    }

    fn take_line(&mut self, since_spawn: Duration) -> TimedLine {
        let mut text = std::mem::take(&mut self.partial);
        if text.ends_with('\r') {
            text.pop();
        }
        let mut arrivals = std::mem::take(&mut self.arrivals);
        if arrivals.is_empty() {
            arrivals.push((0, since_spawn));
        }
        TimedLine { text, arrivals }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn milliseconds(count: u64) -> Duration {
        Duration::from_millis(count)
    }

    #[test]
    fn each_piece_of_a_line_keeps_its_arrival() {
        let mut splitter = LineSplitter::default();
        assert!(
            splitter
                .push(b"Probing EDD... ok", milliseconds(10))
                .is_empty()
        );
        let lines = splitter.push(b"[ 0.0] Linux version 6.1\r\nRun /init", milliseconds(25));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "Probing EDD... ok[ 0.0] Linux version 6.1");
        assert_eq!(
            lines[0].arrivals,
            [(0, milliseconds(10)), (17, milliseconds(25))]
        );
        assert_eq!(lines[0].arrival_of(0), milliseconds(10));
        assert_eq!(lines[0].arrival_of(16), milliseconds(10));
        assert_eq!(lines[0].arrival_of(17), milliseconds(25));
        assert_eq!(lines[0].arrival_of(1000), milliseconds(25));
        let lines = splitter.push(b" as init process\n", milliseconds(40));
        assert_eq!(lines[0].text, "Run /init as init process");
        assert_eq!(lines[0].arrival_of(0), milliseconds(25));
    }

    #[test]
    fn empty_lines_and_the_unterminated_tail_are_kept() {
        let mut splitter = LineSplitter::default();
        let lines = splitter.push(b"\n\r\nlast", milliseconds(7));
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| line.text.is_empty()));
        assert_eq!(lines[1].arrival_of(0), milliseconds(7));
        let tail = splitter.finish().expect("an unterminated line");
        assert_eq!(tail, TimedLine::whole("last", milliseconds(7)));
        assert_eq!(LineSplitter::default().finish(), None);
    }

    #[test]
    fn invalid_utf8_does_not_lose_the_line() {
        let mut splitter = LineSplitter::default();
        let lines = splitter.push(b"\x1b[2J\xffbench\n", milliseconds(3));
        assert!(lines[0].text.ends_with("bench"));
    }
}
