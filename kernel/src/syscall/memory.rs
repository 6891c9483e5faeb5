//! Memory: brk(2), mmap(2), munmap(2), mprotect(2), madvise(2).
//!
//! Anonymous private mappings only for now; file mappings, `mremap` and Linux's exact area
//! merging arrive with the `memory_map` library (see docs/memory.md).

use errno::{Errno, Result};
use hal::memory::PAGE_SIZE;
use linux_raw_sys::general as linux;

use crate::{exec::image_layout, mm::process_memory::Protection, task::process::Process};

/// Linux's default `vm.mmap_min_addr`: nothing is mapped below it.
const MMAP_MIN_ADDRESS: u64 = 0x1_0000;

fn protection(bits: u64) -> Result<Protection> {
    let known = u64::from(linux::PROT_READ | linux::PROT_WRITE | linux::PROT_EXEC);
    if bits & !known != 0 {
        return Err(Errno::EINVAL);
    }
    Ok(Protection {
        is_readable: bits & u64::from(linux::PROT_READ) != 0,
        is_writable: bits & u64::from(linux::PROT_WRITE) != 0,
        is_executable: bits & u64::from(linux::PROT_EXEC) != 0,
    })
}

/// `address..address + length` rounded out to pages; `EINVAL` for an unaligned address or an
/// empty length, `ENOMEM` beyond user space.
fn page_range(address: u64, length: u64) -> Result<core::ops::Range<u64>> {
    if !address.is_multiple_of(PAGE_SIZE) || length == 0 {
        return Err(Errno::EINVAL);
    }
    let end = address
        .checked_add(length)
        .and_then(|end| end.checked_next_multiple_of(PAGE_SIZE))
        .ok_or(Errno::ENOMEM)?;
    if end > image_layout::STACK_TOP {
        return Err(Errno::ENOMEM);
    }
    Ok(address..end)
}

pub fn sys_brk(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    Ok(process.memory.change_program_break(arguments[0]))
}

pub fn sys_mmap(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [address, length, protection_bits, flags, fd, offset] = *arguments;
    let flags = flags as u32;
    let protection = protection(protection_bits)?;
    let sharing = flags & (linux::MAP_SHARED | linux::MAP_PRIVATE | linux::MAP_SHARED_VALIDATE);
    if sharing != linux::MAP_PRIVATE {
        if sharing == linux::MAP_SHARED || sharing == linux::MAP_SHARED_VALIDATE {
            log::warn!("mmap: shared mappings are not supported yet");
            return Err(Errno::ENODEV);
        }
        return Err(Errno::EINVAL);
    }
    if length == 0 {
        return Err(Errno::EINVAL);
    }
    if flags & linux::MAP_ANONYMOUS == 0 {
        log::warn!(
            "mmap: file mappings are not supported yet (fd {})",
            fd as i32
        );
        return Err(Errno::ENODEV);
    }
    if !offset.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    let length = length
        .checked_next_multiple_of(PAGE_SIZE)
        .ok_or(Errno::ENOMEM)?;
    let start = place(process, address, length, flags)?;
    process.memory.add_area(start..start + length, protection)?;
    Ok(start)
}

/// Chooses where a new mapping goes, per mmap(2)'s `MAP_FIXED`, `MAP_FIXED_NOREPLACE` and hint
/// rules.
fn place(process: &mut Process, address: u64, length: u64, flags: u32) -> Result<u64> {
    let is_fixed = flags & (linux::MAP_FIXED | linux::MAP_FIXED_NOREPLACE) != 0;
    if is_fixed {
        let range = page_range(address, length)?;
        if range.start < MMAP_MIN_ADDRESS {
            return Err(Errno::EPERM);
        }
        if process.memory.is_mapped(&range) {
            if flags & linux::MAP_FIXED_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            process.memory.unmap_range(range.clone());
        }
        return Ok(range.start);
    }
    let hint = address & !(PAGE_SIZE - 1);
    if hint >= MMAP_MIN_ADDRESS
        && let Ok(range) = page_range(hint, length)
        && !process.memory.is_mapped(&range)
    {
        return Ok(hint);
    }
    process
        .memory
        .find_free(length, MMAP_MIN_ADDRESS, image_layout::MMAP_BASE)
        .ok_or(Errno::ENOMEM)
}

pub fn sys_munmap(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let range = page_range(arguments[0], arguments[1]).map_err(|_| Errno::EINVAL)?;
    process.memory.unmap_range(range);
    Ok(0)
}

pub fn sys_mprotect(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [address, length, bits, ..] = *arguments;
    let protection = protection(bits)?;
    if !address.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    if length == 0 {
        return Ok(0);
    }
    let range = page_range(address, length)?;
    process.memory.protect(range, protection).map(|()| 0)
}

/// madvise(2): `MADV_DONTNEED` drops the pages (they read as zero again); the other advice
/// Linux accepts is taken and ignored.
pub fn sys_madvise(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [address, length, advice, ..] = *arguments;
    if !address.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    if length == 0 {
        return Ok(0);
    }
    let range = page_range(address, length)?;
    match advice as u32 {
        linux::MADV_DONTNEED | linux::MADV_FREE => {
            process.memory.discard_pages(range);
            Ok(0)
        }
        linux::MADV_NORMAL
        | linux::MADV_RANDOM
        | linux::MADV_SEQUENTIAL
        | linux::MADV_WILLNEED
        | linux::MADV_HUGEPAGE
        | linux::MADV_NOHUGEPAGE
        | linux::MADV_DONTDUMP
        | linux::MADV_DODUMP => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}
