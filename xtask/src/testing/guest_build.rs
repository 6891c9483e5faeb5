//! Building the exec-chain suite: C programs with both C libraries, the Rust programs, and the
//! initramfs that holds them with busybox.
//!
//! C programs are built with `<compiler> -static -O2 -Wall -Wextra -Werror` plus the words of
//! `<stem>.flags` beside the source, into `<target>/guest-tests/c/`, and only again when the
//! source, `test.h` or the flags changed. The Rust programs are one cargo workspace of their own
//! (`tests/rust`), built for `x86_64-unknown-linux-musl` into `<target>/guest-tests/rust`; cargo
//! decides what to rebuild.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result};

use super::guest_chain::{self, ChainTest, Flavour, ProgramSource};
use crate::{
    host_tools::{self, HostTool},
    initramfs, process, workspace,
};

const RUST_TARGET: &str = "x86_64-unknown-linux-musl";
const C_FLAGS: [&str; 5] = ["-static", "-O2", "-Wall", "-Wextra", "-Werror"];

/// Builds every program of the chain and writes the initramfs; returns its path.
pub fn build_initramfs(tests: &[ChainTest]) -> Result<PathBuf> {
    ensure_tools(tests)?;
    let tests_directory = workspace::guest_tests_directory();
    let init = compile_c(
        &tests_directory.join(guest_chain::INIT_SOURCE),
        Flavour::Musl,
    )?;
    let init = fs::read(&init).with_context(|| format!("reading {}", init.display()))?;
    if tests
        .iter()
        .any(|test| matches!(test.source, ProgramSource::Rust { .. }))
    {
        build_rust_programs()?;
    }
    let mut writer = initramfs::busybox_system_with_init(&init)?;
    writer.add_file(
        guest_chain::CHAIN_LIST_PATH,
        0o644,
        guest_chain::chain_list(tests).as_bytes(),
    )?;
    for test in tests {
        let program = program_file(test)?;
        let contents =
            fs::read(&program).with_context(|| format!("reading {}", program.display()))?;
        writer.add_file(&test.path_in_initramfs(), 0o755, &contents)?;
    }
    let path = workspace::generated_directory()?.join("guest-exec-chain.cpio.gz");
    initramfs::write_gzip(writer, &path)?;
    Ok(path)
}

/// The host tools the selected programs need: musl-gcc always (for `/init`), glibc for glibc
/// builds.
fn ensure_tools(tests: &[ChainTest]) -> Result<()> {
    let mut tools = vec![
        HostTool::QemuX86_64,
        HostTool::BusyboxStatic,
        HostTool::MuslGcc,
    ];
    let has_glibc_programs = tests.iter().any(|test| {
        matches!(
            test.source,
            ProgramSource::C {
                flavour: Flavour::Glibc,
                ..
            }
        )
    });
    if has_glibc_programs {
        tools.extend([HostTool::Gcc, HostTool::GlibcStatic]);
    }
    host_tools::ensure(&tools)
}

/// The built file of one program (for a script, the script itself).
fn program_file(test: &ChainTest) -> Result<PathBuf> {
    match &test.source {
        ProgramSource::C { source, flavour } => compile_c(source, *flavour),
        ProgramSource::Rust { binary } => Ok(rust_output_directory()
            .join(RUST_TARGET)
            .join("release")
            .join(binary)),
        ProgramSource::BusyboxScript { script } => Ok(script.clone()),
    }
}

/// Compiles one C program for the flavour unless its output is newer than all its inputs.
fn compile_c(source: &Path, flavour: Flavour) -> Result<PathBuf> {
    let directory = workspace::target_directory().join("guest-tests").join("c");
    fs::create_dir_all(&directory).with_context(|| format!("creating {}", directory.display()))?;
    let stem = source
        .file_stem()
        .context("a C test source has a file name")?;
    let output = directory.join(stem).with_extension(flavour.suffix());
    let flags_file = source.with_extension("flags");
    let header = source.with_file_name("test.h");
    let inputs = [source, flags_file.as_path(), header.as_path()];
    if is_newer_than_all(&output, &inputs) {
        return Ok(output);
    }
    let compiler = match flavour {
        Flavour::Musl => "musl-gcc",
        Flavour::Glibc => "gcc",
    };
    let mut command = Command::new(compiler);
    command.args(C_FLAGS).args(extra_flags(&flags_file)?);
    command.arg("-o").arg(&output).arg(source);
    process::run_checked(&mut command)?;
    Ok(output)
}

/// The words of a `.flags` file, or none if there is no such file.
fn extra_flags(flags_file: &Path) -> Result<Vec<String>> {
    if !flags_file.exists() {
        return Ok(Vec::new());
    }
    let text = fs::read_to_string(flags_file)
        .with_context(|| format!("reading {}", flags_file.display()))?;
    Ok(text.split_whitespace().map(str::to_owned).collect())
}

/// Whether `output` exists and was modified after every input; an input that does not exist
/// (a test without a `.flags` file) does not count.
fn is_newer_than_all(output: &Path, inputs: &[&Path]) -> bool {
    let modified = |path: &Path| fs::metadata(path).and_then(|metadata| metadata.modified());
    let Ok(built) = modified(output) else {
        return false;
    };
    inputs.iter().all(|input| match modified(input) {
        Ok(changed) => changed < built,
        Err(_) => !input.exists(),
    })
}

fn rust_output_directory() -> PathBuf {
    workspace::target_directory()
        .join("guest-tests")
        .join("rust")
}

/// Builds every binary of the `tests/rust` workspace for the musl target.
fn build_rust_programs() -> Result<()> {
    let manifest = workspace::guest_tests_directory().join("rust/Cargo.toml");
    let mut command = process::cargo();
    command
        .args(["build", "--release", "--bins", "--target", RUST_TARGET])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(rust_output_directory());
    process::run_checked(&mut command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_is_stale_when_missing_or_older_than_an_input() {
        let directory =
            std::env::temp_dir().join(format!("loam-guest-build-{}", std::process::id()));
        fs::create_dir_all(&directory).unwrap();
        let input = directory.join("input.c");
        let output = directory.join("output");
        let missing = directory.join("missing.flags");
        fs::write(&input, "int main(void) { return 0; }").unwrap();
        assert!(!is_newer_than_all(&output, &[&input]));
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&output, "built").unwrap();
        assert!(is_newer_than_all(&output, &[&input, &missing]));
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&input, "changed").unwrap();
        assert!(!is_newer_than_all(&output, &[&input]));
        fs::remove_dir_all(&directory).unwrap();
    }
}
