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

/// Linux's `AT_HWCAP` on x86_64: CPUID leaf 1's EDX feature bits.
pub fn hardware_capabilities() -> u64 {
    u64::from(core::arch::x86_64::__cpuid(1).edx)
}

/// Linux's `AT_HWCAP2` on x86_64: bit 1 (`HWCAP2_FSGSBASE`) only when the kernel enabled
/// user `rdfsbase`; Loam does not, so none are set.
pub fn hardware_capabilities2() -> u64 {
    0
}

/// CPUID leaf `leaf`, subleaf `subleaf`: EAX, EBX, ECX, EDX (for `/proc/cpuinfo`).
pub fn cpuid(leaf: u32, subleaf: u32) -> [u32; 4] {
    let result = core::arch::x86_64::__cpuid_count(leaf, subleaf);
    [result.eax, result.ebx, result.ecx, result.edx]
}

/// The platform string Linux puts in `AT_PLATFORM`.
pub const PLATFORM: &str = "x86_64";

/// 64 bits from the CPU's random-number generator (RDSEED, else RDRAND), if it has one.
pub fn hardware_random() -> Option<u64> {
    let features = core::arch::x86_64::__cpuid(1);
    let extended = core::arch::x86_64::__cpuid_count(7, 0);
    let has_rdseed = extended.ebx & (1 << 18) != 0;
    let has_rdrand = features.ecx & (1 << 30) != 0;
    (0..10).find_map(|_| {
        if has_rdseed {
            read_random(RandomSource::Seed)
        } else if has_rdrand {
            read_random(RandomSource::Generator)
        } else {
            None
        }
    })
}

#[derive(Clone, Copy)]
enum RandomSource {
    Seed,
    Generator,
}

fn read_random(source: RandomSource) -> Option<u64> {
    let value: u64;
    let is_valid: u8;
    match source {
        // SAFETY: RDSEED only writes the output register and CF; CPUID said it exists.
        RandomSource::Seed => unsafe {
            core::arch::asm!("rdseed {value}", "setc {ok}", value = out(reg) value, ok = out(reg_byte) is_valid, options(nomem, nostack))
        },
        // SAFETY: as above for RDRAND.
        RandomSource::Generator => unsafe {
            core::arch::asm!("rdrand {value}", "setc {ok}", value = out(reg) value, ok = out(reg_byte) is_valid, options(nomem, nostack))
        },
    }
    (is_valid != 0).then_some(value)
}
