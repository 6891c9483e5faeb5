//! The CMOS real-time clock, read once at boot for wall-clock time.

use x86_64::instructions::port::Port;

const UPDATE_IN_PROGRESS: u8 = 1 << 7;
const STATUS_B_BINARY: u8 = 1 << 2;
const STATUS_B_24_HOUR: u8 = 1 << 1;

/// The RTC's date and time, UTC as QEMU keeps it by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtcTime {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Reads the clock, retrying until two reads agree (the RTC may tick in between).
pub fn read() -> RtcTime {
    loop {
        wait_for_update_to_finish();
        let first = read_once();
        wait_for_update_to_finish();
        if read_once() == first {
            return first;
        }
    }
}

fn read_once() -> RtcTime {
    let status_b = read_register(0x0b);
    let decode = |value: u8| -> u32 {
        if status_b & STATUS_B_BINARY != 0 {
            u32::from(value)
        } else {
            u32::from(value & 0x0f) + u32::from(value >> 4) * 10
        }
    };
    let raw_hour = read_register(0x04);
    let is_pm = status_b & STATUS_B_24_HOUR == 0 && raw_hour & 0x80 != 0;
    let hour = decode(raw_hour & 0x7f) % 12 + if is_pm { 12 } else { 0 };
    let hour = if status_b & STATUS_B_24_HOUR != 0 {
        decode(raw_hour)
    } else {
        hour
    };
    RtcTime {
        year: 2000 + decode(read_register(0x09)),
        month: decode(read_register(0x08)),
        day: decode(read_register(0x07)),
        hour,
        minute: decode(read_register(0x02)),
        second: decode(read_register(0x00)),
    }
}

fn wait_for_update_to_finish() {
    while read_register(0x0a) & UPDATE_IN_PROGRESS != 0 {
        core::hint::spin_loop();
    }
}

fn read_register(register: u8) -> u8 {
    // SAFETY: port 0x70 selects a CMOS register; bit 7 (NMI disable) stays clear for the
    // registers this module reads. No memory is touched.
    unsafe { Port::<u8>::new(0x70).write(register) };
    // SAFETY: port 0x71 reads the selected CMOS register; no memory is touched.
    unsafe { Port::<u8>::new(0x71).read() }
}
