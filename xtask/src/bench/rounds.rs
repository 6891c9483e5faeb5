//! The timed boots: both kernels alternately, Loam then Linux, for every round.
//!
//! Alternating spreads slow phases of the host (another job, thermal limits) over both kernels
//! instead of charging them all to whichever kernel ran during them. One untimed boot of each
//! kernel comes first, so that neither pays for loading QEMU, its firmware and the images into
//! the host's page cache.

use std::{collections::BTreeMap, time::Duration};

use anyhow::Result;

use super::{
    markers::{self, BootFigure, Kernel},
    timed_boot::{self, TimedBoot, TimedEnding, Verdict},
};
use crate::qemu::{Boot, DEFAULT_MEMORY_MIB};

/// How long one timed boot may take; Debian's kernel needs a few seconds under TCG.
const BOOT_TIMEOUT: Duration = Duration::from_secs(180);
/// Serial lines shown when a boot went wrong.
const TAIL_LINES: usize = 15;

/// A kernel and how to boot it.
pub struct Subject<'a> {
    pub kernel: Kernel,
    pub boot: Boot<'a>,
}

/// Every figure's times on every kernel, in milliseconds, one per boot that reached it.
pub type Samples = BTreeMap<(Kernel, BootFigure), Vec<f64>>;

/// Boots each subject once untimed, then `rounds` times each, alternating.
pub fn run(subjects: &[Subject], rounds: u32) -> Result<Samples> {
    for subject in subjects {
        eprintln!("xtask: bench: warm-up boot of {}", subject.kernel);
        timed_boot_of(subject)?;
    }
    let mut samples = Samples::new();
    for round in 1..=rounds {
        for subject in subjects {
            let times = timed_boot_of(subject)?;
            let shown: Vec<String> = times
                .iter()
                .map(|(figure, time)| format!("{figure:?} {:.1} ms", milliseconds(*time)))
                .collect();
            eprintln!(
                "xtask: bench: round {round}/{rounds} {}: {}",
                subject.kernel,
                shown.join(", ")
            );
            for (figure, time) in times {
                let figure_samples = samples.entry((subject.kernel, figure)).or_default();
                figure_samples.push(milliseconds(time));
            }
        }
    }
    Ok(samples)
}

/// One boot with the default memory; returns when each figure was marked.
fn timed_boot_of(subject: &Subject) -> Result<BTreeMap<BootFigure, Duration>> {
    let kernel = subject.kernel;
    let outcome = timed_boot::run(&subject.boot, DEFAULT_MEMORY_MIB, BOOT_TIMEOUT, |line| {
        // Init's marker is the last figure: what follows is the power-off, which is not timed.
        let is_last_figure = BootFigure::FirstInitOutput.is_marked_by(kernel, &line.text);
        if is_last_figure || markers::is_panic(&line.text) {
            Verdict::Stop
        } else {
            Verdict::KeepBooting
        }
    })?;
    let times = markers::figure_times(kernel, &outcome.lines);
    warn_if_wrong(kernel, &outcome, &times);
    Ok(times)
}

/// Reports a boot that panicked, timed out, or (on Linux, which runs `/init`) missed a figure.
fn warn_if_wrong(kernel: Kernel, outcome: &TimedBoot, times: &BTreeMap<BootFigure, Duration>) {
    let has_panicked = outcome
        .lines
        .iter()
        .any(|line| markers::is_panic(&line.text));
    let is_incomplete = kernel == Kernel::Linux && times.len() < BootFigure::ALL.len();
    if has_panicked || is_incomplete || outcome.ending == TimedEnding::TimedOut {
        eprintln!(
            "xtask: bench: warning: {kernel} boot went wrong ({:?}); last serial lines:\n{}",
            outcome.ending,
            outcome.tail(TAIL_LINES)
        );
    }
}

fn milliseconds(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}
