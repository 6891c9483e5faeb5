//! Stage 1: host unit tests, `cargo test` over the workspace's default (host-side) members.
//!
//! libtest's own per-test lines pass through to stdout; xtask adds up the
//! `test result: ok. N passed; M failed; ...` line that each test binary prints.

use std::{
    io::{BufRead, BufReader},
    process::Stdio,
};

use anyhow::{Context, Result, bail};

use super::{command::StageSettings, tally::Tally};
use crate::process;

/// Runs `cargo test` and adds its counts to the tally.
pub fn run(settings: &StageSettings, tally: &mut Tally) -> Result<()> {
    let mut cargo = process::cargo();
    cargo.args(["test", "--no-fail-fast"]);
    if let Some(filter) = settings.filter {
        cargo.args(["--", filter]);
    }
    let description = process::describe(&cargo);
    let mut child = cargo
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{description}`"))?;
    let stdout = child
        .stdout
        .take()
        .context("cargo's stdout was not captured")?;
    let (mut passed, mut failed) = (0, 0);
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo test's output")?;
        println!("{line}");
        if let Some((binary_passed, binary_failed)) = parse_result_line(&line) {
            passed += binary_passed;
            failed += binary_failed;
        }
    }
    let status = child.wait()?;
    tally.add_counts(passed, failed);
    eprintln!("xtask: host unit tests: {passed} passed, {failed} failed");
    if !status.success() && failed == 0 {
        bail!("`{description}` failed ({status}) without a failing test: see its errors above");
    }
    Ok(())
}

/// The passed and failed counts of a libtest summary line.
fn parse_result_line(line: &str) -> Option<(usize, usize)> {
    let counts = line.strip_prefix("test result: ")?.split_once(". ")?.1;
    let mut passed = None;
    let mut failed = None;
    for count in counts.split("; ") {
        match count.split_once(' ') {
            Some((number, "passed")) => passed = number.parse().ok(),
            Some((number, "failed")) => failed = number.parse().ok(),
            _ => {}
        }
    }
    Some((passed?, failed?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passing_binary_summary_is_parsed() {
        let line = "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; \
                    3 filtered out; finished in 0.01s";
        assert_eq!(parse_result_line(line), Some((12, 0)));
    }

    #[test]
    fn failing_binary_summary_is_parsed() {
        let line = "test result: FAILED. 7 passed; 2 failed; 0 ignored; 0 measured; \
                    0 filtered out; finished in 1.20s";
        assert_eq!(parse_result_line(line), Some((7, 2)));
    }

    #[test]
    fn other_lines_are_ignored() {
        assert_eq!(parse_result_line("test cpio::tests::x ... ok"), None);
        assert_eq!(parse_result_line("running 3 tests"), None);
        assert_eq!(parse_result_line("test result: garbage"), None);
    }
}
