//! The kernel's clocks in Linux's terms: `CLOCK_REALTIME`, `CLOCK_MONOTONIC`, `CLOCK_BOOTTIME`.

/// Nanoseconds since the Unix epoch (`CLOCK_REALTIME`).
pub fn realtime_nanoseconds() -> u64 {
    hal::time::wall_clock_nanoseconds()
}

/// Nanoseconds since boot (`CLOCK_MONOTONIC`; Loam never suspends, so also `CLOCK_BOOTTIME`).
pub fn monotonic_nanoseconds() -> u64 {
    hal::time::monotonic_nanoseconds()
}

/// `sysconf(_SC_CLK_TCK)` and `AT_CLKTCK`: Linux's `USER_HZ`, 100 on every architecture.
pub const CLOCK_TICKS_PER_SECOND: u64 = 100;
