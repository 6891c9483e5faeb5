//! The kernel console: the boot serial port, with `\n` sent as `\r\n` as Linux's console does.

use core::fmt;

use crate::{arch::serial, sync::IrqSpinLock};

static CONSOLE: IrqSpinLock<()> = IrqSpinLock::new(());

/// Writes `text` whole: concurrent writers never interleave inside one call.
pub fn write_str(text: &str) {
    let _guard = CONSOLE.lock();
    write_translated(text);
}

/// Writes bytes whole (user output need not be UTF-8), `\n` sent as `\r\n`.
pub fn write_bytes(bytes: &[u8]) {
    let _guard = CONSOLE.lock();
    for line_or_rest in bytes.split_inclusive(|&byte| byte == b'\n') {
        match line_or_rest.split_last() {
            Some((b'\n', line)) => {
                serial::write_bytes(line);
                serial::write_bytes(b"\r\n");
            }
            _ => serial::write_bytes(line_or_rest),
        }
    }
}

/// A byte typed on the console, if one is waiting (polled; interrupts come with the TTY).
pub fn read_byte() -> Option<u8> {
    serial::read_byte()
}

/// Writes without taking the console lock: for fault and panic reports only, which must get
/// out even if the fault happened while the lock was held.
#[derive(Debug)]
pub struct EmergencyWriter;

impl fmt::Write for EmergencyWriter {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        write_translated(text);
        Ok(())
    }
}

fn write_translated(text: &str) {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        serial::write_bytes(first.as_bytes());
    }
    for line in lines {
        serial::write_bytes(b"\r\n");
        serial::write_bytes(line.as_bytes());
    }
}
