//! Selects the architecture once for the whole crate.
//!
//! Every arch module exports the same names: `cpu` (interrupt flag, halting, frame pointer,
//! stack switching), `serial` (console UART), `layout` (address-space layout), `paging`
//! (kernel mappings), `acpi` or its equivalent `power_off`, `debug_exit`, `tsc`-style
//! clocks, and the boot entry that fills [`crate::BootInfo`] and calls the kernel.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use self::x86_64::*;
