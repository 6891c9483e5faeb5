//! Clocks and sleeping: clock_gettime(2), gettimeofday(2), time(2), nanosleep(2),
//! clock_nanosleep(2), clock_getres(2), times(2), sysinfo(2).

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::user_memory::{Field, pack, write_bytes};
use crate::{task::process::Process, time};

const NANOSECONDS_PER_SECOND: u64 = 1_000_000_000;

/// The current value of clock `clock` in nanoseconds; `EINVAL` for unknown clocks.
fn clock_now(clock: u32) -> Result<u64> {
    match clock {
        linux::CLOCK_REALTIME | linux::CLOCK_REALTIME_COARSE | linux::CLOCK_TAI => Ok(time::realtime_nanoseconds()),
        linux::CLOCK_MONOTONIC
        | linux::CLOCK_MONOTONIC_RAW
        | linux::CLOCK_MONOTONIC_COARSE
        | linux::CLOCK_BOOTTIME
        // One process runs at a time and never waits for another, so its CPU time is the
        // time since boot less idle time; until the scheduler accounts it, report elapsed time.
        | linux::CLOCK_PROCESS_CPUTIME_ID
        | linux::CLOCK_THREAD_CPUTIME_ID => Ok(time::monotonic_nanoseconds()),
        _ => Err(Errno::EINVAL),
    }
}

fn timespec(nanoseconds: u64) -> alloc::vec::Vec<u8> {
    pack(&[
        Field::U64(nanoseconds / NANOSECONDS_PER_SECOND),
        Field::U64(nanoseconds % NANOSECONDS_PER_SECOND),
    ])
}

pub fn sys_clock_gettime(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let now = clock_now(arguments[0] as u32)?;
    write_bytes(process, arguments[1], &timespec(now)).map(|()| 0)
}

pub fn sys_clock_getres(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    clock_now(arguments[0] as u32)?;
    if arguments[1] != 0 {
        write_bytes(process, arguments[1], &timespec(1))?;
    }
    Ok(0)
}

pub fn sys_gettimeofday(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    if arguments[0] != 0 {
        let now = time::realtime_nanoseconds();
        let timeval = pack(&[
            Field::U64(now / NANOSECONDS_PER_SECOND),
            Field::U64(now % NANOSECONDS_PER_SECOND / 1000),
        ]);
        write_bytes(process, arguments[0], &timeval)?;
    }
    if arguments[1] != 0 {
        write_bytes(process, arguments[1], &[0u8; 8])?;
    }
    Ok(0)
}

pub fn sys_time(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let seconds = time::realtime_nanoseconds() / NANOSECONDS_PER_SECOND;
    if arguments[0] != 0 {
        write_bytes(process, arguments[0], &seconds.to_le_bytes())?;
    }
    Ok(seconds)
}

/// Reads a `struct timespec` request; `EINVAL` unless `0 <= tv_nsec < 10^9` and `tv_sec >= 0`.
fn read_duration(process: &mut Process, address: u64) -> Result<u64> {
    let mut raw = [0u8; 16];
    process.memory.copy_from_user(address, &mut raw)?;
    let seconds = i64::from_le_bytes(raw[..8].try_into().map_err(|_| Errno::EFAULT)?);
    let nanoseconds = i64::from_le_bytes(raw[8..].try_into().map_err(|_| Errno::EFAULT)?);
    if seconds < 0 || !(0..1_000_000_000).contains(&nanoseconds) {
        return Err(Errno::EINVAL);
    }
    Ok((seconds as u64)
        .saturating_mul(NANOSECONDS_PER_SECOND)
        .saturating_add(nanoseconds as u64))
}

/// Waits until clock `clock` reads at least `deadline`, halting between timer ticks.
fn sleep_until(clock: u32, deadline: u64) -> Result<()> {
    while clock_now(clock)? < deadline {
        hal::arch::cpu::wait_for_interrupt();
    }
    Ok(())
}

pub fn sys_nanosleep(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let duration = read_duration(process, arguments[0])?;
    let deadline = time::monotonic_nanoseconds().saturating_add(duration);
    sleep_until(linux::CLOCK_MONOTONIC, deadline).map(|()| 0)
}

pub fn sys_clock_nanosleep(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [clock, flags, request, ..] = *arguments;
    let clock = clock as u32;
    if clock == linux::CLOCK_THREAD_CPUTIME_ID {
        // Linux: sleeping on the calling thread's own CPU clock can never end.
        return Err(Errno::EOPNOTSUPP);
    }
    let duration = read_duration(process, request)?;
    let now = clock_now(clock)?;
    let deadline = if flags as u32 & linux::TIMER_ABSTIME != 0 {
        duration
    } else {
        now.saturating_add(duration)
    };
    sleep_until(clock, deadline).map(|()| 0)
}

/// times(2): clock ticks since boot; CPU times are not accounted yet (zero).
pub fn sys_times(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    if arguments[0] != 0 {
        write_bytes(process, arguments[0], &[0u8; 32])?;
    }
    Ok(time::monotonic_nanoseconds() / (NANOSECONDS_PER_SECOND / time::CLOCK_TICKS_PER_SECOND))
}

pub fn sys_sysinfo(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let counts = hal::memory::frames::counts();
    let page = hal::memory::PAGE_SIZE;
    let bytes = pack(&[
        Field::U64(time::monotonic_nanoseconds() / NANOSECONDS_PER_SECOND),
        Field::U64(0),
        Field::U64(0),
        Field::U64(0),
        Field::U64(counts.managed * page),
        Field::U64(counts.free * page),
        Field::U64(0),
        Field::U64(0),
        Field::U64(0),
        Field::U64(0),
        Field::U16(1),
        Field::Padding(6),
        Field::U64(0),
        Field::U64(0),
        Field::U32(1),
        Field::Padding(4),
    ]);
    let mut bytes = bytes;
    bytes.resize(112, 0);
    write_bytes(process, arguments[0], &bytes).map(|()| 0)
}
