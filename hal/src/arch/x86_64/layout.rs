//! The kernel's virtual address-space layout on x86_64 (4-level paging).
//!
//! | range | what |
//! |---|---|
//! | `0` .. `0x0000_8000_0000_0000` | user space (issue 3) |
//! | `0xffff_8000_0000_0000` .. +512 GiB | direct map of all physical memory |
//! | `0xffff_a000_0000_0000` .. +512 GiB | the kernel heap, grown page by page |
//! | `0xffff_c000_0000_0000` .. +512 GiB | kernel stacks, each below a guard page |
//! | `0xffff_ffff_8000_0000` .. | the kernel image (`-mcmodel=kernel`), physical + this base |

/// Where the linker places the kernel image: physical address + this.
pub const KERNEL_IMAGE_BASE: u64 = 0xffff_ffff_8000_0000;
/// Physical memory below this (real-mode area, firmware data) is never given out.
pub const LOW_MEMORY_END: u64 = 1 << 20;
/// Physical memory the 32-bit trampoline maps at [`KERNEL_IMAGE_BASE`] before Rust runs.
pub const BOOT_WINDOW_BYTES: u64 = 1 << 30;
/// Physical address 0 in the direct map.
pub const DIRECT_MAP_BASE: u64 = 0xffff_8000_0000_0000;
/// Largest physical address the direct map can cover (one PML4 slot).
pub const DIRECT_MAP_BYTES: u64 = 1 << 39;
/// Start of the kernel heap's address range.
pub const KERNEL_HEAP_BASE: u64 = 0xffff_a000_0000_0000;
/// End of the kernel heap's address range.
pub const KERNEL_HEAP_END: u64 = KERNEL_HEAP_BASE + (1 << 39);
/// Start of the kernel-stack area.
pub const KERNEL_STACKS_BASE: u64 = 0xffff_c000_0000_0000;
/// End of the kernel-stack area.
pub const KERNEL_STACKS_END: u64 = KERNEL_STACKS_BASE + (1 << 39);

unsafe extern "C" {
    static __kernel_phys_start: u8;
    static __boot_phys_end: u8;
    static __text_start: u8;
    static __text_end: u8;
    static __rodata_start: u8;
    static __rodata_end: u8;
    static __data_start: u8;
    static __data_end: u8;
    static boot_stack_bottom: u8;
    static boot_stack_top: u8;
}

/// Virtual address ranges of the kernel image's sections, from the linker script.
pub struct KernelSections {
    /// The identity-linked `.boot` section, as physical addresses.
    pub boot_physical: core::ops::Range<u64>,
    /// Executable code.
    pub text: core::ops::Range<u64>,
    /// Read-only data.
    pub rodata: core::ops::Range<u64>,
    /// Writable data and bss.
    pub data: core::ops::Range<u64>,
}

/// Reads the section boundaries the linker script defines.
pub fn kernel_sections() -> KernelSections {
    KernelSections {
        boot_physical: (&raw const __kernel_phys_start) as u64..(&raw const __boot_phys_end) as u64,
        text: (&raw const __text_start) as u64..(&raw const __text_end) as u64,
        rodata: (&raw const __rodata_start) as u64..(&raw const __rodata_end) as u64,
        data: (&raw const __data_start) as u64..(&raw const __data_end) as u64,
    }
}

/// Physical addresses occupied by the whole kernel image.
pub fn kernel_physical_range() -> core::ops::Range<u64> {
    let sections = kernel_sections();
    sections.boot_physical.start..sections.data.end - KERNEL_IMAGE_BASE
}

/// The boot stack, as addressed through the higher half (where it runs).
pub fn boot_stack() -> core::ops::Range<u64> {
    let bottom = (&raw const boot_stack_bottom) as u64 + KERNEL_IMAGE_BASE;
    let top = (&raw const boot_stack_top) as u64 + KERNEL_IMAGE_BASE;
    bottom..top
}
