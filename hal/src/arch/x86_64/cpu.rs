//! Processor control: the interrupt flag, halting, time-stamp counter, control registers.

use x86_64::{instructions::interrupts, registers::control::Cr2};

/// Turns interrupts off and says whether they were on, for [`restore_interrupts`].
pub fn disable_interrupts() -> bool {
    let were_enabled = interrupts::are_enabled();
    interrupts::disable();
    were_enabled
}

/// Turns interrupts back on if `were_enabled`.
pub fn restore_interrupts(were_enabled: bool) {
    if were_enabled {
        interrupts::enable();
    }
}

/// Allows interrupts on this CPU.
pub fn enable_interrupts() {
    interrupts::enable();
}

/// Sleeps until the next interrupt.
pub fn wait_for_interrupt() {
    x86_64::instructions::hlt();
}

/// Stops this CPU for good (interrupts off, halted).
pub fn halt_forever() -> ! {
    loop {
        interrupts::disable();
        x86_64::instructions::hlt();
    }
}

/// Reads the time-stamp counter.
pub fn read_timestamp_counter() -> u64 {
    // SAFETY: RDTSC only reads a counter; it has no memory effects.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// The faulting linear address of the last page fault.
pub fn page_fault_address() -> u64 {
    Cr2::read_raw()
}

/// The current frame pointer (the kernel is built with frame pointers).
#[inline(always)]
pub fn frame_pointer() -> u64 {
    let frame_pointer: u64;
    // SAFETY: copies rbp into a register; no memory is touched.
    unsafe {
        core::arch::asm!("mov {}, rbp", out(reg) frame_pointer, options(nomem, nostack, preserves_flags))
    };
    frame_pointer
}

/// An address inside the calling function.
#[inline(always)]
pub fn program_counter() -> u64 {
    let program_counter: u64;
    // SAFETY: computes the address of the next instruction; no memory is touched.
    unsafe {
        core::arch::asm!("lea {}, [rip]", out(reg) program_counter, options(nomem, nostack, preserves_flags))
    };
    program_counter
}

/// Switches to the stack ending at `stack_top` and calls `entry` there, never to return.
///
/// The old stack is abandoned, so nothing borrowed from it may be passed along.
pub fn run_on_stack(stack_top: u64, entry: extern "C" fn() -> !) -> ! {
    debug_assert!(
        stack_top.is_multiple_of(16),
        "stack top must be 16-byte aligned"
    );
    // SAFETY: the caller provides the top of a mapped, unused kernel stack; `entry` takes no
    // arguments and never returns, so nothing refers to the old stack afterwards. The null
    // frame pointer ends backtraces there.
    unsafe {
        core::arch::asm!(
            "mov rsp, {top}",
            "xor ebp, ebp",
            "call {entry}",
            "ud2",
            top = in(reg) stack_top,
            entry = in(reg) entry,
            options(noreturn),
        )
    }
}
