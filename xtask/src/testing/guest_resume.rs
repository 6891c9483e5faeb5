//! Running the exec-chain suite: one boot, and one more after each program that ended a boot.
//!
//! Without fork, a program that kills PID 1 (a fault, a failed exec past its point of no
//! return) or hangs ends the whole boot. The results printed before it still count; that
//! program gets the way the boot ended (and the serial console's tail) as its failure, and the
//! next boot resumes the chain after it (`guest_chain::ChainStart::ResumeAt`). Every boot makes
//! progress, and at most `MAXIMUM_BOOTS` run, so a run always ends.

use std::collections::HashMap;

use anyhow::Result;

use super::{
    guest_chain::{ChainStart, INIT_TEST_NAME},
    guest_report::{self, FramedResult, GuestReport},
};
use crate::qemu::{self, BootOutcome};

const TAIL_LINES: usize = 40;
/// The most boots of one run: enough for many crashes, few enough that hangs (each costs the
/// boot timeout) cannot keep a run going for hours.
const MAXIMUM_BOOTS: usize = 16;

/// What the boots of one run produced.
#[derive(Debug, Default)]
pub struct ChainRun {
    /// Every framed result, in the order the programs ran; each program at most once.
    pub results: Vec<FramedResult>,
    /// For each program that ended its boot: how it ended, with the last lines of the console.
    pub boot_endings: HashMap<String, String>,
    /// Problems that belong to no program: a boot that ended between two programs or before the
    /// first one, or a run that stopped booting.
    pub boot_problems: Vec<String>,
}

impl ChainRun {
    pub fn result(&self, name: &str) -> Option<&FramedResult> {
        self.results.iter().find(|result| result.name == name)
    }
}

/// What follows a boot.
#[derive(Debug, PartialEq, Eq)]
enum NextBoot {
    /// Every program has run (or has a result), so no boot is needed.
    None,
    /// Boot again, starting at this chain index.
    ResumeAt(usize),
    /// No progress can be made; the reason.
    Impossible(String),
}

/// Boots (with `boot`) until every program of `chain` (names in chain order) has a result.
pub fn run(
    chain: &[String],
    mut boot: impl FnMut(ChainStart) -> Result<BootOutcome>,
) -> Result<ChainRun> {
    let mut run = ChainRun::default();
    let mut start = ChainStart::Beginning;
    for _ in 0..MAXIMUM_BOOTS {
        let outcome = boot(start)?;
        let report = guest_report::parse(&outcome.serial);
        record_boot(&mut run, &report, &outcome);
        match next_boot(&report, chain) {
            NextBoot::None => return Ok(run),
            NextBoot::ResumeAt(index) => {
                eprintln!(
                    "xtask: the boot ended early; booting again from {}",
                    chain[index]
                );
                start = ChainStart::ResumeAt(index);
            }
            NextBoot::Impossible(reason) => {
                run.boot_problems.push(reason);
                return Ok(run);
            }
        }
    }
    run.boot_problems.push(format!(
        "stopped after {MAXIMUM_BOOTS} boots that ended early; the programs without a result \
         did not run"
    ));
    Ok(run)
}

/// Adds a boot's results and, if it ended early, how it ended.
fn record_boot(run: &mut ChainRun, report: &GuestReport, outcome: &BootOutcome) {
    for result in &report.results {
        if run.result(&result.name).is_none() {
            run.results.push(result.clone());
        }
    }
    if report.is_done {
        return;
    }
    let ending = format!(
        "{}; last lines of the serial console:\n{}",
        outcome.ending,
        qemu::serial_tail(&outcome.serial, TAIL_LINES)
    );
    match report.results.last() {
        Some(last) if last.status.is_none() => {
            run.boot_endings.insert(last.name.clone(), ending);
        }
        Some(last) => run.boot_problems.push(format!(
            "the boot ended after {} finished, before the next program began: {ending}",
            last.name
        )),
        None => run.boot_problems.push(format!(
            "the boot ended before /init printed a result: {ending}"
        )),
    }
}

/// Where the next boot starts: after the last program this boot began.
fn next_boot(report: &GuestReport, chain: &[String]) -> NextBoot {
    if report.is_done {
        return NextBoot::None;
    }
    let Some(last) = report.results.last() else {
        return NextBoot::Impossible("no program printed a result, so none can be skipped".into());
    };
    let next = if last.name == INIT_TEST_NAME {
        0
    } else {
        match chain.iter().position(|name| *name == last.name) {
            Some(index) => index + 1,
            None => {
                return NextBoot::Impossible(format!(
                    "the last result, {}, names no program of the chain",
                    last.name
                ));
            }
        }
    };
    if next < chain.len() {
        NextBoot::ResumeAt(next)
    } else {
        NextBoot::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qemu::Ending;

    fn chain() -> Vec<String> {
        ["a", "b", "c"].map(String::from).to_vec()
    }

    fn outcome(serial: &str) -> BootOutcome {
        BootOutcome {
            ending: Ending::Exited(Some(0)),
            serial: serial.into(),
        }
    }

    const INIT: &str = "@@loam-test-begin init\n@@loam-test-end init status=0\n";

    #[test]
    fn a_complete_chain_needs_one_boot() {
        let serial =
            format!("{INIT}@@loam-test-begin a\n@@loam-test-end a status=0\n@@loam-tests-done\n");
        let mut starts = Vec::new();
        let run = run(&chain(), |start| {
            starts.push(start);
            Ok(outcome(&serial))
        })
        .unwrap();
        assert_eq!(starts, [ChainStart::Beginning]);
        assert_eq!(run.results.len(), 2);
        assert!(run.boot_endings.is_empty() && run.boot_problems.is_empty());
    }

    #[test]
    fn a_program_that_ends_the_boot_is_skipped_by_the_next_boot() {
        let first = format!(
            "{INIT}@@loam-test-begin a\n@@loam-test-end a status=0\n@@loam-test-begin b\nhalf"
        );
        let second = "@@loam-test-begin c\nfine\n@@loam-test-end c status=0\n@@loam-tests-done\n";
        let mut starts = Vec::new();
        let run = run(&chain(), |start| {
            starts.push(start);
            Ok(outcome(if starts.len() == 1 { &first } else { second }))
        })
        .unwrap();
        assert_eq!(starts, [ChainStart::Beginning, ChainStart::ResumeAt(2)]);
        assert_eq!(run.result("b").map(|result| result.status), Some(None));
        assert_eq!(run.result("c").map(|result| result.status), Some(Some(0)));
        assert!(run.boot_endings["b"].contains("QEMU exited with status 0"));
        assert!(run.boot_problems.is_empty());
    }

    #[test]
    fn a_crash_of_init_resumes_at_the_first_program() {
        let report = guest_report::parse("@@loam-test-begin init\nmount failed");
        assert_eq!(next_boot(&report, &chain()), NextBoot::ResumeAt(0));
    }

    #[test]
    fn the_last_program_ending_the_boot_needs_no_new_boot() {
        let report = guest_report::parse("@@loam-test-begin c\npartial");
        assert_eq!(next_boot(&report, &chain()), NextBoot::None);
    }

    #[test]
    fn a_boot_without_results_cannot_be_resumed() {
        let run = run(&chain(), |_| Ok(outcome("Kernel panic"))).unwrap();
        assert!(run.results.is_empty());
        assert_eq!(run.boot_problems.len(), 2);
        assert!(run.boot_problems[0].contains("before /init printed a result"));
    }
}
