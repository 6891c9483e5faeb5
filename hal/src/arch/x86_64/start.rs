//! The first Rust code: bring the machine up, then call the kernel.
//!
//! Order matters: the console and exception handlers come first so that anything after can
//! report its failure; the clock is calibrated before paging so log timestamps are right; the
//! page tables and frame allocator must exist before the heap, and the heap before the kernel.

use core::ops::Range;

use super::{
    acpi, apic, cpu, fpu, gdt, idt, layout, paging, rtc, serial, start_info, tsc, user_mode,
};
use crate::{
    BOOT_INFO, BootInfo,
    memory::{frames, stack::KernelStack},
    time,
};

/// Called by the trampoline in `boot.rs` on the boot stack, interrupts off.
pub(super) extern "C" fn start64(start_info_physical: u64) -> ! {
    serial::init();
    gdt::init();
    idt::init();
    user_mode::init();
    fpu::init();
    tsc::calibrate();
    let mut info = BootInfo::empty();
    start_info::read(start_info_physical, &mut info);
    let info = BOOT_INFO.call_once(|| info);
    set_up_memory(info);
    let stack = KernelStack::allocate().expect("no memory for the kernel stack");
    let top = stack.top();
    // The boot stack is abandoned; the kernel stack lives for ever.
    core::mem::forget(stack);
    cpu::run_on_stack(top, continue_on_kernel_stack)
}

/// Builds the kernel page tables and starts the frame allocator with everything boot left free.
fn set_up_memory(info: &BootInfo) {
    let initrd = info.initrd().unwrap_or(0..0);
    let fixed_reservations = [
        0..layout::LOW_MEMORY_END,
        layout::kernel_physical_range(),
        initrd.clone(),
    ];
    let mut boot_frames = paging::BootFrameAllocator::new(info, &fixed_reservations);
    let metadata_bytes = frames::metadata_bytes(frames::metadata_entries(info));
    let metadata = boot_frames
        .allocate_bytes(metadata_bytes)
        .expect("no memory for frame metadata");
    paging::build_and_switch(info, &mut boot_frames);
    let reserved: [Range<u64>; 4] = [
        fixed_reservations[0].clone(),
        fixed_reservations[1].clone(),
        initrd,
        boot_frames.used(),
    ];
    frames::init(info, metadata, &reserved);
}

extern "C" fn continue_on_kernel_stack() -> ! {
    let info = crate::boot_info();
    acpi::init(info.acpi_rsdp());
    apic::init();
    let now = rtc::read();
    time::set_boot_wall_clock(time::unix_seconds(
        now.year, now.month, now.day, now.hour, now.minute, now.second,
    ));
    cpu::enable_interrupts();
    crate::entry::enter_kernel(info)
}
