//! The 16550 UART on COM1 (`console=ttyS0`): polled output, 115200 8N1.
//!
//! Output is polled so that it works before interrupts exist and from fault handlers.

use x86_64::instructions::port::Port;

const COM1: u16 = 0x3f8;
const LINE_STATUS_TRANSMIT_EMPTY: u8 = 1 << 5;
const LINE_STATUS_DATA_READY: u8 = 1 << 0;

/// Programs COM1 for 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on.
pub fn init() {
    let settings: [(u16, u8); 7] = [
        (1, 0x00), // interrupts off
        (3, 0x80), // divisor latch access
        (0, 0x01), // divisor 1 = 115200 baud
        (1, 0x00),
        (3, 0x03), // 8N1, latch off
        (2, 0xc7), // FIFOs on and cleared, 14-byte threshold
        (4, 0x03), // DTR, RTS
    ];
    for (offset, value) in settings {
        write_register(offset, value);
    }
}

/// Writes bytes, waiting for room in the transmitter for each.
pub fn write_bytes(bytes: &[u8]) {
    for &byte in bytes {
        while read_register(5) & LINE_STATUS_TRANSMIT_EMPTY == 0 {
            core::hint::spin_loop();
        }
        write_register(0, byte);
    }
}

/// A received byte, if one is waiting.
pub fn read_byte() -> Option<u8> {
    (read_register(5) & LINE_STATUS_DATA_READY != 0).then(|| read_register(0))
}

fn write_register(offset: u16, value: u8) {
    let mut port = Port::<u8>::new(COM1 + offset);
    // SAFETY: COM1's registers are I/O ports owned by this module; writing them only
    // programs the UART and cannot affect memory.
    unsafe { port.write(value) }
}

fn read_register(offset: u16) -> u8 {
    let mut port = Port::<u8>::new(COM1 + offset);
    // SAFETY: reading a COM1 register has no side effect on memory.
    unsafe { port.read() }
}
