//! Parsing a script's `#!` line exactly as Linux's `fs/binfmt_script.c` (`load_script`) does.
//!
//! Linux reads the first `BINPRM_BUF_SIZE` (256) bytes of the file into `bprm->buf`, zero-filled
//! when the file is shorter (`prepare_binprm` in `fs/exec.c`), and parses only that buffer:
//!
//! 1. The file is a script only if it starts with `#!`; otherwise another format is tried.
//! 2. The line ends at the first `\n` found before any NUL (`strnchr` stops at NUL). With no such
//!    newline, the line is the whole buffer except its last byte, but only if a space, tab or NUL
//!    follows the interpreter name inside the buffer: a name that may have been cut off by the
//!    buffer's end is refused with `ENOEXEC` (Linux 5.1's rule, after 5.0's stricter version broke
//!    long argument lines).
//! 3. Trailing spaces and tabs are trimmed, leading ones skipped. Nothing left: `ENOEXEC`.
//! 4. The interpreter name runs to the first space, tab or NUL. If it stopped at a space or tab,
//!    the rest of the line after further blanks is ONE argument, never split, and it ends at the
//!    first NUL if one comes first. An argument cut by the buffer's end is passed truncated.
//!
//! Quirks that follow from this, all checked against Linux 6.18:
//! - `#!/bin/echo a   ` with no newline, in a short file, passes `"a   "`: the trailing blanks
//!   sit before the zero padding, and only blanks before the line's end are trimmed.
//! - `#!/bin/echo ` followed by blanks and then a NUL or the end of a short file passes an empty
//!   argument `""`.
//! - `#!` followed only by blanks and a NUL (or the end of a short file) names the empty
//!   interpreter; Linux then opens `""`, which resolves to the working directory, and fails with
//!   `EACCES`. [`parse_shebang`] answers that `EACCES` directly.
//! - `\r` is an ordinary byte: `#!/bin/sh\r\n` names the interpreter `/bin/sh\r`.

use errno::Errno;

/// Linux's `BINPRM_BUF_SIZE` (`include/uapi/linux/binfmts.h`): how many leading bytes of an
/// executable the kernel reads to recognise its format, and so the longest `#!` line it sees.
pub const BINPRM_BUF_SIZE: usize = 256;

/// The interpreter line of a script, borrowing from the bytes it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shebang<'a> {
    /// The interpreter's path, never empty and never containing a space, tab or NUL.
    pub interpreter: &'a [u8],
    /// The optional single argument: everything after the interpreter name and the blanks that
    /// follow it, up to the trimmed end of the line or a NUL. It may be empty, and it may
    /// contain spaces and tabs.
    pub argument: Option<&'a [u8]>,
}

/// Parses the `#!` line from the start of a file.
///
/// `first_bytes` is the start of the file; only the first [`BINPRM_BUF_SIZE`] bytes are looked
/// at and a shorter slice reads as if followed by zeros, as in Linux. Returns `Ok(None)` when
/// the file does not start with `#!` (not a script: try the next format), `Err(ENOEXEC)` when
/// the line names no interpreter or when the name may be truncated, and `Err(EACCES)` when the
/// name is empty because a NUL follows the blanks (what Linux's lookup of `""` returns).
pub fn parse_shebang(first_bytes: &[u8]) -> Result<Option<Shebang<'_>>, Errno> {
    let buffer = HeaderBuffer::new(first_bytes);
    if buffer.at(0) != b'#' || buffer.at(1) != b'!' {
        return Ok(None);
    }
    let line_end = trim_trailing_blanks(&buffer, line_end(&buffer)?);
    let name_start = buffer
        .next_non_blank(FIRST_AFTER_MARKER, line_end)
        .filter(|&start| start != line_end)
        .ok_or(Errno::ENOEXEC)?;
    let separator = buffer.next_terminator(name_start, line_end);
    let interpreter = buffer.slice(name_start, separator.unwrap_or(line_end));
    if interpreter.is_empty() {
        // The name starts at a NUL: see the module documentation.
        return Err(Errno::EACCES);
    }
    let argument = separator
        .filter(|&separator| buffer.at(separator) != 0)
        .and_then(|separator| buffer.next_non_blank(separator, line_end))
        .map(|start| until_nul(buffer.slice(start, line_end)));
    Ok(Some(Shebang {
        interpreter,
        argument,
    }))
}

/// The index just past `#!`, where Linux starts looking for the interpreter.
const FIRST_AFTER_MARKER: usize = 2;

/// The index of Linux's last buffer byte (`buf_end` in `load_script`).
const LAST_INDEX: usize = BINPRM_BUF_SIZE - 1;

/// Where the line ends (exclusive), before trimming: the newline, or the buffer's last byte when
/// the buffer holds no newline and the interpreter name is known to end inside it.
fn line_end(buffer: &HeaderBuffer<'_>) -> Result<usize, Errno> {
    if let Some(newline) = buffer.newline_before_nul() {
        return Ok(newline);
    }
    // Entirely blank after `#!`: nothing to run.
    let name_start = buffer
        .next_non_blank(FIRST_AFTER_MARKER, LAST_INDEX)
        .ok_or(Errno::ENOEXEC)?;
    // No space, tab or NUL after the name inside the buffer: the name may be truncated.
    buffer
        .next_terminator(name_start, LAST_INDEX)
        .ok_or(Errno::ENOEXEC)?;
    Ok(LAST_INDEX)
}

/// Moves `end` back over trailing spaces and tabs. It never passes the `!` of `#!`.
fn trim_trailing_blanks(buffer: &HeaderBuffer<'_>, mut end: usize) -> usize {
    while end > FIRST_AFTER_MARKER && is_blank(buffer.at(end - 1)) {
        end -= 1;
    }
    end
}

/// The prefix of `bytes` before its first NUL: Linux copies arguments as C strings.
fn until_nul(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&byte| byte == 0) {
        Some(nul) => bytes.get(..nul).unwrap_or(bytes),
        None => bytes,
    }
}

/// Linux's `spacetab`: only space and tab separate words on a `#!` line.
fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// Linux's `bprm->buf`: the first [`BINPRM_BUF_SIZE`] bytes of the file, zero-filled past its end.
struct HeaderBuffer<'a> {
    bytes: &'a [u8],
}

impl<'a> HeaderBuffer<'a> {
    fn new(first_bytes: &'a [u8]) -> Self {
        let length = first_bytes.len().min(BINPRM_BUF_SIZE);
        Self {
            bytes: first_bytes.get(..length).unwrap_or_default(),
        }
    }

    /// The byte at `index`, zero past the end of the file's bytes.
    fn at(&self, index: usize) -> u8 {
        self.bytes.get(index).copied().unwrap_or(0)
    }

    /// The bytes in `start..end`, shortened to what the file supplied (the rest are zeros, which
    /// end every string Linux copies out of the buffer anyway).
    fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        let end = end.min(self.bytes.len());
        self.bytes.get(start..end).unwrap_or_default()
    }

    /// Linux's `strnchr(buf, BINPRM_BUF_SIZE, '\n')`, which gives up at the first NUL.
    fn newline_before_nul(&self) -> Option<usize> {
        (0..BINPRM_BUF_SIZE)
            .take_while(|&index| self.at(index) != 0)
            .find(|&index| self.at(index) == b'\n')
    }

    /// Linux's `next_non_spacetab(first, last)`: both bounds inclusive.
    fn next_non_blank(&self, first: usize, last: usize) -> Option<usize> {
        (first..=last).find(|&index| !is_blank(self.at(index)))
    }

    /// Linux's `next_terminator(first, last)`: the next space, tab or NUL, both bounds inclusive.
    fn next_terminator(&self, first: usize, last: usize) -> Option<usize> {
        (first..=last).find(|&index| {
            let byte = self.at(index);
            is_blank(byte) || byte == 0
        })
    }
}
