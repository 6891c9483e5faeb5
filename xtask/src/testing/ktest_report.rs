//! Reading the in-kernel test protocol from the serial console.
//!
//! A `ktest` build of Loam booted with `loam.ktest` prints, each on a line of its own (anything
//! before `ktest: ` on the line, such as a log timestamp, is ignored):
//! - `ktest: <name> ... ok` or `ktest: <name> ... FAILED` for every test it runs;
//! - `ktest: crash-test <name> expects <pattern>` for every test that deliberately ends the
//!   machine, which xtask then boots one by one with `loam.ktest=<name>`;
//! - `ktest: done` at the end, before it exits through `isa-debug-exit`.
//!
//! A `ktest: <name> ...` line with no verdict marks a test that started and never finished.

const PREFIX: &str = "ktest: ";
const CRASH_TEST_PREFIX: &str = "crash-test ";
const EXPECTS: &str = " expects ";
const DONE: &str = "done";
const OK_SUFFIX: &str = " ... ok";
const FAILED_SUFFIX: &str = " ... FAILED";
const STARTED_SUFFIX: &str = " ...";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Failed,
}

#[derive(Debug, PartialEq, Eq)]
pub struct KtestResult {
    pub name: String,
    pub verdict: Verdict,
}

/// A test that ends the machine: it passes if the boot fails with `pattern` in its output.
#[derive(Debug, PartialEq, Eq)]
pub struct CrashTest {
    pub name: String,
    pub pattern: String,
}

/// Everything one in-kernel test boot reported.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct KtestReport {
    pub results: Vec<KtestResult>,
    pub crash_tests: Vec<CrashTest>,
    pub is_done: bool,
    /// The last test that started without a verdict, if any.
    pub unfinished: Option<String>,
}

impl KtestReport {
    pub fn has_failures(&self) -> bool {
        self.results
            .iter()
            .any(|result| result.verdict == Verdict::Failed)
    }
}

/// Reads the report from a boot's serial output.
pub fn parse(serial: &str) -> KtestReport {
    let mut report = KtestReport::default();
    for message in serial.lines().filter_map(protocol_message) {
        if message == DONE {
            report.is_done = true;
        } else if let Some(crash_test) = parse_crash_test(message) {
            report.crash_tests.push(crash_test);
        } else if let Some(name) = message.strip_suffix(OK_SUFFIX) {
            report.results.push(KtestResult {
                name: name.to_owned(),
                verdict: Verdict::Ok,
            });
            report.unfinished = None;
        } else if let Some(name) = message.strip_suffix(FAILED_SUFFIX) {
            report.results.push(KtestResult {
                name: name.to_owned(),
                verdict: Verdict::Failed,
            });
            report.unfinished = None;
        } else if let Some(name) = message.trim_end().strip_suffix(STARTED_SUFFIX) {
            report.unfinished = Some(name.to_owned());
        }
    }
    report
}

/// Whether the line is a crash test's listing, which must not count as its expected output.
pub fn is_crash_test_listing(line: &str) -> bool {
    protocol_message(line).and_then(parse_crash_test).is_some()
}

/// The part of a line after `ktest: `, if the line belongs to the protocol.
fn protocol_message(line: &str) -> Option<&str> {
    let start = line.find(PREFIX)?;
    Some(line[start + PREFIX.len()..].trim_end_matches('\r'))
}

fn parse_crash_test(message: &str) -> Option<CrashTest> {
    let (name, pattern) = message
        .strip_prefix(CRASH_TEST_PREFIX)?
        .split_once(EXPECTS)?;
    Some(CrashTest {
        name: name.to_owned(),
        pattern: pattern.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPLETE_BOOT: &str = "\
Loam 0.1.0 booting
[    0.010] ktest: frame_allocator_coalesces ... ok
ktest: heap_grows ... FAILED
ktest: crash-test page_fault_reported expects PAGE FAULT at 0xdead
ktest: crash-test stack_overflow_reported expects kernel stack overflow
ktest: done
";

    #[test]
    fn verdicts_crash_tests_and_end_are_read() {
        let report = parse(COMPLETE_BOOT);
        assert_eq!(
            report.results,
            [
                KtestResult {
                    name: "frame_allocator_coalesces".into(),
                    verdict: Verdict::Ok
                },
                KtestResult {
                    name: "heap_grows".into(),
                    verdict: Verdict::Failed
                },
            ]
        );
        assert_eq!(report.crash_tests[0].name, "page_fault_reported");
        assert_eq!(report.crash_tests[0].pattern, "PAGE FAULT at 0xdead");
        assert_eq!(report.crash_tests[1].pattern, "kernel stack overflow");
        assert!(report.is_done);
        assert!(report.has_failures());
        assert_eq!(report.unfinished, None);
    }

    #[test]
    fn a_boot_that_dies_mid_test_names_the_test() {
        let report = parse("ktest: first ... ok\nktest: second ...\npanicked at src/x.rs\n");
        assert!(!report.is_done);
        assert!(!report.has_failures());
        assert_eq!(report.unfinished.as_deref(), Some("second"));
    }

    #[test]
    fn carriage_returns_and_unrelated_lines_are_ignored() {
        let report = parse("ktest: a ... ok\r\nsome ktest words\nktest: done\r\n");
        assert_eq!(report.results.len(), 1);
        assert!(report.is_done);
    }

    #[test]
    fn crash_test_patterns_keep_symbol_names_whole() {
        let report = parse(
            "ktest: crash-test m::t expects KERNEL PANIC: page fault at address 0x1 (read) in \
             hal::memory::debug::read_u64_for_fault_test+0x\r\n",
        );
        assert_eq!(
            report.crash_tests,
            [CrashTest {
                name: "m::t".into(),
                pattern: "KERNEL PANIC: page fault at address 0x1 (read) in \
                          hal::memory::debug::read_u64_for_fault_test+0x"
                    .into(),
            }]
        );
    }

    #[test]
    fn crash_test_listings_are_recognised() {
        assert!(is_crash_test_listing("ktest: crash-test x expects boom"));
        assert!(!is_crash_test_listing("boom"));
        assert!(!is_crash_test_listing("ktest: x ... ok"));
    }
}
