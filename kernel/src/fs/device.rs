//! Character devices: `/dev/console`, `null`, `zero`, `full`, `random`, `urandom`, `tty`.
//!
//! A device node on any filesystem names a driver by its device number, as on Linux
//! (Documentation/admin-guide/devices.txt): opening the node opens the driver.

use alloc::sync::Arc;

use errno::{Errno, Result};
use linux_raw_sys::{general as linux, ioctl};

use super::filesystem::DeviceNumber;

/// What an open device does.
pub trait Device: Send + Sync {
    fn read(&self, buffer: &mut [u8]) -> Result<usize>;
    fn write(&self, data: &[u8]) -> Result<usize>;
    /// `lseek(2)`: the memory devices accept any seek and report 0 (`null_lseek`,
    /// `noop_llseek`); terminals refuse with `ESPIPE` (`no_llseek`).
    fn seek(&self) -> Result<u64> {
        Ok(0)
    }
    /// `poll(2)` readiness: without a poll operation Linux reports `DEFAULT_POLLMASK`, ready
    /// for reading and writing.
    fn poll(&self) -> u32 {
        DEFAULT_POLL_MASK
    }
    /// Device-specific `ioctl(2)`; `ENOTTY` when the request means nothing to it.
    fn ioctl(&self, _request: u32, _argument: u64) -> Result<IoctlReply> {
        Err(Errno::ENOTTY)
    }
}

/// What an `ioctl` wants written back to user memory.
pub enum IoctlReply {
    /// Nothing; the call returns this value.
    Value(u64),
    /// Copy these bytes to the argument pointer, return 0.
    Bytes(alloc::vec::Vec<u8>),
}

/// `DEFAULT_POLLMASK`: readable and writable.
pub const DEFAULT_POLL_MASK: u32 =
    linux::POLLIN | linux::POLLOUT | linux::POLLRDNORM | linux::POLLWRNORM;

pub const MEMORY_MAJOR: u32 = 1;
pub const NULL: DeviceNumber = DeviceNumber::new(MEMORY_MAJOR, 3);
pub const ZERO: DeviceNumber = DeviceNumber::new(MEMORY_MAJOR, 5);
pub const FULL: DeviceNumber = DeviceNumber::new(MEMORY_MAJOR, 7);
pub const RANDOM: DeviceNumber = DeviceNumber::new(MEMORY_MAJOR, 8);
pub const URANDOM: DeviceNumber = DeviceNumber::new(MEMORY_MAJOR, 9);
pub const TTY: DeviceNumber = DeviceNumber::new(5, 0);
pub const CONSOLE: DeviceNumber = DeviceNumber::new(5, 1);

/// The driver for device number `number`; `ENXIO` when there is none (as Linux's open of a
/// node without a driver gives).
pub fn open(number: DeviceNumber) -> Result<Arc<dyn Device>> {
    match number {
        NULL => Ok(Arc::new(Null)),
        ZERO => Ok(Arc::new(Zero)),
        FULL => Ok(Arc::new(Full)),
        RANDOM | URANDOM => Ok(Arc::new(Random)),
        CONSOLE => Ok(Arc::new(Console)),
        // No process has a controlling terminal until sessions exist (issue 5).
        TTY => Err(Errno::ENXIO),
        _ => Err(Errno::ENXIO),
    }
}

struct Null;

impl Device for Null {
    fn read(&self, _buffer: &mut [u8]) -> Result<usize> {
        Ok(0)
    }
    fn write(&self, data: &[u8]) -> Result<usize> {
        Ok(data.len())
    }
}

struct Zero;

impl Device for Zero {
    fn read(&self, buffer: &mut [u8]) -> Result<usize> {
        buffer.fill(0);
        Ok(buffer.len())
    }
    fn write(&self, data: &[u8]) -> Result<usize> {
        Ok(data.len())
    }
}

/// `/dev/full`: reads zeros, every write fails with `ENOSPC`.
struct Full;

impl Device for Full {
    fn read(&self, buffer: &mut [u8]) -> Result<usize> {
        buffer.fill(0);
        Ok(buffer.len())
    }
    fn write(&self, _data: &[u8]) -> Result<usize> {
        Err(Errno::ENOSPC)
    }
}

struct Random;

impl Device for Random {
    fn read(&self, buffer: &mut [u8]) -> Result<usize> {
        crate::random::fill(buffer);
        Ok(buffer.len())
    }
    fn write(&self, data: &[u8]) -> Result<usize> {
        Ok(data.len())
    }
}

/// A console byte `poll` took from the UART to see whether input is waiting; the next read
/// returns it first.
static PEEKED_INPUT: spin::Mutex<Option<u8>> = spin::Mutex::new(None);

/// The next byte typed on the console, if any.
fn next_input_byte() -> Option<u8> {
    PEEKED_INPUT.lock().take().or_else(hal::console::read_byte)
}

/// The serial console. Its line discipline (echo, editing, signals) comes with the TTY layer
/// (issue 5); for now reads return the bytes typed so far, at least one.
struct Console;

impl Device for Console {
    fn read(&self, buffer: &mut [u8]) -> Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        let mut count = 0;
        while count == 0 {
            while let Some(byte) = (count < buffer.len()).then(next_input_byte).flatten() {
                buffer[count] = if byte == b'\r' { b'\n' } else { byte };
                count += 1;
            }
            if count == 0 {
                hal::arch::cpu::wait_for_interrupt();
            }
        }
        Ok(count)
    }

    fn write(&self, data: &[u8]) -> Result<usize> {
        hal::console::write_bytes(data);
        Ok(data.len())
    }

    fn seek(&self) -> Result<u64> {
        Err(Errno::ESPIPE)
    }

    fn poll(&self) -> u32 {
        let mut pending = PEEKED_INPUT.lock();
        if pending.is_none() {
            *pending = hal::console::read_byte();
        }
        let readable = if pending.is_some() {
            linux::POLLIN | linux::POLLRDNORM
        } else {
            0
        };
        readable | linux::POLLOUT | linux::POLLWRNORM
    }

    fn ioctl(&self, request: u32, _argument: u64) -> Result<IoctlReply> {
        match request {
            ioctl::TCGETS => Ok(IoctlReply::Bytes(super::terminal::default_termios())),
            // A serial line has no size: Linux reports 0 rows and 0 columns for ttyS0.
            ioctl::TIOCGWINSZ => Ok(IoctlReply::Bytes(alloc::vec![0; 8])),
            ioctl::TCSETS | ioctl::TCSETSW | ioctl::TCSETSF => Ok(IoctlReply::Value(0)),
            _ => Err(Errno::ENOTTY),
        }
    }
}
