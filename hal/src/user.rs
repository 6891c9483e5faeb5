//! User mode, arch-neutral: address spaces, running user code, and checked user-memory copy.
//!
//! The kernel keeps one [`UserContext`] per thread and calls [`UserContext::run`] in a loop:
//! each call runs user code until it makes a system call or traps, and says which
//! ([`UserExit`]). Everything the kernel decides (which syscall handler, which signal, whether a
//! page fault is demand paging or SIGSEGV) happens between two calls. User memory is only read
//! and written through [`copy_from_user`] and [`copy_to_user`], which check the range and turn
//! a fault into [`UserMemoryFault`] (the kernel's `EFAULT`).

use crate::arch::user_mode;
pub use crate::arch::{
    address_space::{AddressSpace, MapError, USER_SPACE_END},
    fpu::FpuState,
    user_copy::{UserMemoryFault, copy_from_user, copy_to_user},
    user_mode::UserRegisters,
};

/// Why user code stopped running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserExit {
    /// It asked for a system call: see [`UserContext::system_call`].
    SystemCall,
    /// It touched memory it may not, or that is not there yet.
    PageFault(PageFault),
    /// A processor exception other than a page fault.
    Exception(Exception),
    /// A device or timer interrupt arrived; the kernel may reschedule, then run it again.
    Interrupt,
}

/// A user page fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageFault {
    /// The address accessed.
    pub address: u64,
    /// What kind of access faulted.
    pub access: Access,
    /// The page was present, so the access broke its permissions (else: nothing is mapped).
    pub is_protection_violation: bool,
}

/// A kind of memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Execute,
}

/// A processor exception in user mode, by the Linux signal it usually becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    /// Division by zero or overflow, x87 or SIMD floating-point errors (`SIGFPE`).
    Arithmetic { vector: u64 },
    /// An undefined or privileged instruction (`SIGILL`).
    IllegalInstruction { vector: u64 },
    /// A breakpoint or single step (`SIGTRAP`).
    Breakpoint { vector: u64 },
    /// An alignment check (`SIGBUS`).
    Alignment { vector: u64 },
    /// General protection and everything else (`SIGSEGV`).
    Protection { vector: u64, error_code: u64 },
}

/// A system call's number and its six arguments, as the arch ABI passes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemCall {
    pub number: u64,
    pub arguments: [u64; 6],
}

/// The user-mode state of one thread.
#[derive(Clone, Debug, Default)]
pub struct UserContext {
    registers: UserRegisters,
}

impl UserContext {
    /// A context that starts at `entry` with the stack pointer `stack_pointer` and every
    /// other register zero, as Linux starts a new program.
    pub fn new(entry: u64, stack_pointer: u64) -> Self {
        Self {
            registers: UserRegisters::new_program(entry, stack_pointer),
        }
    }

    /// Runs user code until it makes a system call or traps. The thread's address space
    /// must be active.
    pub fn run(&mut self) -> UserExit {
        user_mode::run(&mut self.registers)
    }

    /// The system call user code asked for (valid after [`UserExit::SystemCall`]).
    pub fn system_call(&self) -> SystemCall {
        self.registers.system_call()
    }

    /// Sets the value the system call returns to user code.
    pub fn set_return_value(&mut self, value: u64) {
        self.registers.set_return_value(value);
    }

    /// Where user code resumes.
    pub fn instruction_pointer(&self) -> u64 {
        self.registers.instruction_pointer()
    }

    /// The user stack pointer.
    pub fn stack_pointer(&self) -> u64 {
        self.registers.stack_pointer()
    }

    /// The thread pointer (TLS base).
    pub fn thread_pointer(&self) -> u64 {
        self.registers.thread_pointer()
    }

    /// Sets the thread pointer.
    pub fn set_thread_pointer(&mut self, value: u64) {
        self.registers.set_thread_pointer(value);
    }

    /// The arch's full register set, for arch-specific system calls and signal frames.
    pub fn registers(&self) -> &UserRegisters {
        &self.registers
    }

    /// The arch's full register set, writable.
    pub fn registers_mut(&mut self) -> &mut UserRegisters {
        &mut self.registers
    }
}
