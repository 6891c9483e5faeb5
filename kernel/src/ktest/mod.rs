//! The in-kernel test runner (built with `--features ktest`).
//!
//! Each module with tests exports a `TESTS` list built with [`ordinary!`] and [`crash!`], and
//! [`TEST_LISTS`] names every such module (no link-section tricks, so no `unsafe`). A normal
//! test boot runs every ordinary test and reports each over serial as `ktest: <name> ... ok`
//! or `... FAILED`, lists the crash tests as `ktest: crash-test <name> expects <pattern>`,
//! prints `ktest: done`, and exits QEMU through `isa-debug-exit` (33 passed, 35 failed).
//! A crash test deliberately ends the machine (a fault, an overflow, a panic); xtask boots it
//! alone with `loam.ktest=<name>` and checks that the report contains the pattern.

use alloc::string::String;

use cmdline::CommandLine;
use hal::power::{TestOutcome, exit_test};

/// What a test returns: `Err` carries the failure message.
pub type TestResult = Result<(), String>;

/// How a test is run.
pub enum TestKind {
    /// Runs in the normal boot and returns its result.
    Ordinary(fn() -> TestResult),
    /// Ends the machine; the serial output must contain `expects`.
    Crash { run: fn(), expects: &'static str },
}

/// A registered test.
pub struct KernelTest {
    /// `module::function`, unique.
    pub name: &'static str,
    /// How to run it.
    pub kind: TestKind,
}

/// Every module's tests. A module with tests exports `TESTS` and is listed here once.
static TEST_LISTS: &[&[KernelTest]] = &[
    crate::machine_test::TESTS,
    crate::klog::test::TESTS,
    crate::mm::test::TESTS,
    crate::mm::process_memory_test::TESTS,
    crate::fs::test::TESTS,
];

fn all_tests() -> impl Iterator<Item = &'static KernelTest> {
    TEST_LISTS.iter().flat_map(|list| list.iter())
}

/// An ordinary test entry for `function`, named `module::function`.
macro_rules! ordinary {
    ($function:ident) => {
        $crate::ktest::KernelTest {
            name: concat!(module_path!(), "::", stringify!($function)),
            kind: $crate::ktest::TestKind::Ordinary($function),
        }
    };
}

/// A crash-test entry for `function`, whose report must contain `pattern`.
macro_rules! crash {
    ($function:ident, expects $pattern:literal) => {
        $crate::ktest::KernelTest {
            name: concat!(module_path!(), "::", stringify!($function)),
            kind: $crate::ktest::TestKind::Crash {
                run: $function,
                expects: $pattern,
            },
        }
    };
}

/// Fails the test with a message naming the source line unless `condition` holds.
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(alloc::format!("{}:{}: {}", file!(), line!(), alloc::format!($($message)+)));
        }
    };
}

pub(crate) use {crash, ensure, ordinary};

/// Runs the tests the command line asks for, then ends the machine.
pub fn run(command_line: &CommandLine<'_>) -> ! {
    match command_line
        .loam_parameter("ktest")
        .and_then(|value| value.text())
    {
        Some(name) => run_crash_test(name),
        None => run_ordinary_tests(),
    }
}

fn run_ordinary_tests() -> ! {
    let mut failures = 0;
    for test in all_tests() {
        match &test.kind {
            TestKind::Crash { expects, .. } => {
                hal::console::write_str(&alloc::format!(
                    "ktest: crash-test {} expects {expects}\n",
                    test.name
                ));
            }
            TestKind::Ordinary(run) => {
                let outcome = run();
                if let Err(message) = &outcome {
                    failures += 1;
                    hal::console::write_str(&alloc::format!("ktest: {}: {message}\n", test.name));
                }
                let verdict = if outcome.is_ok() { "ok" } else { "FAILED" };
                hal::console::write_str(&alloc::format!("ktest: {} ... {verdict}\n", test.name));
            }
        }
    }
    hal::console::write_str("ktest: done\n");
    exit_test(if failures == 0 {
        TestOutcome::Passed
    } else {
        TestOutcome::Failed
    })
}

fn run_crash_test(name: &str) -> ! {
    let crash = all_tests().find_map(|test| match test.kind {
        TestKind::Crash { run, .. } if test.name == name => Some(run),
        _ => None,
    });
    match crash {
        Some(run) => {
            hal::console::write_str(&alloc::format!("ktest: running crash test {name}\n"));
            run();
            hal::console::write_str(&alloc::format!(
                "ktest: crash test {name} returned without crashing\n"
            ));
        }
        None => hal::console::write_str(&alloc::format!("ktest: no crash test named {name}\n")),
    }
    exit_test(TestOutcome::Failed)
}
