//! The local APIC (xAPIC, memory-mapped) and its timer; the legacy PICs are silenced.
//!
//! The APIC timer is calibrated against the TSC (itself calibrated against the PIT) and
//! programmed in periodic mode at [`TIMER_HZ`].

use core::sync::atomic::{AtomicU64, Ordering};

use x86_64::{instructions::port::Port, registers::model_specific::Msr};

use super::{interrupt_vectors as vectors, tsc};
use crate::memory::direct_map;

/// Timer interrupts per second.
pub const TIMER_HZ: u64 = 100;

const IA32_APIC_BASE: u32 = 0x1b;
const APIC_BASE_ENABLE: u64 = 1 << 11;
const REGISTER_END_OF_INTERRUPT: usize = 0xb0;
const REGISTER_SPURIOUS: usize = 0xf0;
const REGISTER_TIMER_VECTOR: usize = 0x320;
const REGISTER_TIMER_INITIAL_COUNT: usize = 0x380;
const REGISTER_TIMER_CURRENT_COUNT: usize = 0x390;
const REGISTER_TIMER_DIVIDE: usize = 0x3e0;
const TIMER_PERIODIC: u32 = 1 << 17;
const TIMER_MASKED: u32 = 1 << 16;
const DIVIDE_BY_16: u32 = 0x3;

/// Physical address of this CPU's APIC registers; 0 until [`init`].
static APIC_PHYSICAL_BASE: AtomicU64 = AtomicU64::new(0);

/// Masks the legacy PICs, enables the local APIC and starts its periodic timer.
pub fn init() {
    silence_legacy_pics();
    let mut msr = Msr::new(IA32_APIC_BASE);
    // SAFETY: IA32_APIC_BASE exists on every x86_64 CPU; reading it has no side effects.
    let value = unsafe { msr.read() } | APIC_BASE_ENABLE;
    // SAFETY: setting the global enable bit keeps the APIC at the base QEMU chose.
    unsafe { msr.write(value) };
    let base = value & 0xf_ffff_f000;
    APIC_PHYSICAL_BASE.store(base, Ordering::Release);
    write(REGISTER_SPURIOUS, (1 << 8) | vectors::APIC_SPURIOUS as u32);
    let ticks_per_period = calibrate_timer() / TIMER_HZ;
    // calibrate_timer left the divider at 16, the rate it measured.
    write(
        REGISTER_TIMER_VECTOR,
        TIMER_PERIODIC | vectors::TIMER as u32,
    );
    write(REGISTER_TIMER_INITIAL_COUNT, ticks_per_period.max(1) as u32);
}

/// Acknowledges the interrupt being handled.
pub fn end_of_interrupt() {
    if APIC_PHYSICAL_BASE.load(Ordering::Acquire) != 0 {
        write(REGISTER_END_OF_INTERRUPT, 0);
    }
}

/// APIC timer ticks per second at divide-by-16, measured over 10 ms of TSC time.
fn calibrate_timer() -> u64 {
    const SAMPLE_NS: u64 = 10_000_000;
    write(REGISTER_TIMER_DIVIDE, DIVIDE_BY_16);
    write(REGISTER_TIMER_VECTOR, TIMER_MASKED);
    write(REGISTER_TIMER_INITIAL_COUNT, u32::MAX);
    let start = tsc::nanoseconds_since_calibration();
    while tsc::nanoseconds_since_calibration() - start < SAMPLE_NS {
        core::hint::spin_loop();
    }
    let elapsed = u64::from(u32::MAX - read(REGISTER_TIMER_CURRENT_COUNT));
    write(REGISTER_TIMER_INITIAL_COUNT, 0);
    elapsed * (1_000_000_000 / SAMPLE_NS)
}

/// Remaps both 8259s to vectors 0x20-0x2f (away from exceptions) and masks every line.
fn silence_legacy_pics() {
    let sequence: [(u16, u8); 10] = [
        (0x20, 0x11),
        (0xa0, 0x11), // ICW1: initialise, expect ICW4
        (0x21, 0x20),
        (0xa1, 0x28), // ICW2: vector offsets
        (0x21, 0x04),
        (0xa1, 0x02), // ICW3: cascade on IRQ2
        (0x21, 0x01),
        (0xa1, 0x01), // ICW4: 8086 mode
        (0x21, 0xff),
        (0xa1, 0xff), // mask all
    ];
    for (port, value) in sequence {
        // SAFETY: the PIC command and data ports only program the (unused) legacy PICs.
        unsafe { Port::<u8>::new(port).write(value) };
    }
}

fn register_pointer(offset: usize) -> *mut u32 {
    let base = APIC_PHYSICAL_BASE.load(Ordering::Acquire);
    direct_map::physical_to_virtual(base + offset as u64).cast()
}

fn write(offset: usize, value: u32) {
    // SAFETY: the APIC page is mapped uncached by the direct map (it lies in the MMIO hole
    // below 4 GiB); `offset` is one of the architectural register offsets, 16-byte aligned.
    unsafe { register_pointer(offset).write_volatile(value) }
}

fn read(offset: usize) -> u32 {
    // SAFETY: as for `write`; reading an APIC register has no side effect on memory.
    unsafe { register_pointer(offset).read_volatile() }
}
