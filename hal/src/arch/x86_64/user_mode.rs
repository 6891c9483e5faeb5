//! Running user code: `iretq` into ring 3, and back through `syscall` or a trap.
//!
//! The kernel calls [`enter`] with a thread's saved registers. `loam_run_user` pushes the
//! callee-saved registers, records its stack pointer in the per-CPU block and in the TSS (so a
//! trap from user mode lands on this kernel stack, just below), loads every user register and
//! `iretq`s. The CPU comes back in one of two ways:
//! - `syscall` enters `loam_syscall_entry`, which stores the user registers straight into the
//!   same register block and returns from `loam_run_user` with [`EXIT_SYSTEM_CALL`];
//! - an exception or interrupt enters the common trap stub on the TSS stack; the dispatcher
//!   copies its frame into the register block ([`leave_after_trap`]) and returns from
//!   `loam_run_user` with [`EXIT_TRAP`], abandoning the trap frame.
//!
//! Returns to user space always use `iretq`, never `sysretq`: `sysretq` to a non-canonical
//! address faults in ring 0 on Intel CPUs, and `iretq` has no such trap door. `swapgs` runs
//! exactly once on each crossing: before `iretq`, at the top of `loam_syscall_entry`, and in the
//! trap stub when the interrupted code was in ring 3.

use core::{arch::global_asm, cell::UnsafeCell, mem::offset_of};

use x86_64::registers::model_specific::{
    Efer, EferFlags, FsBase, GsBase, KernelGsBase, LStar, SFMask, Star,
};
use x86_64::{VirtAddr, registers::rflags::RFlags};

use super::{
    gdt::{self, KERNEL_CODE_SELECTOR, USER_CODE_SELECTOR, USER_DATA_SELECTOR},
    interrupt_vectors as vectors,
    trap::TrapFrame,
};
use crate::user::{Access, Exception, PageFault, SystemCall, UserExit};

/// The user-visible registers of a thread, in the order the assembly below expects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct UserRegisters {
    pub rax: u64,
    pub rbx: u64,
    pub rcx: u64,
    pub rdx: u64,
    pub rsi: u64,
    pub rdi: u64,
    pub rbp: u64,
    pub rsp: u64,
    pub r8: u64,
    pub r9: u64,
    pub r10: u64,
    pub r11: u64,
    pub r12: u64,
    pub r13: u64,
    pub r14: u64,
    pub r15: u64,
    pub rip: u64,
    pub rflags: u64,
    /// The FS segment base (`arch_prctl(ARCH_SET_FS)`, the thread pointer).
    pub fs_base: u64,
    /// The GS segment base (`arch_prctl(ARCH_SET_GS)`).
    pub gs_base: u64,
}

impl UserRegisters {
    /// A new program's registers: all zero but the entry point and stack pointer.
    pub fn new_program(entry: u64, stack_pointer: u64) -> Self {
        Self {
            rip: entry,
            rsp: stack_pointer,
            ..Self::default()
        }
    }

    /// The system call in the x86_64 ABI: number in `rax`, arguments in
    /// `rdi rsi rdx r10 r8 r9`.
    pub fn system_call(&self) -> SystemCall {
        SystemCall {
            number: self.rax,
            arguments: [self.rdi, self.rsi, self.rdx, self.r10, self.r8, self.r9],
        }
    }

    /// The return value goes in `rax`.
    pub fn set_return_value(&mut self, value: u64) {
        self.rax = value;
    }

    /// `rip`.
    pub fn instruction_pointer(&self) -> u64 {
        self.rip
    }

    /// `rsp`.
    pub fn stack_pointer(&self) -> u64 {
        self.rsp
    }

    /// The FS base, which x86_64 Linux programs use as the thread pointer.
    pub fn thread_pointer(&self) -> u64 {
        self.fs_base
    }

    /// Sets the FS base.
    pub fn set_thread_pointer(&mut self, value: u64) {
        self.fs_base = value;
    }
}

/// `loam_run_user` returned because user code executed `syscall`.
const EXIT_SYSTEM_CALL: u64 = 0;
/// `loam_run_user` returned because of an exception or interrupt; see [`last_trap`].
const EXIT_TRAP: u64 = 1;

/// What the CPU recorded about the trap that ended the last run of user code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrapRecord {
    /// The vector (0-31 exceptions, 32+ interrupts).
    pub vector: u64,
    /// The error code the CPU pushed, or 0.
    pub error_code: u64,
    /// CR2 for page faults.
    pub fault_address: u64,
}

/// Per-CPU data the entry assembly reaches through `gs` (one CPU so far).
#[repr(C)]
struct PerCpu {
    /// `rsp` inside `loam_run_user` after it saved the kernel's registers.
    kernel_stack_pointer: u64,
    /// The `UserRegisters` of the code running in user mode.
    user_registers: u64,
    /// The user `rsp`, parked during `loam_syscall_entry`.
    user_stack_scratch: u64,
    /// Address of the TSS's RSP0 field.
    entry_stack_field: u64,
    /// Filled by [`leave_after_trap`] for [`last_trap`].
    last_trap: TrapRecord,
}

struct PerCpuCell(UnsafeCell<PerCpu>);

// SAFETY: one CPU; the fields are written by the entry assembly and by Rust only with
// interrupts off, and no Rust reference into the block outlives those short accesses.
unsafe impl Sync for PerCpuCell {}

static PER_CPU: PerCpuCell = PerCpuCell(UnsafeCell::new(PerCpu {
    kernel_stack_pointer: 0,
    user_registers: 0,
    user_stack_scratch: 0,
    entry_stack_field: 0,
    last_trap: TrapRecord {
        vector: 0,
        error_code: 0,
        fault_address: 0,
    },
}));

/// RFLAGS bits user code may set (Linux's `FLAG_MASK`): CF PF AF ZF SF TF DF OF NT(no) AC ID.
const USER_FLAGS: u64 = 0x0025_4dd5;
/// Bit 1 of RFLAGS always reads as one.
const FLAGS_RESERVED_ONE: u64 = 1 << 1;
/// The interrupt flag: user code always runs with interrupts on.
const FLAGS_INTERRUPT: u64 = 1 << 9;

global_asm!(
    r#"
    .text
    .global loam_run_user
loam_run_user:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov gs:[{kernel_rsp}], rsp
    mov gs:[{registers}], rdi
    mov rax, gs:[{entry_field}]
    mov [rax], rsp
    push {user_ss}
    push qword ptr [rdi + {rsp}]
    push qword ptr [rdi + {rflags}]
    push {user_cs}
    push qword ptr [rdi + {rip}]
    mov rax, [rdi + {rax}]
    mov rbx, [rdi + {rbx}]
    mov rcx, [rdi + {rcx}]
    mov rdx, [rdi + {rdx}]
    mov rsi, [rdi + {rsi}]
    mov rbp, [rdi + {rbp}]
    mov r8, [rdi + {r8}]
    mov r9, [rdi + {r9}]
    mov r10, [rdi + {r10}]
    mov r11, [rdi + {r11}]
    mov r12, [rdi + {r12}]
    mov r13, [rdi + {r13}]
    mov r14, [rdi + {r14}]
    mov r15, [rdi + {r15}]
    mov rdi, [rdi + {rdi}]
    swapgs
    iretq

    .global loam_syscall_entry
loam_syscall_entry:
    swapgs
    mov gs:[{user_rsp}], rsp
    mov rsp, gs:[{registers}]
    mov [rsp + {rax}], rax
    mov [rsp + {rbx}], rbx
    mov [rsp + {rcx}], rcx
    mov [rsp + {rdx}], rdx
    mov [rsp + {rsi}], rsi
    mov [rsp + {rdi}], rdi
    mov [rsp + {rbp}], rbp
    mov [rsp + {r8}], r8
    mov [rsp + {r9}], r9
    mov [rsp + {r10}], r10
    mov [rsp + {r11}], r11
    mov [rsp + {r12}], r12
    mov [rsp + {r13}], r13
    mov [rsp + {r14}], r14
    mov [rsp + {r15}], r15
    mov [rsp + {rip}], rcx
    mov [rsp + {rflags}], r11
    mov rax, gs:[{user_rsp}]
    mov [rsp + {rsp}], rax
    mov rsp, gs:[{kernel_rsp}]
    mov eax, {exit_system_call}
    jmp 2f

    .global loam_leave_user_trap
loam_leave_user_trap:
    mov rsp, gs:[{kernel_rsp}]
    mov eax, {exit_trap}
2:
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
"#,
    kernel_rsp = const offset_of!(PerCpu, kernel_stack_pointer),
    registers = const offset_of!(PerCpu, user_registers),
    user_rsp = const offset_of!(PerCpu, user_stack_scratch),
    entry_field = const offset_of!(PerCpu, entry_stack_field),
    user_ss = const USER_DATA_SELECTOR,
    user_cs = const USER_CODE_SELECTOR,
    exit_system_call = const EXIT_SYSTEM_CALL,
    exit_trap = const EXIT_TRAP,
    rax = const offset_of!(UserRegisters, rax),
    rbx = const offset_of!(UserRegisters, rbx),
    rcx = const offset_of!(UserRegisters, rcx),
    rdx = const offset_of!(UserRegisters, rdx),
    rsi = const offset_of!(UserRegisters, rsi),
    rdi = const offset_of!(UserRegisters, rdi),
    rbp = const offset_of!(UserRegisters, rbp),
    rsp = const offset_of!(UserRegisters, rsp),
    r8 = const offset_of!(UserRegisters, r8),
    r9 = const offset_of!(UserRegisters, r9),
    r10 = const offset_of!(UserRegisters, r10),
    r11 = const offset_of!(UserRegisters, r11),
    r12 = const offset_of!(UserRegisters, r12),
    r13 = const offset_of!(UserRegisters, r13),
    r14 = const offset_of!(UserRegisters, r14),
    r15 = const offset_of!(UserRegisters, r15),
    rip = const offset_of!(UserRegisters, rip),
    rflags = const offset_of!(UserRegisters, rflags),
);

unsafe extern "C" {
    /// Runs user code with `registers` until a system call or trap; returns `EXIT_*`.
    fn loam_run_user(registers: *mut UserRegisters) -> u64;
    /// The `syscall` entry point (LSTAR).
    fn loam_syscall_entry();
    /// Abandons the current trap frame and returns from `loam_run_user` with `EXIT_TRAP`.
    fn loam_leave_user_trap() -> !;
}

/// Sets up `gs`, `syscall` and the per-CPU block on this CPU. Boot calls it once.
pub fn init() {
    let per_cpu = PER_CPU.0.get();
    // SAFETY: boot, interrupts off, no other reference to the block.
    unsafe { (*per_cpu).entry_stack_field = gdt::kernel_entry_stack_field() };
    GsBase::write(VirtAddr::from_ptr(per_cpu));
    KernelGsBase::write(VirtAddr::zero());
    // SAFETY: `syscall` lands in `loam_syscall_entry`, which saves all user state before
    // running kernel code; the selectors match the GDT layout `gdt.rs` fixes.
    unsafe { Efer::update(|flags| flags.insert(EferFlags::SYSTEM_CALL_EXTENSIONS)) };
    LStar::write(VirtAddr::new(loam_syscall_entry as *const () as u64));
    SFMask::write(
        RFlags::INTERRUPT_FLAG
            | RFlags::TRAP_FLAG
            | RFlags::DIRECTION_FLAG
            | RFlags::ALIGNMENT_CHECK
            | RFlags::NESTED_TASK,
    );
    // SAFETY: `sysret` would load user SS from base + 8 and user CS from base + 16, which is
    // the GDT layout `gdt.rs` fixes; `syscall` loads the kernel code and data selectors.
    unsafe { Star::write_raw(USER_DATA_SELECTOR - 8 - 3, KERNEL_CODE_SELECTOR) };
}

/// Runs user code with `registers` until it makes a system call or traps.
///
/// Returns [`EXIT_SYSTEM_CALL`] or [`EXIT_TRAP`]; `registers` then holds the user state at
/// that point. The caller must have activated the user's address space. A non-canonical
/// instruction or stack pointer is never loaded: the call returns [`EXIT_TRAP`] at once with a
/// general-protection record, as the CPU would report it.
fn enter(registers: &mut UserRegisters) -> u64 {
    if !is_canonical_user(registers.rip) || !is_canonical_user(registers.rsp) {
        set_last_trap(TrapRecord {
            vector: 13,
            error_code: 0,
            fault_address: 0,
        });
        return EXIT_TRAP;
    }
    registers.rflags = (registers.rflags & USER_FLAGS) | FLAGS_RESERVED_ONE | FLAGS_INTERRUPT;
    let were_enabled = super::cpu::disable_interrupts();
    FsBase::write(VirtAddr::new_truncate(registers.fs_base));
    KernelGsBase::write(VirtAddr::new_truncate(registers.gs_base));
    // SAFETY: `registers` is a valid, exclusively borrowed register block that outlives the
    // call; interrupts are off until `iretq` turns them on in user mode; the user's address
    // space is active (caller's duty) and the kernel half is mapped in it.
    let exit = unsafe { loam_run_user(registers) };
    registers.fs_base = FsBase::read().as_u64();
    registers.gs_base = KernelGsBase::read().as_u64();
    super::cpu::restore_interrupts(were_enabled);
    exit
}

/// Runs user code until a system call or trap, and says which.
pub fn run(registers: &mut UserRegisters) -> UserExit {
    match enter(registers) {
        EXIT_SYSTEM_CALL => UserExit::SystemCall,
        _ => decode_trap(last_trap()),
    }
}

fn decode_trap(record: TrapRecord) -> UserExit {
    const PRESENT: u64 = 1 << 0;
    const WRITE: u64 = 1 << 1;
    const INSTRUCTION_FETCH: u64 = 1 << 4;
    let vector = record.vector;
    match vector {
        vectors::PAGE_FAULT => {
            let access = if record.error_code & INSTRUCTION_FETCH != 0 {
                Access::Execute
            } else if record.error_code & WRITE != 0 {
                Access::Write
            } else {
                Access::Read
            };
            UserExit::PageFault(PageFault {
                address: record.fault_address,
                access,
                is_protection_violation: record.error_code & PRESENT != 0,
            })
        }
        // Divide error, x87 and SIMD floating point.
        0 | 16 | 19 => UserExit::Exception(Exception::Arithmetic { vector }),
        6 => UserExit::Exception(Exception::IllegalInstruction { vector }),
        1 | 3 => UserExit::Exception(Exception::Breakpoint { vector }),
        17 => UserExit::Exception(Exception::Alignment { vector }),
        0..=31 => UserExit::Exception(Exception::Protection {
            vector,
            error_code: record.error_code,
        }),
        _ => UserExit::Interrupt,
    }
}

/// What ended the last run of user code with [`EXIT_TRAP`].
fn last_trap() -> TrapRecord {
    // SAFETY: a copy of a plain field; only written with interrupts off by this CPU.
    unsafe { (*PER_CPU.0.get()).last_trap }
}

fn set_last_trap(record: TrapRecord) {
    // SAFETY: as in `last_trap`; the caller runs with interrupts off or outside user mode.
    unsafe { (*PER_CPU.0.get()).last_trap = record };
}

/// Called by the trap dispatcher for a trap taken in user mode: saves the user registers from
/// `frame` and returns from `loam_run_user`.
pub(super) fn leave_after_trap(frame: &TrapFrame, fault_address: u64) -> ! {
    // SAFETY: `loam_run_user` stored a pointer to the exclusively borrowed register block of
    // the caller of `enter`, which is blocked in that call until we return to it below.
    let registers_address = unsafe { (*PER_CPU.0.get()).user_registers };
    // SAFETY: see above: the pointer is valid and nothing else refers to the block now.
    let registers = unsafe { &mut *(registers_address as *mut UserRegisters) };
    copy_frame(frame, registers);
    set_last_trap(TrapRecord {
        vector: frame.vector,
        error_code: frame.error_code,
        fault_address,
    });
    // SAFETY: the CPU took this trap in user mode while `loam_run_user` was running, so its
    // saved kernel stack pointer is valid; the trap frame and everything above it is
    // abandoned, and no destructor is pending in the dispatcher.
    unsafe { loam_leave_user_trap() }
}

fn copy_frame(frame: &TrapFrame, registers: &mut UserRegisters) {
    registers.rax = frame.rax;
    registers.rbx = frame.rbx;
    registers.rcx = frame.rcx;
    registers.rdx = frame.rdx;
    registers.rsi = frame.rsi;
    registers.rdi = frame.rdi;
    registers.rbp = frame.rbp;
    registers.rsp = frame.rsp;
    registers.r8 = frame.r8;
    registers.r9 = frame.r9;
    registers.r10 = frame.r10;
    registers.r11 = frame.r11;
    registers.r12 = frame.r12;
    registers.r13 = frame.r13;
    registers.r14 = frame.r14;
    registers.r15 = frame.r15;
    registers.rip = frame.rip;
    registers.rflags = frame.rflags;
}

/// Whether `address` is canonical and in the lower (user) half.
fn is_canonical_user(address: u64) -> bool {
    address < super::address_space::USER_SPACE_END
}
