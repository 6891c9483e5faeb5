//! x86_64: PVH boot, 4-level paging, xAPIC, 16550 console, ACPI power-off.

pub mod acpi;
pub mod address_space;
pub mod apic;
mod boot;
pub mod cpu;
pub mod debug_exit;
pub mod fpu;
pub mod gdt;
mod idt;
pub mod interrupt_vectors;
pub mod layout;
pub mod paging;
pub mod rtc;
pub mod serial;
mod start;
mod start_info;
pub mod trap;
pub mod tsc;
pub mod user_copy;
pub mod user_mode;
