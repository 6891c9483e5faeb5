//! Warnings hal raises before the kernel's logger exists, kept until the kernel replays them.
//!
//! The `log` crate takes one logger, and the kernel installs it in `kernel_main`; anything hal
//! logs during boot (an over-long memory map, a cut command line, no ACPI power-off) would be
//! lost. Boot code records such warnings here instead, in a fixed buffer (nothing can be
//! allocated that early), and the kernel replays them through its logger once it has one.

use core::fmt::{self, Write};

use spin::Mutex;

/// Bytes of warning text kept; boot warnings are a handful of short lines.
const CAPACITY_BYTES: usize = 1024;

static MESSAGES: Mutex<MessageBuffer> = Mutex::new(MessageBuffer::new());

/// Newline-separated warning lines; `is_truncated` once one did not fit.
struct MessageBuffer {
    text: [u8; CAPACITY_BYTES],
    length: usize,
    is_truncated: bool,
}

impl MessageBuffer {
    const fn new() -> Self {
        Self {
            text: [0; CAPACITY_BYTES],
            length: 0,
            is_truncated: false,
        }
    }

    /// Appends one line; a line that does not fit whole is dropped and marks the buffer cut.
    fn push_line(&mut self, arguments: fmt::Arguments<'_>) {
        let start = self.length;
        let fits = self.write_fmt(arguments).is_ok() && self.write_str("\n").is_ok();
        if !fits {
            self.length = start;
            self.is_truncated = true;
        }
    }

    fn lines(&self) -> impl Iterator<Item = &str> {
        let text = core::str::from_utf8(&self.text[..self.length]).unwrap_or("");
        text.lines()
    }
}

impl Write for MessageBuffer {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.length.checked_add(text.len()).ok_or(fmt::Error)?;
        let destination = self.text.get_mut(self.length..end).ok_or(fmt::Error)?;
        destination.copy_from_slice(text.as_bytes());
        self.length = end;
        Ok(())
    }
}

/// Records a boot warning for the kernel to log later.
pub(crate) fn warn(arguments: fmt::Arguments<'_>) {
    MESSAGES.lock().push_line(arguments);
}

/// Hands every recorded warning, oldest first, to `emit`, then forgets them.
///
/// The kernel calls this once its logger is installed.
pub fn replay(mut emit: impl FnMut(&str)) {
    let mut messages = MESSAGES.lock();
    for line in messages.lines() {
        emit(line);
    }
    if messages.is_truncated {
        emit("boot: more warnings were raised than could be kept");
    }
    *messages = MessageBuffer::new();
}
