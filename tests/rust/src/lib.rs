//! Checks and the exec chain shared by Loam's Rust guest tests (the programs in `src/bin/`).
//!
//! Each program runs as PID 1 in the exec-chain suite (see `tests/c/test.h` for the protocol):
//! it is executed as `/tests/rust/<name> --chain <programs still to run...>`, checks what it
//! checks, prints `<name>: <n> checks passed` (or the failures) and the end marker, and then
//! executes `/init --chain <rest>`, which starts the next program or powers the machine off. A
//! program must never return from `main`: PID 1 exiting panics Linux.
//!
//! A failed check prints `FAIL <file>:<line>: <expression> (errno <name>)` with the errno of
//! the last failed call, so the expected output of a passing program is only its summary line.

use std::{io, os::unix::process::CommandExt, panic::Location, process::Command};

const END_MARKER: &str = "@@loam-test-end ";
const CHAIN_SEPARATOR: &str = "--chain";
const DIRECTORY_PREFIX: &str = "/tests/";
/// The chain's launcher: `/init --chain <programs>` runs them in order, then powers off.
const LAUNCHER: &str = "/init";

/// One running test program: its name, the rest of the chain, and its tally of checks.
pub struct Test {
    name: String,
    short_name: String,
    chain: Vec<String>,
    checks: usize,
    failures: usize,
}

impl Test {
    /// Reads the program's path and the chain from its arguments.
    pub fn start() -> Test {
        let arguments: Vec<String> = std::env::args().collect();
        let path = arguments.first().cloned().unwrap_or_default();
        let name = path
            .strip_prefix(DIRECTORY_PREFIX)
            .unwrap_or(&path)
            .to_owned();
        let short_name = name.rsplit('/').next().unwrap_or(&name).to_owned();
        let chain = arguments
            .iter()
            .skip_while(|argument| *argument != CHAIN_SEPARATOR)
            .skip(1)
            .cloned()
            .collect();
        Test {
            name,
            short_name,
            chain,
            checks: 0,
            failures: 0,
        }
    }

    /// Records one check, printing `FAIL <file>:<line>: <what>` when it failed.
    #[track_caller]
    pub fn check(&mut self, is_passed: bool, what: &str) -> bool {
        self.checks += 1;
        if !is_passed {
            self.failures += 1;
            println!("FAIL {}: {what}", caller());
        }
        is_passed
    }

    /// Checks that two values are equal, printing both when they are not.
    #[track_caller]
    pub fn check_equal<T: PartialEq + std::fmt::Debug>(
        &mut self,
        actual: T,
        expected: T,
        what: &str,
    ) -> bool {
        let is_equal = actual == expected;
        self.check(
            is_equal,
            &format!("{what} (got {actual:?}, expected {expected:?})"),
        )
    }

    /// Checks that an I/O call succeeded, printing its errno when it did not; returns the value.
    #[track_caller]
    pub fn check_ok<T>(&mut self, result: io::Result<T>, what: &str) -> Option<T> {
        match result {
            Ok(value) => {
                self.check(true, what);
                Some(value)
            }
            Err(error) => {
                self.check(false, &format!("{what} (errno {})", errno_name(&error)));
                None
            }
        }
    }

    /// Checks that an I/O call failed with exactly this errno.
    #[track_caller]
    pub fn check_errno<T: std::fmt::Debug>(
        &mut self,
        result: io::Result<T>,
        expected: i32,
        what: &str,
    ) -> bool {
        let description = match &result {
            Ok(value) => format!("succeeded with {value:?}"),
            Err(error) => format!("errno {}", errno_name(error)),
        };
        let is_expected = result.is_err_and(|error| error.raw_os_error() == Some(expected));
        self.check(
            is_expected,
            &format!("{what} fails with errno {expected} ({description})"),
        )
    }

    /// Prints the summary and the end marker, then hands the machine to the next program.
    pub fn finish(self) -> ! {
        if self.failures == 0 {
            println!("{}: {} checks passed", self.short_name, self.checks);
        } else {
            println!(
                "{}: {} of {} checks failed",
                self.short_name, self.failures, self.checks
            );
        }
        let status = i32::from(self.failures != 0);
        println!("{END_MARKER}{} status={status}", self.name);
        // The working directory survives execve: leave the next program where /init started.
        if let Err(error) = std::env::set_current_dir("/") {
            println!("cannot return to /: errno {}", errno_name(&error));
        }
        let error = Command::new(LAUNCHER)
            .arg(CHAIN_SEPARATOR)
            .args(&self.chain)
            .exec();
        println!("cannot execute {LAUNCHER}: errno {}", errno_name(&error));
        // Nothing is left to run the chain; ending PID 1 at least ends the boot at once.
        std::process::exit(1)
    }
}

/// `file:line` of the caller of a `#[track_caller]` function, with the file's name only.
#[track_caller]
fn caller() -> String {
    let location = Location::caller();
    let file = location
        .file()
        .rsplit('/')
        .next()
        .unwrap_or(location.file());
    format!("{file}:{}", location.line())
}

/// Linux's errno values (include/uapi/asm-generic/errno-base.h, errno.h) that tests expect.
pub mod errno {
    pub const EPERM: i32 = 1;
    pub const ENOENT: i32 = 2;
    pub const EBADF: i32 = 9;
    pub const ENOMEM: i32 = 12;
    pub const EACCES: i32 = 13;
    pub const EFAULT: i32 = 14;
    pub const EEXIST: i32 = 17;
    pub const EXDEV: i32 = 18;
    pub const ENOTDIR: i32 = 20;
    pub const EISDIR: i32 = 21;
    pub const EINVAL: i32 = 22;
    pub const EMFILE: i32 = 24;
    pub const ENOSPC: i32 = 28;
    pub const ESPIPE: i32 = 29;
    pub const ENAMETOOLONG: i32 = 36;
    pub const ENOSYS: i32 = 38;
    pub const ENOTEMPTY: i32 = 39;
    pub const ELOOP: i32 = 40;
}

/// The name of an error's errno as `<errno.h>` spells it, or its number for rare ones.
pub fn errno_name(error: &io::Error) -> String {
    use errno::*;
    let Some(number) = error.raw_os_error() else {
        return format!("none ({error})");
    };
    let name = match number {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EBADF => "EBADF",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EEXIST => "EEXIST",
        EXDEV => "EXDEV",
        ENOTDIR => "ENOTDIR",
        EISDIR => "EISDIR",
        EINVAL => "EINVAL",
        EMFILE => "EMFILE",
        ENOSPC => "ENOSPC",
        ESPIPE => "ESPIPE",
        ENAMETOOLONG => "ENAMETOOLONG",
        ENOSYS => "ENOSYS",
        ENOTEMPTY => "ENOTEMPTY",
        ELOOP => "ELOOP",
        _ => return number.to_string(),
    };
    name.to_owned()
}

/// `check!(test, condition)`: the condition holds.
#[macro_export]
macro_rules! check {
    ($test:expr, $condition:expr) => {
        $test.check($condition, stringify!($condition))
    };
}

/// `check_equal!(test, actual, expected)`: the values are equal.
#[macro_export]
macro_rules! check_equal {
    ($test:expr, $actual:expr, $expected:expr) => {
        $test.check_equal(
            $actual,
            $expected,
            concat!(stringify!($actual), " == ", stringify!($expected)),
        )
    };
}

/// `check_ok!(test, call)`: an I/O call succeeds; evaluates to `Option` of its value.
#[macro_export]
macro_rules! check_ok {
    ($test:expr, $call:expr) => {
        $test.check_ok($call, stringify!($call))
    };
}

/// `check_errno!(test, call, errno)`: an I/O call fails with this errno.
#[macro_export]
macro_rules! check_errno {
    ($test:expr, $call:expr, $errno:expr) => {
        $test.check_errno($call, $errno, stringify!($call))
    };
}
