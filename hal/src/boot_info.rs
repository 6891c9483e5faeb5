//! What the boot protocol told us, in arch-neutral form.
//!
//! Filled once by the arch entry code before any allocation is possible, so it uses fixed
//! capacity; the kernel receives it as `&'static BootInfo`.

use core::ops::Range;

/// Most memory-map entries kept; QEMU gives fewer than ten.
pub const MAX_MEMORY_REGIONS: usize = 128;
/// Longest command line kept (Linux's x86 `COMMAND_LINE_SIZE`); longer ones are cut with a warning.
pub const MAX_COMMAND_LINE_BYTES: usize = 2048;

/// What a range of physical memory is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryKind {
    /// Free RAM.
    Usable,
    /// Reserved by firmware or devices.
    Reserved,
    /// ACPI tables; reclaimable once parsed.
    AcpiReclaimable,
    /// ACPI non-volatile storage.
    AcpiNonVolatile,
    /// Known bad.
    Unusable,
}

/// One entry of the memory map: physical byte addresses `start..end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryRegion {
    /// The physical addresses covered.
    pub range: Range<u64>,
    /// What they are.
    pub kind: MemoryKind,
}

/// Everything the kernel needs to know about how it was booted.
#[derive(Debug)]
pub struct BootInfo {
    pub(crate) memory_regions: [Option<MemoryRegion>; MAX_MEMORY_REGIONS],
    pub(crate) command_line_bytes: [u8; MAX_COMMAND_LINE_BYTES],
    pub(crate) command_line_length: usize,
    pub(crate) initrd: Option<Range<u64>>,
    pub(crate) acpi_rsdp: Option<u64>,
}

impl BootInfo {
    pub(crate) const fn empty() -> Self {
        Self {
            memory_regions: [const { None }; MAX_MEMORY_REGIONS],
            command_line_bytes: [0; MAX_COMMAND_LINE_BYTES],
            command_line_length: 0,
            initrd: None,
            acpi_rsdp: None,
        }
    }

    /// The physical memory map, as the boot loader gave it.
    pub fn memory_regions(&self) -> impl Iterator<Item = &MemoryRegion> {
        self.memory_regions.iter().flatten()
    }

    /// The kernel command line; invalid UTF-8 is cut at the first bad byte.
    pub fn command_line(&self) -> &str {
        let bytes = &self.command_line_bytes[..self.command_line_length];
        match core::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => core::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or(""),
        }
    }

    /// Physical addresses of the initial RAM disk, if one was loaded.
    pub fn initrd(&self) -> Option<Range<u64>> {
        self.initrd.clone()
    }

    /// Physical address of the ACPI root pointer, if the firmware gave one.
    pub fn acpi_rsdp(&self) -> Option<u64> {
        self.acpi_rsdp
    }

    /// Bytes of usable RAM in the memory map.
    pub fn usable_bytes(&self) -> u64 {
        self.memory_regions()
            .filter(|region| region.kind == MemoryKind::Usable)
            .map(|region| region.range.end - region.range.start)
            .sum()
    }

    pub(crate) fn push_memory_region(&mut self, region: MemoryRegion) -> bool {
        match self.memory_regions.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => {
                *slot = Some(region);
                true
            }
            None => false,
        }
    }

    pub(crate) fn set_command_line(&mut self, bytes: &[u8]) -> bool {
        let kept = bytes.len().min(MAX_COMMAND_LINE_BYTES);
        self.command_line_bytes[..kept].copy_from_slice(&bytes[..kept]);
        self.command_line_length = kept;
        kept == bytes.len()
    }
}
