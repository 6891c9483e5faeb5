//! Page protections (`PROT_*`), access kinds and the page-fault verdict.
//!
//! The access rules follow `arch/x86/mm/fault.c: access_error()`: a write needs a writable
//! area, an instruction fetch an executable one, and a read any accessible area (x86 page tables
//! cannot express write-only or execute-only pages, so Linux lets them be read).

use linux_raw_sys::general::{PROT_EXEC, PROT_READ, PROT_WRITE};

/// What an area's pages allow. `PROT_NONE` is all `false`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Protection {
    /// `PROT_READ`.
    pub is_readable: bool,
    /// `PROT_WRITE`.
    pub is_writable: bool,
    /// `PROT_EXEC`.
    pub is_executable: bool,
}

impl Protection {
    /// `PROT_NONE`: every access faults.
    pub const NONE: Protection = Protection::with(false, false, false);
    /// `PROT_READ`.
    pub const READ: Protection = Protection::with(true, false, false);
    /// `PROT_READ | PROT_WRITE`: data, heap and stack.
    pub const READ_WRITE: Protection = Protection::with(true, true, false);
    /// `PROT_READ | PROT_EXEC`: program text.
    pub const READ_EXECUTE: Protection = Protection::with(true, false, true);
    /// `PROT_READ | PROT_WRITE | PROT_EXEC`.
    pub const READ_WRITE_EXECUTE: Protection = Protection::with(true, true, true);

    const fn with(is_readable: bool, is_writable: bool, is_executable: bool) -> Protection {
        Protection {
            is_readable,
            is_writable,
            is_executable,
        }
    }

    /// The protection in a `prot` word. Other bits are ignored, as `mmap(2)` does
    /// (`include/linux/mman.h: calc_vm_prot_bits()`); `mprotect` validates them first.
    pub const fn from_linux(prot: u32) -> Protection {
        Protection::with(
            prot & PROT_READ != 0,
            prot & PROT_WRITE != 0,
            prot & PROT_EXEC != 0,
        )
    }

    /// The `PROT_*` word, for `/proc/self/maps` and tests.
    pub const fn to_linux(self) -> u32 {
        let mut prot = 0;
        if self.is_readable {
            prot |= PROT_READ;
        }
        if self.is_writable {
            prot |= PROT_WRITE;
        }
        if self.is_executable {
            prot |= PROT_EXEC;
        }
        prot
    }

    /// Whether any access at all is allowed: Linux's `vma_is_accessible()`.
    pub const fn is_accessible(self) -> bool {
        self.is_readable || self.is_writable || self.is_executable
    }

    /// Whether an access of this kind succeeds on x86_64 (see the module comment).
    pub const fn permits(self, access: Access) -> bool {
        match access {
            Access::Read => self.is_accessible(),
            Access::Write => self.is_writable,
            Access::Execute => self.is_executable,
        }
    }
}

/// The kind of memory access that faulted or that a user copy is about to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// A load, or a copy from user memory.
    Read,
    /// A store, or a copy to user memory.
    Write,
    /// An instruction fetch.
    Execute,
}

/// Why an access cannot be satisfied; the kernel turns it into `SIGSEGV` (or `EFAULT` for a
/// user copy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// No area covers the address: `SEGV_MAPERR`.
    NotMapped,
    /// An area covers the address but its protection forbids the access: `SEGV_ACCERR`.
    AccessDenied,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_linux_round_trips_and_ignores_other_bits() {
        for prot in 0..8 {
            assert_eq!(Protection::from_linux(prot).to_linux(), prot);
        }
        assert_eq!(Protection::from_linux(0x8 | 0x0100_0000), Protection::NONE);
    }

    #[test]
    fn reads_are_allowed_wherever_any_access_is() {
        let write_only = Protection::from_linux(PROT_WRITE);
        let execute_only = Protection::from_linux(PROT_EXEC);
        assert!(write_only.permits(Access::Read));
        assert!(execute_only.permits(Access::Read));
        assert!(!execute_only.permits(Access::Write));
        assert!(!Protection::READ.permits(Access::Execute));
        assert!(!Protection::NONE.permits(Access::Read));
    }
}
