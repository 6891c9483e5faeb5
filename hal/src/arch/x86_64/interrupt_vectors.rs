//! Interrupt vector assignments.

/// Page fault exception.
pub const PAGE_FAULT: u64 = 14;
/// The legacy 8259 PICs are remapped here and masked; only their spurious IRQs arrive.
pub const LEGACY_PIC_FIRST: u64 = 0x20;
/// Last vector of the remapped legacy PICs.
pub const LEGACY_PIC_LAST: u64 = 0x2f;
/// The local APIC timer.
pub const TIMER: u64 = 0x40;
/// The local APIC spurious-interrupt vector (low four bits must be ones).
pub const APIC_SPURIOUS: u64 = 0xff;
