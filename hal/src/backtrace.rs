//! Frame-pointer backtraces for fault and panic reports.
//!
//! The kernel is built with frame pointers, so each frame starts with the caller's frame
//! pointer and the return address. The walk only follows pointers that stay inside the one
//! kernel stack it started on, so a corrupt chain ends the trace instead of faulting again.
//! Each frame shows its address and, when the kernel's symbol table names it, the function and
//! offset (`#1  0xffffffff80212345 kernel::fs::open+0x1c`); the walk allocates nothing.

use core::{fmt, ops::Range};

use crate::{
    arch,
    memory::stack,
    symbols::{self, CodeAddress},
};

const MAX_FRAMES: usize = 32;

/// Writes `pc` and the return addresses reachable from `frame_pointer`.
pub fn write(out: &mut dyn fmt::Write, pc: u64, frame_pointer: u64) -> fmt::Result {
    writeln!(out, "backtrace:")?;
    write_frame(out, 0, CodeAddress::Instruction(pc))?;
    let Some(bounds) = stack_bounds(frame_pointer) else {
        return writeln!(
            out,
            "  (frame pointer {frame_pointer:#x} is not on a kernel stack)"
        );
    };
    let mut frame = frame_pointer;
    for depth in 1..MAX_FRAMES {
        if !frame.is_multiple_of(8) || frame < bounds.start || frame.saturating_add(16) > bounds.end
        {
            break;
        }
        let frame_pointer_slot = frame as *const u64;
        // SAFETY: `frame` lies inside `bounds`, a mapped kernel stack, and is 8-byte aligned;
        // reading a stale stack word is harmless.
        let caller_frame = unsafe { frame_pointer_slot.read_volatile() };
        // SAFETY: as above for `frame + 8`, which is below `bounds.end`.
        let return_address = unsafe { frame_pointer_slot.wrapping_add(1).read_volatile() };
        if return_address == 0 {
            break;
        }
        write_frame(out, depth, CodeAddress::ReturnAddress(return_address))?;
        if caller_frame <= frame {
            break;
        }
        frame = caller_frame;
    }
    Ok(())
}

/// One backtrace line: depth, address, and the function when the symbol table names it.
fn write_frame(out: &mut dyn fmt::Write, depth: usize, code: CodeAddress) -> fmt::Result {
    write!(out, "  #{depth:<2} {:#018x}", code.address())?;
    if let Some(location) = symbols::lookup(code) {
        write!(out, " {location}")?;
    }
    writeln!(out)
}

/// The stack holding `address`, if it is a kernel stack known to be mapped.
fn stack_bounds(address: u64) -> Option<Range<u64>> {
    let known = [arch::layout::boot_stack(), arch::gdt::double_fault_stack()];
    if let Some(range) = known.into_iter().find(|range| range.contains(&address)) {
        return Some(range);
    }
    let range = stack::slot_stack_range(address)?;
    let is_mapped = arch::paging::is_kernel_address_mapped(address) == Some(true);
    is_mapped.then_some(range)
}
