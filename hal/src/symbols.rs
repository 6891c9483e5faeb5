//! The kernel's own symbol table, so fault reports name functions (`kernel::fs::open+0x1c`).
//!
//! Every arch's linker script reserves a read-only region between `__kernel_symbols_start` and
//! `__kernel_symbols_end`, and xtask writes the kernel's function symbols into it after linking
//! (format and lookup in `libs/kernel_symbols`). A kernel linked without xtask (a plain
//! `cargo build`) holds zeros there: lookups find nothing and reports show raw addresses.
//!
//! Lookups allocate nothing, take no lock and check every offset they read, because they run
//! inside fault and panic reports, where the heap, a lock or the table itself may be broken.

use core::fmt;

use kernel_symbols::{Location, SymbolTable};

unsafe extern "C" {
    static __kernel_symbols_start: u8;
    static __kernel_symbols_end: u8;
}

/// A code address, and so how to look it up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeAddress {
    /// The address of an instruction: a faulting RIP, the current program counter.
    Instruction(u64),
    /// A return address read from a stack frame: the call lies just before it.
    ReturnAddress(u64),
}

impl CodeAddress {
    pub fn address(self) -> u64 {
        match self {
            CodeAddress::Instruction(address) | CodeAddress::ReturnAddress(address) => address,
        }
    }
}

/// The function containing `code` and the offset into it, if the kernel's table names one.
pub fn lookup(code: CodeAddress) -> Option<Location<'static>> {
    let table = SymbolTable::parse(region()).ok()?;
    match code {
        CodeAddress::Instruction(address) => table.lookup(address),
        CodeAddress::ReturnAddress(address) => table.lookup_return_address(address),
    }
}

/// Displays a code address as `name+0x1c`, or as the bare address when no function is known.
#[derive(Clone, Copy, Debug)]
pub struct Symbolized(pub CodeAddress);

impl fmt::Display for Symbolized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match lookup(self.0) {
            Some(location) => write!(f, "{location}"),
            None => write!(f, "{:#x}", self.0.address()),
        }
    }
}

/// The bytes the linker script reserved for the table.
fn region() -> &'static [u8] {
    let start = &raw const __kernel_symbols_start;
    let end = &raw const __kernel_symbols_end;
    let length = (end as usize).saturating_sub(start as usize);
    // SAFETY: the linker script reserves `length` bytes from `__kernel_symbols_start` in the
    // kernel image's read-only data. They are file-backed (PROGBITS), so the loader places them
    // with the image; they stay mapped while the kernel runs; and nothing writes them at run
    // time (xtask fills them in the file before boot). The compiler knows nothing of their
    // contents, since they are reached only through these extern symbols.
    unsafe { core::slice::from_raw_parts(start, length) }
}
