//! Reading the `PT_INTERP` path with the checks `load_elf_binary()` makes before opening it.

use alloc::vec::Vec;

use errno::{Errno, Result};

use crate::{
    file_header::is_elf,
    format::{MACHINE_X86_64, ProgramHeader, SEGMENT_INTERPRETER, read_u16},
    linux::PATH_MAX,
};

/// `sizeof(struct elf64_hdr)`.
const FILE_HEADER_BYTES: usize = 64;
/// Where `e_machine` is in the file header.
const MACHINE_OFFSET: usize = 18;

/// The checks `load_elf_binary()` makes on the interpreter's file header before its point of
/// no return: a file shorter than the header is `EIO` (a short `elf_read()`), one without the
/// ELF magic or for another machine `ELIBBAD`.
pub fn check_interpreter_header(file: &[u8]) -> Result<()> {
    if file.len() < FILE_HEADER_BYTES {
        return Err(Errno::EIO);
    }
    if !is_elf(file) || read_u16(file, MACHINE_OFFSET) != Some(MACHINE_X86_64) {
        return Err(Errno::ELIBBAD);
    }
    Ok(())
}

/// The interpreter path of the first `PT_INTERP` header (Linux stops at the first one), without
/// its terminating NUL and cut at the first NUL inside it, since `open_exec()` takes a C string.
/// Linux's checks, in its order (`fs/binfmt_elf.c`):
/// - `p_filesz > PATH_MAX || p_filesz < 2`: `ENOEXEC`;
/// - the read (`elf_read()`): a file position past `i64::MAX` is `EINVAL`, as `rw_verify_area()`
///   refuses negative `loff_t`; a short read past the end of the file is `EIO`;
/// - the last byte is not NUL: `ENOEXEC`.
pub fn read_interpreter(file: &[u8], headers: &[ProgramHeader]) -> Result<Option<Vec<u8>>> {
    let Some(header) = headers
        .iter()
        .find(|header| header.segment_type == SEGMENT_INTERPRETER)
    else {
        return Ok(None);
    };
    if header.file_size > PATH_MAX || header.file_size < 2 {
        return Err(Errno::ENOEXEC);
    }
    let bytes = read_at(file, header.file_offset, header.file_size)?;
    let Some((&last, path)) = bytes.split_last() else {
        return Err(Errno::ENOEXEC);
    };
    if last != 0 {
        return Err(Errno::ENOEXEC);
    }
    let path = path.split(|&byte| byte == 0).next().unwrap_or(path);
    let mut owned = Vec::new();
    owned
        .try_reserve_exact(path.len())
        .map_err(|_| Errno::ENOMEM)?;
    owned.extend_from_slice(path);
    Ok(Some(owned))
}

/// `kernel_read()` of `length` bytes at `offset`, with its errors.
fn read_at(file: &[u8], offset: u64, length: u64) -> Result<&[u8]> {
    let end = offset.checked_add(length).ok_or(Errno::EINVAL)?;
    if end > i64::MAX as u64 {
        return Err(Errno::EINVAL);
    }
    let start = usize::try_from(offset).map_err(|_| Errno::EIO)?;
    let end = usize::try_from(end).map_err(|_| Errno::EIO)?;
    file.get(start..end).ok_or(Errno::EIO)
}
