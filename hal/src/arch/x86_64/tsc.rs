//! The time-stamp counter as the monotonic clock, calibrated against the 8254 PIT.

use core::sync::atomic::{AtomicU64, Ordering};

use x86_64::instructions::port::Port;

use super::cpu::read_timestamp_counter;

const PIT_HZ: u64 = 1_193_182;
const CALIBRATION_HZ: u64 = 100; // a 10 ms gate

/// Port 0x61: PIT channel 2's gate (bit 0), the speaker (bit 1), channel 2's output (bit 5).
const GATE_PORT: u16 = 0x61;

static TSC_HZ: AtomicU64 = AtomicU64::new(0);
static TSC_AT_CALIBRATION: AtomicU64 = AtomicU64::new(0);

/// Measures the TSC frequency by timing a one-shot countdown of PIT channel 2.
pub fn calibrate() {
    let count = (PIT_HZ / CALIBRATION_HZ) as u16;
    let gate = read_port(GATE_PORT) & !0x02; // speaker off
    write_port(GATE_PORT, gate & !0x01); // gate low while programming
    write_port(0x43, 0xb0); // channel 2, lobyte/hibyte, mode 0
    write_port(0x42, count as u8);
    write_port(0x42, (count >> 8) as u8);
    let start = read_timestamp_counter();
    write_port(GATE_PORT, gate | 0x01); // gate high: count down
    while read_port(GATE_PORT) & 0x20 == 0 {
        core::hint::spin_loop();
    }
    let elapsed = read_timestamp_counter() - start;
    TSC_HZ.store(elapsed * CALIBRATION_HZ, Ordering::Release);
    TSC_AT_CALIBRATION.store(read_timestamp_counter(), Ordering::Release);
}

/// The measured TSC frequency, or 0 before [`calibrate`].
pub fn frequency_hz() -> u64 {
    TSC_HZ.load(Ordering::Acquire)
}

/// Nanoseconds since calibration; 0 before it.
pub fn nanoseconds_since_calibration() -> u64 {
    let at_calibration = TSC_AT_CALIBRATION.load(Ordering::Acquire);
    ticks_to_nanoseconds(read_timestamp_counter().wrapping_sub(at_calibration))
}

/// Nanoseconds since power-on (QEMU starts the TSC at 0); 0 before calibration.
pub fn nanoseconds_since_reset() -> u64 {
    ticks_to_nanoseconds(read_timestamp_counter())
}

fn ticks_to_nanoseconds(ticks: u64) -> u64 {
    let hz = frequency_hz();
    if hz == 0 {
        return 0;
    }
    (u128::from(ticks) * 1_000_000_000 / u128::from(hz)) as u64
}

/// Reads one of the PIT ports this module owns.
fn read_port(port: u16) -> u8 {
    // SAFETY: only the PIT channel 2 and gate ports are passed; reading them touches no memory.
    unsafe { Port::<u8>::new(port).read() }
}

/// Writes one of the PIT ports this module owns (0x42, 0x43, 0x61); the speaker stays off.
fn write_port(port: u16, value: u8) {
    // SAFETY: these ports program PIT channel 2 and its gate only; no memory is touched.
    unsafe { Port::<u8>::new(port).write(value) };
}
