//! The running count of passed and failed tests, and the per-test verdict lines on stdout.

/// Counts verdicts and prints one line per test: `<name> ... ok` or `<name> ... FAILED`.
pub struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    pub fn new() -> Self {
        Tally {
            passed: 0,
            failed: 0,
        }
    }

    pub fn pass(&mut self, name: &str) {
        println!("{name} ... ok");
        self.passed += 1;
    }

    /// Records a failure and prints the details indented under its verdict line.
    pub fn fail(&mut self, name: &str, details: &str) {
        println!("{name} ... FAILED");
        for line in details.lines() {
            println!("    {line}");
        }
        self.failed += 1;
    }

    /// Adds counts whose per-test lines were printed elsewhere (by libtest).
    pub fn add_counts(&mut self, passed: usize, failed: usize) {
        self.passed += passed;
        self.failed += failed;
    }

    pub fn failed(&self) -> usize {
        self.failed
    }

    /// The final line of `cargo xtask test`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_every_verdict() {
        let mut tally = Tally::new();
        tally.pass("a");
        tally.fail("b", "why\nmore");
        tally.add_counts(3, 1);
        assert_eq!(tally.summary(), "4 passed, 2 failed");
        assert_eq!(tally.failed(), 2);
    }
}
