//! The smallest `-m` with which a kernel still boots: a binary search over QEMU's memory size.
//!
//! The goal of each kernel is the furthest marker it reaches with the default memory: its first
//! `/init` output when it runs `/init` (Linux; Loam after issue 3), else its "kernel initialised"
//! line. A probe boots with one memory size and passes when the goal's line appears; a probe
//! that panics, exits first, or times out fails. The search assumes that a kernel which boots
//! with `m` MiB also boots with more, which holds for both kernels' allocators but makes a flaky
//! probe near the threshold shift the answer: the probes are in the JSON results.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use super::{
    markers::{self, BootFigure, Kernel},
    timed_boot::{self, TimedEnding, Verdict},
};
use crate::qemu::{Boot, DEFAULT_MEMORY_MIB};

/// The smallest memory size tried, in MiB.
pub const LOWEST_MEMORY_MIB: u32 = 1;
/// The size the search starts from and every timed boot uses.
pub const HIGHEST_MEMORY_MIB: u32 = DEFAULT_MEMORY_MIB;

/// How long the first probe, with the most memory, may run.
const FIRST_PROBE_TIMEOUT: Duration = Duration::from_secs(180);
/// The other probes may take this many times as long as the first one took to its goal...
const PROBE_TIMEOUT_FACTOR: u32 = 3;
/// ...but no less than this, so that a fast kernel's probes are not cut short by host noise,
const SHORTEST_PROBE_TIMEOUT: Duration = Duration::from_secs(20);
/// ...and no more than this.
const LONGEST_PROBE_TIMEOUT: Duration = Duration::from_secs(180);

/// The goals a probe may have, furthest first.
const GOALS: [BootFigure; 2] = [BootFigure::FirstInitOutput, BootFigure::KernelInitialised];

/// One boot of the search.
#[derive(Clone, Debug, Serialize)]
pub struct Probe {
    pub memory_mib: u32,
    pub has_booted: bool,
    pub seconds: f64,
    pub ending: String,
    /// What the boot printed last, to tell a panic from a firmware reset or a hang.
    pub last_serial_line: String,
}

/// The search on one kernel: its goal, its answer, and every probe in the order they ran.
#[derive(Clone, Debug, Serialize)]
pub struct MemorySearch {
    pub kernel: Kernel,
    /// `None` when the kernel reached neither goal with the most memory.
    pub goal: Option<BootFigure>,
    pub smallest_mib: Option<u32>,
    pub probes: Vec<Probe>,
}

/// Searches `kernel`'s smallest memory size; the boot's memory is the only thing that varies.
pub fn search(kernel: Kernel, boot: &Boot) -> Result<MemorySearch> {
    eprintln!("xtask: bench: searching the smallest -m for {kernel}");
    let (first, goal, time_to_goal) = first_probe(kernel, boot)?;
    let mut probes = vec![first];
    let Some(goal) = goal else {
        return Ok(MemorySearch {
            kernel,
            goal: None,
            smallest_mib: None,
            probes,
        });
    };
    let timeout =
        (time_to_goal * PROBE_TIMEOUT_FACTOR).clamp(SHORTEST_PROBE_TIMEOUT, LONGEST_PROBE_TIMEOUT);
    let smallest = smallest_booting(LOWEST_MEMORY_MIB, HIGHEST_MEMORY_MIB, |memory_mib| {
        let (probe, _) = probe(kernel, boot, memory_mib, &[goal], timeout)?;
        let has_booted = probe.has_booted;
        probes.push(probe);
        Ok(has_booted)
    })?;
    Ok(MemorySearch {
        kernel,
        goal: Some(goal),
        smallest_mib: Some(smallest),
        probes,
    })
}

/// Boots with the most memory: which goal the kernel reaches, and how long that took.
fn first_probe(kernel: Kernel, boot: &Boot) -> Result<(Probe, Option<BootFigure>, Duration)> {
    let (probe, reached) = probe(
        kernel,
        boot,
        HIGHEST_MEMORY_MIB,
        &GOALS,
        FIRST_PROBE_TIMEOUT,
    )?;
    let furthest = GOALS
        .iter()
        .find_map(|goal| reached.iter().find(|(figure, _)| figure == goal).copied());
    match furthest {
        Some((goal, time)) => Ok((probe, Some(goal), time)),
        None => Ok((probe, None, Duration::ZERO)),
    }
}

/// Boots once with `memory_mib`; passes when any of `goals` is marked. Stops QEMU at the first
/// goal line, or at a panic, which no kernel recovers from.
fn probe(
    kernel: Kernel,
    boot: &Boot,
    memory_mib: u32,
    goals: &[BootFigure],
    timeout: Duration,
) -> Result<(Probe, Vec<(BootFigure, Duration)>)> {
    let started = Instant::now();
    let mut reached = Vec::new();
    let outcome = timed_boot::run(boot, memory_mib, timeout, |line| {
        for &goal in goals {
            if let Some(time) = goal.marked_at(kernel, line) {
                reached.push((goal, time));
            }
        }
        // The furthest goal ends the probe; a nearer one may still be followed by it.
        let has_furthest = goals
            .first()
            .is_some_and(|furthest| reached.iter().any(|(figure, _)| figure == furthest));
        if has_furthest || markers::is_panic(&line.text) {
            Verdict::Stop
        } else {
            Verdict::KeepBooting
        }
    })?;
    let probe = Probe {
        memory_mib,
        has_booted: !reached.is_empty(),
        seconds: started.elapsed().as_secs_f64(),
        ending: describe(outcome.ending, !reached.is_empty()),
        last_serial_line: outcome.last_printed_line(),
    };
    eprintln!(
        "xtask: bench: {kernel} with -m {memory_mib}M: {} ({:.1} s)",
        probe.ending, probe.seconds
    );
    Ok((probe, reached))
}

fn describe(ending: TimedEnding, has_booted: bool) -> String {
    let verdict = if has_booted { "boots" } else { "does not boot" };
    let how = match ending {
        // With `-no-reboot`, a guest reset (a triple fault) also ends QEMU with status 0.
        TimedEnding::Exited(Some(status)) => format!("QEMU exited with status {status}"),
        TimedEnding::Exited(None) => "QEMU was killed by a signal".to_owned(),
        TimedEnding::Stopped if has_booted => "stopped at the goal".to_owned(),
        TimedEnding::Stopped => "stopped at a panic".to_owned(),
        TimedEnding::TimedOut => "timed out".to_owned(),
    };
    format!("{verdict}; {how}")
}

/// The smallest size in `lowest..=highest` that boots, given that `highest` boots (it is not
/// probed again) and that booting is monotone in the memory size: at most ⌈log2(highest −
/// lowest + 1)⌉ probes.
pub fn smallest_booting(
    lowest: u32,
    highest: u32,
    mut boots_with: impl FnMut(u32) -> Result<bool>,
) -> Result<u32> {
    // Invariant: `smallest_known_good` boots; every size below `candidate_floor` does not.
    let mut candidate_floor = lowest.min(highest);
    let mut smallest_known_good = highest;
    while candidate_floor < smallest_known_good {
        let middle = candidate_floor + (smallest_known_good - candidate_floor) / 2;
        if boots_with(middle)? {
            smallest_known_good = middle;
        } else {
            candidate_floor = middle + 1;
        }
    }
    Ok(smallest_known_good)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the search over 1..=256 with a kernel that needs `threshold` MiB; returns the answer
    /// and the sizes probed.
    fn search_with_threshold(threshold: u32) -> (u32, Vec<u32>) {
        let mut probed = Vec::new();
        let answer = smallest_booting(1, 256, |memory_mib| {
            probed.push(memory_mib);
            Ok(memory_mib >= threshold)
        })
        .expect("the fake probe does not fail");
        (answer, probed)
    }

    #[test]
    fn search_finds_every_threshold_in_the_range() {
        for threshold in 1..=256 {
            let (answer, probed) = search_with_threshold(threshold);
            assert_eq!(answer, threshold);
            assert!(probed.len() <= 8, "{threshold}: {} probes", probed.len());
            assert!(probed.iter().all(|&size| (1..256).contains(&size)));
        }
    }

    #[test]
    fn search_halves_the_interval_each_probe() {
        let (answer, probed) = search_with_threshold(40);
        assert_eq!(answer, 40);
        assert_eq!(probed, [128, 64, 32, 48, 40, 36, 38, 39]);
    }

    #[test]
    fn a_kernel_that_needs_everything_is_probed_below_only() {
        let (answer, probed) = search_with_threshold(256);
        assert_eq!(answer, 256);
        assert_eq!(probed.last(), Some(&255));
    }

    #[test]
    fn an_empty_range_needs_no_probe() {
        let answer = smallest_booting(8, 8, |_| panic!("no probe expected")).expect("no probe");
        assert_eq!(answer, 8);
    }

    #[test]
    fn a_failing_probe_ends_the_search_with_its_error() {
        let result = smallest_booting(1, 256, |_| anyhow::bail!("QEMU is missing"));
        assert!(result.is_err());
    }
}
