//! ACPI power-off: PM1 control ports from the FADT and `\_S5_` from the DSDT.
//!
//! The tables are read through the direct map at boot (the parsing is in `libs/acpi_tables`);
//! power-off then writes `SLP_TYPx | SLP_EN` to the PM1 control registers.

use acpi_tables::{SDT_HEADER_BYTES, parse_fadt, parse_rsdp, parse_sdt_header, root_table_entries};
use spin::Once;
use x86_64::instructions::port::Port;

use crate::memory::direct_map::{self, physical_to_virtual};

/// Largest table read (QEMU's DSDT is about 8 KiB); a bigger length field means corruption.
const MAX_TABLE_BYTES: u32 = 1 << 20;
const RSDP_BYTES: usize = 36;
const SLEEP_ENABLE: u16 = 1 << 13;

/// What power-off needs, found at boot.
#[derive(Clone, Copy, Debug)]
pub struct SoftOff {
    pm1a_control_port: u16,
    pm1b_control_port: Option<u16>,
    sleep_type_a: u8,
    sleep_type_b: u8,
}

static SOFT_OFF: Once<Option<SoftOff>> = Once::new();

/// Reads the tables from the root pointer at `rsdp_physical`; logs why if power-off will not work.
pub fn init(rsdp_physical: Option<u64>) {
    SOFT_OFF.call_once(|| {
        let found = rsdp_physical
            .ok_or("no ACPI root pointer from the boot loader")
            .and_then(find_soft_off);
        found
            .inspect_err(|reason| {
                crate::boot_messages::warn(format_args!("acpi: power-off unavailable: {reason}"));
            })
            .ok()
    });
}

/// Enters ACPI S5 (soft off); returns only if that is impossible.
pub fn power_off() {
    let Some(Some(soft_off)) = SOFT_OFF.get() else {
        return;
    };
    let write = |port: u16, sleep_type: u8| {
        let value = u16::from(sleep_type & 0x7) << 10 | SLEEP_ENABLE;
        // SAFETY: the port is the PM1 control register the FADT names; writing SLP_EN only
        // asks the chipset to power off. No memory is touched.
        unsafe { Port::<u16>::new(port).write(value) };
    };
    write(soft_off.pm1a_control_port, soft_off.sleep_type_a);
    if let Some(port) = soft_off.pm1b_control_port {
        write(port, soft_off.sleep_type_b);
    }
}

fn find_soft_off(rsdp_physical: u64) -> Result<SoftOff, &'static str> {
    let rsdp =
        parse_rsdp(physical_bytes(rsdp_physical, RSDP_BYTES)?).map_err(|_| "bad root pointer")?;
    let (root, is_xsdt) = match rsdp.xsdt_address {
        Some(xsdt) => (xsdt, true),
        None => (u64::from(rsdp.rsdt_address), false),
    };
    let root_table = table_bytes(root)?;
    let fadt_address = root_table_entries(root_table, is_xsdt)
        .map_err(|_| "bad root table")?
        .find(|&address| table_bytes(address).is_ok_and(|table| table.starts_with(b"FACP")))
        .ok_or("no FADT")?;
    let fadt = parse_fadt(table_bytes(fadt_address)?).map_err(|_| "bad FADT")?;
    let dsdt = table_bytes(fadt.dsdt_address)?;
    let (sleep_type_a, sleep_type_b) = acpi_tables::find_s5_sleep_types(&dsdt[SDT_HEADER_BYTES..])
        .ok_or("no \\_S5_ in the DSDT")?;
    let port = |value: u32| u16::try_from(value).map_err(|_| "PM1 control port above 0xffff");
    Ok(SoftOff {
        pm1a_control_port: port(fadt.pm1a_control_port)?,
        pm1b_control_port: fadt.pm1b_control_port.map(port).transpose()?,
        sleep_type_a,
        sleep_type_b,
    })
}

/// A whole table at `physical`, sized by its header.
fn table_bytes(physical: u64) -> Result<&'static [u8], &'static str> {
    let header = parse_sdt_header(physical_bytes(physical, SDT_HEADER_BYTES)?)
        .map_err(|_| "bad table header")?;
    if header.length > MAX_TABLE_BYTES {
        return Err("table length implausibly large");
    }
    physical_bytes(physical, header.length as usize)
}

/// `length` bytes of firmware memory at `physical`, if the direct map covers them.
fn physical_bytes(physical: u64, length: usize) -> Result<&'static [u8], &'static str> {
    let end = physical
        .checked_add(length as u64)
        .ok_or("table address overflows")?;
    if !direct_map::covers(&(physical..end)) {
        return Err("table lies outside the direct map");
    }
    // SAFETY: ACPI tables live in firmware-reserved or ACPI memory that the frame allocator
    // never hands out and nothing writes; the range was just checked to be in the direct map.
    Ok(unsafe { core::slice::from_raw_parts(physical_to_virtual(physical), length) })
}
