//! Trap entry: one stub per vector, a common register save, and the dispatcher.
//!
//! Each stub is 16-byte aligned (so the IDT can compute its address), pushes a zero where the
//! CPU pushes no error code, pushes its vector number and jumps to `trap_common`, which saves
//! every general-purpose register into a [`TrapFrame`] on the current stack and calls
//! [`trap_dispatch`]. Exceptions in the kernel are fatal for now and produce a full report.

use core::{arch::global_asm, fmt};

use super::{apic, cpu, interrupt_vectors as vectors, user_copy, user_mode};

/// Registers as saved on entry, lowest address first.
#[derive(Debug)]
#[repr(C)]
pub struct TrapFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    pub vector: u64,
    pub error_code: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

const STUB_BYTES: u64 = 16;

global_asm!(
    r#"
    .text
    .p2align 4
    .global trap_entry_stubs
trap_entry_stubs:
    .set trap_vector, 0
    .rept 256
    .p2align 4
    /* Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
    .if (trap_vector == 8) + (trap_vector == 10) + (trap_vector == 11) + (trap_vector == 12) + (trap_vector == 13) + (trap_vector == 14) + (trap_vector == 17) + (trap_vector == 21) + (trap_vector == 29) + (trap_vector == 30)
    .else
    .byte 0x6a, 0x00                /* push 0 (no error code) */
    .endif
    .byte 0x68                      /* push imm32: the vector */
    .long trap_vector
    jmp trap_common
    .set trap_vector, trap_vector + 1
    .endr

trap_common:
    /* From user mode (CS RPL 3), switch to the kernel's GS base; traps from user mode never
       return through this stub (the dispatcher leaves through user_mode.rs). */
    test byte ptr [rsp + 24], 3
    jz 1f
    swapgs
1:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    cld
    call {dispatch}
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16
    iretq
"#,
    dispatch = sym trap_dispatch,
);

unsafe extern "C" {
    /// The first of 256 entry stubs, [`STUB_BYTES`] apart.
    static trap_entry_stubs: u8;
}

/// The address of the entry stub for `vector`.
pub fn entry_stub_address(vector: usize) -> u64 {
    (&raw const trap_entry_stubs) as u64 + vector as u64 * STUB_BYTES
}

extern "C" fn trap_dispatch(frame: &mut TrapFrame) {
    if frame.cs & 3 == 3 {
        user_trap(frame);
    }
    if frame.vector == vectors::PAGE_FAULT && resume_user_copy(frame) {
        return;
    }
    match frame.vector {
        0..=31 => fatal_exception(frame),
        vectors::TIMER => {
            crate::time::timer_interrupt();
            apic::end_of_interrupt();
        }
        vectors::LEGACY_PIC_FIRST..=vectors::LEGACY_PIC_LAST | vectors::APIC_SPURIOUS => {}
        other => {
            log::warn!("unexpected interrupt on vector {other:#x}");
            apic::end_of_interrupt();
        }
    }
}

/// A trap taken in user mode: acknowledge interrupts, then hand the event to the kernel by
/// returning from `user_mode::enter`.
fn user_trap(frame: &TrapFrame) -> ! {
    let fault_address = if frame.vector == vectors::PAGE_FAULT {
        cpu::page_fault_address()
    } else {
        0
    };
    match frame.vector {
        vectors::TIMER => {
            crate::time::timer_interrupt();
            apic::end_of_interrupt();
        }
        0..=31 | vectors::LEGACY_PIC_FIRST..=vectors::LEGACY_PIC_LAST | vectors::APIC_SPURIOUS => {}
        _ => apic::end_of_interrupt(),
    }
    user_mode::leave_after_trap(frame, fault_address)
}

/// A kernel page fault inside the user-copy routine: resume at its fixup (the copy reports
/// `EFAULT`) instead of treating it as a kernel bug.
fn resume_user_copy(frame: &mut TrapFrame) -> bool {
    match user_copy::fixup_for(frame.rip) {
        Some(fixup) => {
            frame.rip = fixup;
            true
        }
        None => false,
    }
}

fn fatal_exception(frame: &TrapFrame) -> ! {
    let fault_address = cpu::page_fault_address();
    let mut report = crate::console::EmergencyWriter;
    let _ = write_fatal_report(&mut report, frame, fault_address);
    crate::power::exit_after_kernel_failure()
}

fn write_fatal_report(
    out: &mut dyn fmt::Write,
    frame: &TrapFrame,
    fault_address: u64,
) -> fmt::Result {
    let name = exception_name(frame.vector);
    // The function the trap interrupted, as `name+0x1c` (or the bare RIP without a symbol
    // table). A stack overflow arrives as a double fault, whose saved RIP the SDM calls
    // undefined (vol. 3, 6.15 "Interrupt 8"); QEMU saves the overflowing instruction's, and the
    // backtrace below, walked from RBP, does not depend on it either way.
    let place = crate::symbols::Symbolized(crate::symbols::CodeAddress::Instruction(frame.rip));
    writeln!(out)?;
    if let Some(guard) = crate::memory::stack::guard_page_containing(fault_address) {
        writeln!(
            out,
            "KERNEL PANIC: kernel stack overflow in {place}: hit the guard page at {guard:#x} (address {fault_address:#x}, {name})"
        )?;
    } else if frame.vector == vectors::PAGE_FAULT {
        writeln!(
            out,
            "KERNEL PANIC: page fault at address {fault_address:#x} ({}) in {place}",
            PageFaultCause(frame.error_code)
        )?;
    } else {
        writeln!(
            out,
            "KERNEL PANIC: {name} (vector {}), error code {:#x} in {place}",
            frame.vector, frame.error_code
        )?;
    }
    write_registers(out, frame)?;
    crate::backtrace::write(out, frame.rip, frame.rbp)
}

fn write_registers(out: &mut dyn fmt::Write, f: &TrapFrame) -> fmt::Result {
    writeln!(
        out,
        "  RIP {:#018x}  CS {:#06x}  RFLAGS {:#010x}",
        f.rip, f.cs, f.rflags
    )?;
    writeln!(
        out,
        "  RSP {:#018x}  SS {:#06x}  CR2 {:#018x}",
        f.rsp,
        f.ss,
        cpu::page_fault_address()
    )?;
    writeln!(
        out,
        "  RAX {:#018x}  RBX {:#018x}  RCX {:#018x}",
        f.rax, f.rbx, f.rcx
    )?;
    writeln!(
        out,
        "  RDX {:#018x}  RSI {:#018x}  RDI {:#018x}",
        f.rdx, f.rsi, f.rdi
    )?;
    writeln!(
        out,
        "  RBP {:#018x}  R8  {:#018x}  R9  {:#018x}",
        f.rbp, f.r8, f.r9
    )?;
    writeln!(
        out,
        "  R10 {:#018x}  R11 {:#018x}  R12 {:#018x}",
        f.r10, f.r11, f.r12
    )?;
    writeln!(
        out,
        "  R13 {:#018x}  R14 {:#018x}  R15 {:#018x}",
        f.r13, f.r14, f.r15
    )
}

/// The page-fault error code, decoded (Intel SDM vol. 3, 4.7).
struct PageFaultCause(u64);

impl fmt::Display for PageFaultCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bit = |n: u32| self.0 & (1 << n) != 0;
        let presence = if bit(0) {
            "protection violation"
        } else {
            "page not present"
        };
        let access = if bit(4) {
            "instruction fetch"
        } else if bit(1) {
            "write"
        } else {
            "read"
        };
        let mode = if bit(2) { "user" } else { "kernel" };
        write!(
            f,
            "{presence}, {access}, {mode} mode, error code {:#x}",
            self.0
        )
    }
}

fn exception_name(vector: u64) -> &'static str {
    const NAMES: [&str; 32] = [
        "divide error",
        "debug",
        "non-maskable interrupt",
        "breakpoint",
        "overflow",
        "bound range exceeded",
        "invalid opcode",
        "device not available",
        "double fault",
        "coprocessor segment overrun",
        "invalid TSS",
        "segment not present",
        "stack-segment fault",
        "general protection fault",
        "page fault",
        "reserved",
        "x87 floating-point error",
        "alignment check",
        "machine check",
        "SIMD floating-point error",
        "virtualization exception",
        "control protection exception",
        "reserved",
        "reserved",
        "reserved",
        "reserved",
        "reserved",
        "reserved",
        "hypervisor injection exception",
        "VMM communication exception",
        "security exception",
        "reserved",
    ];
    NAMES.get(vector as usize).copied().unwrap_or("interrupt")
}
