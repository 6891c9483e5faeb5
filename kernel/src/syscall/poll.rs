//! poll(2) and ppoll(2) over the files that exist so far: regular files, directories and
//! generated files are always ready, devices say for themselves (the console is readable
//! once a byte has arrived). Waiting sleeps until the next interrupt and looks again.

use alloc::vec::Vec;

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::user_memory::{read_u64, write_bytes};
use crate::task::process::Process;

/// `struct pollfd`: fd (i32), events (i16), revents (i16).
const POLL_ENTRY_BYTES: u64 = 8;
/// Events always reported, asked for or not.
const ALWAYS_REPORTED: u32 = linux::POLLERR | linux::POLLHUP | linux::POLLNVAL;

struct PollEntry {
    fd: i32,
    events: u32,
}

pub fn sys_poll(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [entries, count, timeout_milliseconds, ..] = *arguments;
    let timeout = timeout_milliseconds as i32;
    let deadline = u64::try_from(timeout)
        .ok()
        .map(|milliseconds| now().saturating_add(milliseconds * 1_000_000));
    poll(process, entries, count, deadline)
}

/// ppoll(2): a `timespec` timeout (NULL waits for ever), written back with the time left as
/// the system call does (ignoring a fault there); the signal mask is checked but not applied, as no signal can
/// arrive while the only process waits.
pub fn sys_ppoll(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [entries, count, timeout, mask, mask_bytes, ..] = *arguments;
    if mask != 0 && mask_bytes != 8 {
        return Err(Errno::EINVAL);
    }
    let deadline = if timeout == 0 {
        None
    } else {
        let seconds = read_u64(process, timeout)? as i64;
        let nanoseconds_at = timeout.checked_add(8).ok_or(Errno::EFAULT)?;
        let nanoseconds = read_u64(process, nanoseconds_at)? as i64;
        if seconds < 0 || !(0..1_000_000_000).contains(&nanoseconds) {
            return Err(Errno::EINVAL);
        }
        let total = (seconds as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(nanoseconds as u64);
        Some(now().saturating_add(total))
    };
    let ready = poll(process, entries, count, deadline)?;
    if let Some(deadline) = deadline {
        let left = deadline.saturating_sub(now());
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&(left / 1_000_000_000).to_le_bytes());
        bytes[8..].copy_from_slice(&(left % 1_000_000_000).to_le_bytes());
        // Linux ignores a failure here: a read-only timespec must not turn a completed
        // poll into EFAULT (poll_select_finish).
        if write_bytes(process, timeout, &bytes).is_err() {
            log::debug!("ppoll: the time left could not be written back");
        }
    }
    Ok(ready)
}

fn now() -> u64 {
    crate::time::monotonic_nanoseconds()
}

/// Polls `count` entries at `address` until one is ready or `deadline` (monotonic
/// nanoseconds; `None` for never) passes; writes every `revents` back and returns how many
/// entries have events.
fn poll(process: &mut Process, address: u64, count: u64, deadline: Option<u64>) -> Result<u64> {
    if count > process.limits.open_files() as u64 {
        return Err(Errno::EINVAL);
    }
    let entries = read_entries(process, address, count)?;
    loop {
        let results: Vec<u32> = entries
            .iter()
            .map(|entry| revents(process, entry))
            .collect();
        let ready = results.iter().filter(|&&events| events != 0).count();
        let timed_out = deadline.is_some_and(|deadline| now() >= deadline);
        if ready > 0 || timed_out {
            for (index, events) in results.iter().enumerate() {
                let at = address + index as u64 * POLL_ENTRY_BYTES + 6;
                write_bytes(process, at, &(*events as u16).to_le_bytes())?;
            }
            return Ok(ready as u64);
        }
        hal::arch::cpu::wait_for_interrupt();
    }
}

fn read_entries(process: &mut Process, address: u64, count: u64) -> Result<Vec<PollEntry>> {
    let mut entries = Vec::new();
    entries
        .try_reserve_exact(count as usize)
        .map_err(|_| Errno::ENOMEM)?;
    for index in 0..count {
        let at = address
            .checked_add(index * POLL_ENTRY_BYTES)
            .ok_or(Errno::EFAULT)?;
        let word = read_u64(process, at)?;
        entries.push(PollEntry {
            fd: word as u32 as i32,
            events: u32::from((word >> 32) as u16),
        });
    }
    Ok(entries)
}

/// The events to report for one entry: none for a negative fd, `POLLNVAL` for one not open.
fn revents(process: &Process, entry: &PollEntry) -> u32 {
    if entry.fd < 0 {
        return 0;
    }
    match process.files.get(entry.fd) {
        Ok(file) => file.poll() & (entry.events | ALWAYS_REPORTED),
        Err(_) => linux::POLLNVAL,
    }
}
