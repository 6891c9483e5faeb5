//! Clocks and the timer tick.
//!
//! The monotonic clock counts from machine reset (QEMU starts the counter at zero), which
//! makes boot timestamps comparable with the host's measurement of QEMU start.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::arch;

static TICKS: AtomicU64 = AtomicU64::new(0);
static BOOT_WALL_CLOCK_SECONDS: AtomicU64 = AtomicU64::new(0);

/// Timer interrupts per second.
pub const TIMER_HZ: u64 = arch::apic::TIMER_HZ;

/// Nanoseconds since machine reset; 0 until the clock is calibrated early in boot.
pub fn monotonic_nanoseconds() -> u64 {
    arch::tsc::nanoseconds_since_reset()
}

/// Timer interrupts since they were started.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// Seconds since the Unix epoch, from the real-time clock read at boot plus elapsed time.
pub fn wall_clock_seconds() -> u64 {
    let at_boot = BOOT_WALL_CLOCK_SECONDS.load(Ordering::Relaxed);
    at_boot + arch::tsc::nanoseconds_since_calibration() / 1_000_000_000
}

/// Nanoseconds since the Unix epoch: the real-time clock read at boot plus elapsed time.
pub fn wall_clock_nanoseconds() -> u64 {
    let at_boot = BOOT_WALL_CLOCK_SECONDS.load(Ordering::Relaxed);
    at_boot
        .saturating_mul(1_000_000_000)
        .saturating_add(arch::tsc::nanoseconds_since_calibration())
}

pub(crate) fn set_boot_wall_clock(seconds: u64) {
    BOOT_WALL_CLOCK_SECONDS.store(seconds, Ordering::Relaxed);
}

pub(crate) fn timer_interrupt() {
    TICKS.fetch_add(1, Ordering::Relaxed);
}

/// Seconds since 1970-01-01 00:00:00 UTC of a proleptic Gregorian date and time; dates
/// before the epoch give 0.
pub fn unix_seconds(year: u32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> u64 {
    // Days from civil, after Howard Hinnant's algorithm: count in eras of 400 years starting
    // in March, so the leap day falls at the end of the year.
    let (year, month) = (i64::from(year), i64::from(month));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds =
        days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    u64::try_from(seconds).unwrap_or(0)
}
