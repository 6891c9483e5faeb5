//! Reads Xen's `hvm_start_info` (the PVH boot structure) into a [`BootInfo`].

use core::{alloc::Layout, ptr};

use pvh::start_info::{
    MemmapType,
    reader::{MemMap, StartInfoReader},
};

use super::layout::{BOOT_WINDOW_BYTES, KERNEL_IMAGE_BASE};
use crate::boot_info::{BootInfo, MemoryKind, MemoryRegion};

/// The first 1 GiB of physical memory as the boot page tables map it at the kernel base.
struct BootWindow;

impl MemMap for BootWindow {
    fn ptr(&self, physical: usize, layout: Layout) -> *const u8 {
        let end = physical.checked_add(layout.size());
        if end.is_none_or(|end| end as u64 > BOOT_WINDOW_BYTES)
            || !physical.is_multiple_of(layout.align())
        {
            return ptr::null();
        }
        ptr::with_exposed_provenance(KERNEL_IMAGE_BASE as usize + physical)
    }
}

/// Copies what the kernel needs out of the start-info structure at `physical_address`.
pub fn read(physical_address: u64, info: &mut BootInfo) {
    let Ok(address) = u32::try_from(physical_address) else {
        panic!("PVH start info above 4 GiB at {physical_address:#x}");
    };
    // SAFETY: the PVH loader passed this address in ebx; the structures it points to lie in
    // RAM it reserved for us, readable through the boot window, and nothing writes them.
    let Some(reader) = (unsafe { StartInfoReader::from_paddr(address, BootWindow) }) else {
        panic!("bad PVH start info at {physical_address:#x} (wrong magic or unmapped)");
    };
    for entry in reader.memmap() {
        let region = MemoryRegion {
            range: entry.addr..entry.addr.saturating_add(entry.size),
            kind: memory_kind(entry.ty()),
        };
        if !info.push_memory_region(region) {
            crate::boot_messages::warn(format_args!(
                "boot: memory map has more than {} entries; rest ignored",
                crate::boot_info::MAX_MEMORY_REGIONS
            ));
            break;
        }
    }
    if let Some(command_line) = reader.cmdline()
        && !info.set_command_line(command_line.to_bytes())
    {
        crate::boot_messages::warn(format_args!(
            "boot: command line longer than {} bytes was cut",
            crate::boot_info::MAX_COMMAND_LINE_BYTES
        ));
    }
    info.initrd = reader.modlist().next().map(|module| {
        let raw = module.raw();
        raw.paddr..raw.paddr.saturating_add(raw.size)
    });
    info.acpi_rsdp = Some(reader.raw().rsdp_paddr).filter(|&address| address != 0);
}

fn memory_kind(kind: MemmapType) -> MemoryKind {
    match kind {
        MemmapType::Ram => MemoryKind::Usable,
        MemmapType::Acpi => MemoryKind::AcpiReclaimable,
        MemmapType::Nvs => MemoryKind::AcpiNonVolatile,
        MemmapType::Unusable => MemoryKind::Unusable,
        _ => MemoryKind::Reserved,
    }
}
