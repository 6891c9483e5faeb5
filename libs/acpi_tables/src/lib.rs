//! ACPI table reading for power-off, from byte slices.
//!
//! The kernel finds the root pointer, walks the root table to the FADT, takes the PM1 control
//! ports from it, and finds the `\_S5_` sleep-type values in the DSDT's AML. No AML
//! interpreter: `\_S5_` is a package of constants in every firmware we boot on (QEMU's
//! included), so it can be read by matching its encoding. Every read is bounds-checked; bad
//! tables give an [`Error`], never a panic.
#![no_std]
#![forbid(unsafe_code)]

mod aml;
mod tables;

pub use aml::find_s5_sleep_types;
pub use tables::{
    Error, Fadt, Rsdp, SDT_HEADER_BYTES, SdtHeader, parse_fadt, parse_rsdp, parse_sdt_header,
    root_table_entries,
};
