//! Memory: brk(2), mmap(2), munmap(2), mprotect(2), mremap(2), madvise(2).
//!
//! The handlers decode arguments; the rules (Linux's errors and their order, placement,
//! overcommit) are `libs/memory_map`'s and the page work is `mm`'s. File and shared mappings
//! are not supported yet.

use errno::{Errno, Result};
use hal::memory::PAGE_SIZE;
use linux_raw_sys::general as linux;

use crate::task::process::Process;

pub fn sys_brk(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    Ok(process.memory.change_program_break(arguments[0]))
}

pub fn sys_mmap(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [address, length, protection, flags, fd, offset] = *arguments;
    // arch/x86/kernel/sys_x86_64.c: the offset must be page aligned before anything else.
    if !offset.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    let (protection, flags) = (protection as u32, flags as u32);
    // ksys_mmap_pgoff(): a file mapping needs an open descriptor first of all.
    if flags & linux::MAP_ANONYMOUS == 0 {
        process.files.get(fd as i32)?;
        log::warn!(
            "mmap: file mappings are not supported yet (fd {})",
            fd as i32
        );
        return Err(Errno::ENODEV);
    }
    let sharing = flags & linux::MAP_TYPE;
    if sharing == linux::MAP_SHARED || sharing == linux::MAP_SHARED_VALIDATE {
        log::warn!("mmap: shared mappings are not supported yet");
        return Err(Errno::ENODEV);
    }
    process
        .memory
        .map_anonymous(address, length, protection, flags)
}

pub fn sys_munmap(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    process.memory.unmap(arguments[0], arguments[1]).map(|()| 0)
}

pub fn sys_mprotect(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [address, length, protection, ..] = *arguments;
    process
        .memory
        .protect(address, length, protection as u32)
        .map(|()| 0)
}

pub fn sys_mremap(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old_address, old_length, new_length, flags, new_address, _] = *arguments;
    process.memory.remap(
        old_address,
        old_length,
        new_length,
        flags as u32,
        new_address,
    )
}

pub fn sys_madvise(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [address, length, advice, ..] = *arguments;
    process
        .memory
        .advise(address, length, advice as u32)
        .map(|()| 0)
}
