//! The kernel log: `log` records with timestamps since reset, to the console and a ring buffer.
//!
//! Lines look like Linux's (`[    1.234567] message`). Every record goes to the ring buffer,
//! which will back `dmesg` and `/dev/kmsg`; only those more urgent than the console log level
//! (`loglevel=`, `quiet`, `debug` on the command line, as in Linux) reach the console.

mod ring;
#[cfg(feature = "ktest")]
pub mod test;

use alloc::string::String;
use core::{
    fmt::Write,
    sync::atomic::{AtomicU8, Ordering},
};

pub use ring::LogRing;
use spin::Mutex;

/// Linux's default console log level: messages of level 0-6 (info and more urgent) print.
const DEFAULT_CONSOLE_LEVEL: u8 = 7;
/// Bytes of log history kept.
const RING_BYTES: usize = 64 * 1024;

static CONSOLE_LEVEL: AtomicU8 = AtomicU8::new(DEFAULT_CONSOLE_LEVEL);
static RING: Mutex<LogRing<RING_BYTES>> = Mutex::new(LogRing::new());
static LOGGER: KernelLogger = KernelLogger;

struct KernelLogger;

/// Installs the logger with the console level from the command line, if any.
pub fn init(console_level: Option<u8>) {
    CONSOLE_LEVEL.store(
        console_level.unwrap_or(DEFAULT_CONSOLE_LEVEL),
        Ordering::Relaxed,
    );
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
}

/// The Linux level (`KERN_ERR` = 3 ... `KERN_DEBUG` = 7) of a `log` level.
fn linux_level(level: log::Level) -> u8 {
    match level {
        log::Level::Error => 3,
        log::Level::Warn => 4,
        log::Level::Info => 6,
        log::Level::Debug | log::Level::Trace => 7,
    }
}

impl log::Log for KernelLogger {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let nanoseconds = hal::time::monotonic_nanoseconds();
        let mut line = String::new();
        let _ = writeln!(
            line,
            "[{:5}.{:06}] {}",
            nanoseconds / 1_000_000_000,
            nanoseconds % 1_000_000_000 / 1000,
            record.args()
        );
        RING.lock().push(line.as_bytes());
        if linux_level(record.level()) < CONSOLE_LEVEL.load(Ordering::Relaxed) {
            hal::console::write_str(&line);
        }
    }

    fn flush(&self) {}
}

/// Copies the log history, oldest first, into `out`; returns the bytes written.
#[cfg_attr(
    not(feature = "ktest"),
    expect(dead_code, reason = "dmesg (issue 5) reads it")
)]
pub fn read_history(out: &mut [u8]) -> usize {
    RING.lock().copy_to(out)
}
