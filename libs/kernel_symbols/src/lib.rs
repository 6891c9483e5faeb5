//! The kernel's embedded symbol table: names for code addresses in fault reports.
//!
//! xtask reads the function symbols of the linked kernel ELF, [`encode`]s them, and writes the
//! bytes into a region the linker script reserves inside the image. At run time hal hands that
//! region to [`SymbolTable::parse`] and asks [`SymbolTable::lookup`] which function an address
//! lies in, so a backtrace reads `kernel::fs::open+0x1c` on a bare QEMU run, as Linux's
//! kallsyms does (`kernel/kallsyms.c`).
//!
//! Design principles:
//! - **One format, one crate.** The encoder and the decoder live side by side and are tested
//!   against each other on the host; the layout is described once, in `format.rs`.
//! - **Lookup never allocates and never panics.** It runs inside fault reports, where the heap
//!   or the stack may be what broke. Every length and offset read from the table is checked, so
//!   a missing or corrupt table yields "no name", never a fault.
//! - **Policy stays with the caller.** Which symbols to keep, how to name them (demangling) and
//!   how big a zero-sized assembly label is are xtask's decisions; this crate stores and finds.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod encode;
mod format;
mod lookup;
#[cfg(test)]
mod tests;

pub use encode::{EncodeError, Symbol, encode};
pub use format::{MAGIC, MAX_NAME_BYTES};
pub use lookup::{Location, SymbolTable, TableError};
