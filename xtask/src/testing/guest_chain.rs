//! The exec-chain guest suite: its programs, their order, and how a boot starts or resumes it.
//!
//! Loam runs one program at a time before fork exists (issue 5), so this suite needs none: every
//! program runs as PID 1, prints its framed result (`guest_report`'s markers) and executes the
//! next one, and the last one powers the machine off. The generated `/init` (`tests/c/init.c`,
//! built with musl) is itself the test `init`; it reads the chain from `/tests/exec-chain`,
//! one absolute path per line, and executes each program as
//! `<path> --chain <the paths after it...>`. The protocol is described in `tests/c/test.h`.
//!
//! The programs, each named by its path below `/tests/` in the initramfs:
//! - `c/<stem>.musl` and `c/<stem>.glibc`: every `tests/c/<stem>.c` but `init.c`, built twice
//!   with `-static -O2` (musl-gcc, and gcc with glibc), plus the flags in `<stem>.flags`;
//! - `rust/<stem>`: every `tests/rust/src/bin/<stem>.rs`, a std program built for
//!   `x86_64-unknown-linux-musl`;
//! - `busybox/exec/<stem>`: every `tests/busybox/exec/<stem>.sh`, a busybox shell script that
//!   uses only what needs no fork and ends with `exec /init "$@"`.
//!
//! Each program's expected output sits beside its source as `<stem>.expected`, one file for
//! both builds of a C program. A boot that ends early (a program killed PID 1, or hung) is
//! followed by another that resumes after it: `loam_chain_resume=<index>` on the kernel command
//! line reaches `/init` as an environment variable and makes it start at that chain index.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};

use super::guest_suite::COMMAND_LINE;
use crate::workspace;

/// The test that `/init` itself is, and the file its expected output is in.
pub const INIT_TEST_NAME: &str = "init";
pub const INIT_SOURCE: &str = "c/init.c";
/// Where the chain's list of programs is in the initramfs.
pub const CHAIN_LIST_PATH: &str = "tests/exec-chain";
/// The environment variable (from the command line) that makes `/init` resume the chain.
const RESUME_VARIABLE: &str = "loam_chain_resume";

/// The C library a C test is built against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    Musl,
    Glibc,
}

impl Flavour {
    pub const ALL: [Flavour; 2] = [Flavour::Musl, Flavour::Glibc];

    /// The suffix of the program's name, which is also its file extension.
    pub fn suffix(self) -> &'static str {
        match self {
            Flavour::Musl => "musl",
            Flavour::Glibc => "glibc",
        }
    }
}

/// Where a chain program comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgramSource {
    C { source: PathBuf, flavour: Flavour },
    Rust { binary: String },
    BusyboxScript { script: PathBuf },
}

/// One program of the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainTest {
    /// The path below `/tests/`, and the name in the framed output: `c/files.musl`.
    pub name: String,
    pub expected: PathBuf,
    pub source: ProgramSource,
}

impl ChainTest {
    /// The program's path inside the initramfs, without the leading `/`.
    pub fn path_in_initramfs(&self) -> String {
        format!("tests/{}", self.name)
    }
}

/// Every chain program whose name `is_selected`, in chain order (sorted by name).
pub fn discover(is_selected: impl Fn(&str) -> bool) -> Result<Vec<ChainTest>> {
    let tests_directory = workspace::guest_tests_directory();
    let mut tests = Vec::new();
    for source in files_with_extension(&tests_directory.join("c"), "c")? {
        let stem = plain_stem(&source)?;
        if tests_directory.join(INIT_SOURCE) == source {
            continue;
        }
        for flavour in Flavour::ALL {
            tests.push(ChainTest {
                name: format!("c/{stem}.{}", flavour.suffix()),
                expected: source.with_extension("expected"),
                source: ProgramSource::C {
                    source: source.clone(),
                    flavour,
                },
            });
        }
    }
    for source in files_with_extension(&tests_directory.join("rust/src/bin"), "rs")? {
        let stem = plain_stem(&source)?;
        tests.push(ChainTest {
            name: format!("rust/{stem}"),
            expected: source.with_extension("expected"),
            source: ProgramSource::Rust { binary: stem },
        });
    }
    for script in files_with_extension(&tests_directory.join("busybox/exec"), "sh")? {
        let stem = plain_stem(&script)?;
        tests.push(ChainTest {
            name: format!("busybox/exec/{stem}"),
            expected: script.with_extension("expected"),
            source: ProgramSource::BusyboxScript { script },
        });
    }
    tests.retain(|test| is_selected(&test.name));
    tests.sort_by(|left, right| left.name.cmp(&right.name));
    Ok(tests)
}

/// The files in `directory` with this extension; none when the directory does not exist.
fn files_with_extension(directory: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    if !directory.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let entries =
        fs::read_dir(directory).with_context(|| format!("reading {}", directory.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|found| found == extension) {
            files.push(path);
        }
    }
    Ok(files)
}

/// The file stem, which must be a plain word: it becomes part of a path and a marker line.
fn plain_stem(path: &Path) -> Result<String> {
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned());
    match stem {
        Some(stem)
            if !stem.is_empty()
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)) =>
        {
            Ok(stem)
        }
        _ => bail!(
            "{}: chain test names may only use letters, digits, - and _",
            path.display()
        ),
    }
}

/// The contents of `/tests/exec-chain`: each program's absolute path on a line of its own.
pub fn chain_list(tests: &[ChainTest]) -> String {
    tests
        .iter()
        .map(|test| format!("/{}\n", test.path_in_initramfs()))
        .collect()
}

/// Where a boot starts the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainStart {
    /// From `/init`'s own checks through every program.
    Beginning,
    /// At this index of the chain list, after an earlier boot ended early.
    ResumeAt(usize),
}

/// The kernel command line of a chain boot: the shell suite's, which `/init` checks, plus the
/// resume variable before `--` (words after it are arguments, never variables).
pub fn command_line(start: ChainStart) -> String {
    match start {
        ChainStart::Beginning => COMMAND_LINE.to_owned(),
        ChainStart::ResumeAt(index) => {
            COMMAND_LINE.replacen(" -- ", &format!(" {RESUME_VARIABLE}={index} -- "), 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_named(name: &str) -> ChainTest {
        ChainTest {
            name: name.into(),
            expected: PathBuf::new(),
            source: ProgramSource::Rust {
                binary: name.into(),
            },
        }
    }

    #[test]
    fn chain_list_has_one_absolute_path_per_line() {
        let list = chain_list(&[test_named("c/a.musl"), test_named("rust/b")]);
        assert_eq!(list, "/tests/c/a.musl\n/tests/rust/b\n");
    }

    #[test]
    fn resuming_adds_the_variable_before_the_arguments() {
        assert_eq!(command_line(ChainStart::Beginning), COMMAND_LINE);
        let resumed = command_line(ChainStart::ResumeAt(7));
        let variable = resumed.find(" loam_chain_resume=7 ");
        let separator = resumed.find(" -- ");
        assert!(variable.is_some() && variable < separator);
        assert_eq!(resumed.replace(" loam_chain_resume=7", ""), COMMAND_LINE);
    }

    #[test]
    fn every_c_test_is_built_with_both_libraries() {
        let tests = discover(|_| true).unwrap();
        let names: Vec<&str> = tests.iter().map(|test| test.name.as_str()).collect();
        assert!(names.contains(&"c/files.musl") && names.contains(&"c/files.glibc"));
        assert!(!names.iter().any(|name| name.starts_with("c/init.")));
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn stems_must_be_plain_words() {
        assert_eq!(
            plain_stem(Path::new("t/bad-pointers.c")).unwrap(),
            "bad-pointers"
        );
        assert!(plain_stem(Path::new("t/a b.c")).is_err());
        assert!(plain_stem(Path::new("t/a.b.c")).is_err());
    }
}
