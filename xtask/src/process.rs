//! Running host programs: checked runs that name the failing command in their error.

use std::{
    io,
    os::fd::AsFd,
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};

use crate::workspace;

/// A `cargo` command that runs in the workspace root.
///
/// It goes through the `cargo` on `PATH` (normally rustup's proxy), which honours
/// `rust-toolchain.toml` the same way the `cargo xtask` that started us did.
pub fn cargo() -> Command {
    let mut command = Command::new("cargo");
    command.current_dir(workspace::root());
    command
}

/// The command as a shell line, for messages: words that need it are single-quoted.
pub fn describe(command: &Command) -> String {
    let program = command.get_program();
    let words = std::iter::once(program).chain(command.get_args());
    let quoted: Vec<String> = words
        .map(|word| shell_word(&word.to_string_lossy()))
        .collect();
    quoted.join(" ")
}

fn shell_word(word: &str) -> String {
    let is_plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if is_plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Runs the command and fails unless it exits successfully.
///
/// Its standard output goes to xtask's standard error: xtask's own standard output carries only
/// results (artifact paths, test verdicts).
pub fn run_checked(command: &mut Command) -> Result<()> {
    let stderr = io::stderr().as_fd().try_clone_to_owned()?;
    let status = command
        .stdout(stderr)
        .status()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(command));
    }
    Ok(())
}

/// Runs the command, fails unless it exits successfully, and returns its standard output.
pub fn output_checked(command: &mut Command) -> Result<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if !output.status.success() {
        bail!("`{}` failed ({})", describe(command), output.status);
    }
    String::from_utf8(output.stdout).with_context(|| {
        format!(
            "`{}` printed something that is not UTF-8",
            describe(command)
        )
    })
}

/// Like [`output_checked`], but with the command's standard error captured and thrown away.
///
/// For probes whose failure is an expected answer ("not installed"), not an error to show.
pub fn output_quietly(command: &mut Command) -> Option<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_commands_can_be_pasted_into_a_shell() {
        let mut command = Command::new("qemu-system-x86_64");
        command.args(["-append", "console=ttyS0 quiet", "it's", ""]);
        let expected = r"qemu-system-x86_64 -append 'console=ttyS0 quiet' 'it'\''s' ''";
        assert_eq!(describe(&command), expected);
    }
}
