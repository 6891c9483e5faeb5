//! Validation of each `PT_LOAD` header, in the order Linux's loading loop fails on it.
//!
//! Linux validates a segment while mapping it (`load_elf_binary()` and `elf_load()` in
//! `fs/binfmt_elf.c`): the file mapping fails first (`vm_mmap()` in `mm/util.c` and `do_mmap()`
//! in `mm/mmap.c`), then the explicit size checks. Those errors arrive after
//! `begin_new_exec()`, the point of no return, so on Linux the caller never sees them: the
//! process is killed with SIGSEGV (`bprm_execve()` in `fs/exec.c`). Loam validates before it
//! commits to anything and returns the same errno, so its `execve` can fail cleanly.

use errno::{Errno, Result};

use crate::{
    format::{FLAG_EXECUTE, FLAG_READ, FLAG_WRITE, ProgramHeader},
    linux::{TASK_SIZE_MAX, checked_page_align, page_offset, page_start},
    plan::ImageKind,
    segment::{Permissions, Segment},
};

/// Validates one `PT_LOAD` header of an image of `kind` in a file of `file_length` bytes.
pub fn validate_load_segment(
    header: &ProgramHeader,
    kind: ImageKind,
    file_length: u64,
) -> Result<Segment> {
    if header.file_size > 0 {
        check_file_mapping(header, kind)?;
    }
    if header.memory_size > header.file_size && kind == ImageKind::Fixed {
        check_zero_fill_mapping(header)?;
    }
    check_task_size(header)?;
    check_file_range(header, file_length)?;
    Ok(Segment {
        virtual_address: header.virtual_address,
        memory_size: header.memory_size,
        file_offset: header.file_offset,
        file_size: header.file_size,
        permissions: permissions(header.flags),
        alignment: header.alignment,
    })
}

/// `elf_map()` maps `ELF_PAGEALIGN(p_filesz + ELF_PAGEOFFSET(p_vaddr))` bytes of the file from
/// offset `p_offset - ELF_PAGEOFFSET(p_vaddr)` at `ELF_PAGESTART(p_vaddr)`.
/// - `vm_mmap()` refuses an offset that is not page-aligned, which is what a `p_offset` and
///   `p_vaddr` with different page offsets produce, and an offset + length that overflows:
///   `EINVAL`.
/// - For `ET_EXEC` the address is final, and `get_unmapped_area()` refuses a range that does not
///   fit below `TASK_SIZE`: `ENOMEM`. A relocatable image is checked when it is placed.
fn check_file_mapping(header: &ProgramHeader, kind: ImageKind) -> Result<()> {
    let address_page_offset = page_offset(header.virtual_address);
    if page_offset(header.file_offset) != address_page_offset {
        return Err(Errno::EINVAL);
    }
    let mapping_length = header
        .file_size
        .checked_add(address_page_offset)
        .and_then(checked_page_align)
        .ok_or(Errno::ENOMEM)?;
    let mapping_offset = page_start(header.file_offset);
    if mapping_offset.checked_add(mapping_length).is_none() {
        return Err(Errno::EINVAL);
    }
    if kind == ImageKind::Fixed {
        let mapping_start = page_start(header.virtual_address);
        check_fits_in_user_space(mapping_start, mapping_length)?;
    }
    Ok(())
}

/// `elf_load()` maps anonymous pages from the end of the file data up to
/// `ELF_PAGEALIGN(p_vaddr + p_memsz)` with `vm_brk_flags()`, which fails with `ENOMEM` when the
/// range overflows or does not fit below `TASK_SIZE`.
fn check_zero_fill_mapping(header: &ProgramHeader) -> Result<()> {
    let end = header
        .virtual_address
        .checked_add(header.memory_size)
        .and_then(checked_page_align)
        .ok_or(Errno::ENOMEM)?;
    if end > TASK_SIZE_MAX {
        return Err(Errno::ENOMEM);
    }
    Ok(())
}

/// The explicit check after mapping, on the unbiased `p_vaddr` even for `ET_DYN`:
/// `BAD_ADDR(p_vaddr) || p_filesz > p_memsz || p_memsz > TASK_SIZE ||
/// TASK_SIZE - p_memsz < p_vaddr` gives `EINVAL` ("set_brk can never work").
fn check_task_size(header: &ProgramHeader) -> Result<()> {
    let address = header.virtual_address;
    let memory_size = header.memory_size;
    let is_bad = address >= TASK_SIZE_MAX
        || header.file_size > memory_size
        || memory_size > TASK_SIZE_MAX
        || TASK_SIZE_MAX - memory_size < address;
    if is_bad { Err(Errno::EINVAL) } else { Ok(()) }
}

/// Loam's rule: the file data must lie inside the file, else `ENOEXEC`. Linux maps the file
/// without looking at its size, so a segment that runs past the end loads, and the process gets
/// SIGBUS when it touches a page wholly past the end (or `execve` dies with `EFAULT` when
/// `padzero()` clears a writable one). Loam copies segments eagerly and cannot defer that fault,
/// so it refuses the file as not a valid executable.
fn check_file_range(header: &ProgramHeader, file_length: u64) -> Result<()> {
    match header.file_offset.checked_add(header.file_size) {
        Some(end) if end <= file_length => Ok(()),
        _ => Err(Errno::ENOEXEC),
    }
}

/// `[start, start + length)` lies below `TASK_SIZE`, else `ENOMEM` as `get_unmapped_area()`.
fn check_fits_in_user_space(start: u64, length: u64) -> Result<()> {
    match start.checked_add(length) {
        Some(end) if end <= TASK_SIZE_MAX => Ok(()),
        _ => Err(Errno::ENOMEM),
    }
}

fn permissions(flags: u32) -> Permissions {
    Permissions {
        is_readable: flags & FLAG_READ != 0,
        is_writable: flags & FLAG_WRITE != 0,
        is_executable: flags & FLAG_EXECUTE != 0,
    }
}

/// Loam's rule: `PT_LOAD` segments are sorted by start address, as the System V gABI requires
/// ("loadable segment entries in the program header table appear in ascending order, sorted on
/// the p_vaddr member"). Linux does not check; breaking the rule is `EINVAL`, the errno Linux
/// uses for segments it cannot lay out. Segments may overlap, as in Linux, which maps later
/// segments with `MAP_FIXED` over earlier ones: the later one's data and pages win.
pub fn check_follows(previous: Option<&Segment>, segment: &Segment) -> Result<()> {
    match previous {
        Some(previous) if previous.virtual_address > segment.virtual_address => Err(Errno::EINVAL),
        _ => Ok(()),
    }
}
