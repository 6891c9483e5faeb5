//! Copies between kernel buffers and user memory that survive bad user addresses.
//!
//! The copy is one `rep movsb` at a known address. If it page-faults, the trap dispatcher
//! sees the faulting instruction is that one ([`fixup_for`]) and resumes at a fixup label
//! that returns the count of bytes left, instead of treating the fault as a kernel bug. The
//! kernel makes the pages present before copying (demand paging is its policy), so a fault
//! here means the address is really bad, and the caller turns it into `EFAULT`.

use core::arch::global_asm;

use super::address_space::USER_SPACE_END;

global_asm!(
    r#"
    .text
    .global loam_copy_user_bytes
loam_copy_user_bytes:
    mov rcx, rdx
    .global loam_user_copy_instruction
loam_user_copy_instruction:
    rep movsb
    xor eax, eax
    ret
    .global loam_user_copy_fixup
loam_user_copy_fixup:
    mov rax, rcx
    ret
"#
);

unsafe extern "C" {
    /// Copies `length` bytes; returns the bytes not copied (0 on success).
    fn loam_copy_user_bytes(destination: *mut u8, source: *const u8, length: usize) -> usize;
    static loam_user_copy_instruction: u8;
    static loam_user_copy_fixup: u8;
}

/// The user range `address..address + length` is not entirely mapped as needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserMemoryFault;

/// Where to resume after a page fault at `instruction_pointer`, if it is the user copy.
pub(super) fn fixup_for(instruction_pointer: u64) -> Option<u64> {
    let copy = (&raw const loam_user_copy_instruction) as u64;
    (instruction_pointer == copy).then_some((&raw const loam_user_copy_fixup) as u64)
}

/// Whether `address..address + length` lies inside user space.
fn is_user_range(address: u64, length: usize) -> bool {
    address
        .checked_add(length as u64)
        .is_some_and(|end| end <= USER_SPACE_END)
}

/// Copies user memory at `source` into `destination`.
pub fn copy_from_user(source: u64, destination: &mut [u8]) -> Result<(), UserMemoryFault> {
    if !is_user_range(source, destination.len()) {
        return Err(UserMemoryFault);
    }
    // SAFETY: the destination is a valid kernel buffer of that length; the source range lies
    // in user space, which never aliases kernel memory, and a fault while reading it resumes
    // at the fixup instead of crashing.
    let left = unsafe {
        loam_copy_user_bytes(
            destination.as_mut_ptr(),
            source as *const u8,
            destination.len(),
        )
    };
    if left == 0 {
        Ok(())
    } else {
        Err(UserMemoryFault)
    }
}

/// Copies `source` into user memory at `destination`.
pub fn copy_to_user(destination: u64, source: &[u8]) -> Result<(), UserMemoryFault> {
    if !is_user_range(destination, source.len()) {
        return Err(UserMemoryFault);
    }
    // SAFETY: the source is a valid kernel buffer; the destination range lies in user space,
    // so no kernel memory is written, and a fault resumes at the fixup.
    let left =
        unsafe { loam_copy_user_bytes(destination as *mut u8, source.as_ptr(), source.len()) };
    if left == 0 {
        Ok(())
    } else {
        Err(UserMemoryFault)
    }
}
