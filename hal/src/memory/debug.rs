//! Deliberate faults for the kernel's crash tests.

/// Reads a word from any kernel address: faults (and so ends the machine) if it is unmapped.
/// Used only to test the fault reporting.
pub fn read_u64_for_fault_test(address: u64) -> u64 {
    assert!(
        address >= 0xffff_8000_0000_0000,
        "only kernel addresses may be probed"
    );
    // SAFETY: a read from a kernel address either returns a value or raises a page fault,
    // which is fatal and reported; it cannot corrupt memory. Callers use unmapped addresses.
    unsafe { (address as *const u64).read_volatile() }
}
