//! Reading guest test results from the serial console.
//!
//! The generated `/init` prints `@@loam-test-begin <name>` on a line of its own, then runs the
//! test, whose stdout and stderr go to the console, then `@@loam-test-end <name> status=<n>`, and
//! after the last test `@@loam-tests-done`. A test's output is everything between the end of the
//! begin line and the end marker, so output without a final newline is seen as it is. In the
//! exec-chain suite the same lines come from the programs themselves: each prints its own end
//! marker and the begin marker of the program it executes next.

pub const BEGIN_MARKER: &str = "@@loam-test-begin ";
pub const END_MARKER: &str = "@@loam-test-end ";
pub const DONE_MARKER: &str = "@@loam-tests-done";
const STATUS: &str = " status=";

/// One test's framed output; `status` is `None` when the end marker never came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FramedResult {
    pub name: String,
    pub output: String,
    pub status: Option<i32>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct GuestReport {
    pub results: Vec<FramedResult>,
    pub is_done: bool,
}

impl GuestReport {
    pub fn result(&self, name: &str) -> Option<&FramedResult> {
        self.results.iter().find(|result| result.name == name)
    }
}

/// Reads every framed result from the serial output (with `\r\n` already turned into `\n`).
pub fn parse(serial: &str) -> GuestReport {
    let mut report = GuestReport::default();
    let mut rest = serial;
    while let Some(begin) = rest.find(BEGIN_MARKER) {
        let after_marker = &rest[begin + BEGIN_MARKER.len()..];
        let Some((name, body)) = after_marker.split_once('\n') else {
            break;
        };
        let end_marker = format!("{END_MARKER}{name}{STATUS}");
        let Some(end) = body.find(&end_marker) else {
            report.results.push(unfinished(name, body));
            return report;
        };
        let after_end = &body[end + end_marker.len()..];
        let (status, remainder) = after_end.split_once('\n').unwrap_or((after_end, ""));
        report.results.push(FramedResult {
            name: name.to_owned(),
            output: body[..end].to_owned(),
            status: status.trim().parse().ok(),
        });
        rest = remainder;
    }
    report.is_done = rest.contains(DONE_MARKER);
    report
}

fn unfinished(name: &str, output: &str) -> FramedResult {
    FramedResult {
        name: name.to_owned(),
        output: output.to_owned(),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framed_results_are_read_in_order() {
        let serial = "boot noise\n@@loam-test-begin busybox/a\nhello\nworld\n\
                      @@loam-test-end busybox/a status=0\n@@loam-test-begin busybox/b\n\
                      @@loam-test-end busybox/b status=3\n@@loam-tests-done\n";
        let report = parse(serial);
        assert_eq!(
            report.results,
            [
                FramedResult {
                    name: "busybox/a".into(),
                    output: "hello\nworld\n".into(),
                    status: Some(0)
                },
                FramedResult {
                    name: "busybox/b".into(),
                    output: String::new(),
                    status: Some(3)
                },
            ]
        );
        assert!(report.is_done);
    }

    #[test]
    fn output_without_final_newline_is_kept_exact() {
        let report = parse("@@loam-test-begin t\nno newline@@loam-test-end t status=0\n");
        assert_eq!(report.results[0].output, "no newline");
        assert!(!report.is_done);
    }

    #[test]
    fn a_test_cut_short_has_no_status() {
        let report = parse("@@loam-test-begin t\npartial output\nKernel panic");
        assert_eq!(report.results[0].status, None);
        assert_eq!(report.results[0].output, "partial output\nKernel panic");
        assert_eq!(report.result("t").map(|result| result.status), Some(None));
    }
}
