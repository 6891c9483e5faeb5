//! Reading, writing and managing file descriptors: read(2), write(2), readv(2), lseek(2),
//! close(2), dup(2), fcntl(2), ioctl(2).

use errno::{Errno, Result};
use linux_raw_sys::{general as linux, ioctl};

use super::user_memory::{read_bytes_partially, read_u64, write_bytes, write_bytes_partially};
use crate::{
    fs::{device::IoctlReply, fd_table::CloseOnExec, file::OpenFile},
    task::process::Process,
};

/// Linux caps one read or write at `MAX_RW_COUNT` (`INT_MAX & PAGE_MASK`).
const MAX_TRANSFER_BYTES: u64 = 0x7fff_f000;
/// `UIO_MAXIOV`.
const MAX_IO_VECTORS: u64 = 1024;

/// Reads through `file` into user memory at `buffer`.
fn read_to_user(
    process: &mut Process,
    file: &OpenFile,
    offset: Option<u64>,
    buffer: u64,
    count: u64,
) -> Result<u64> {
    let length = count.min(MAX_TRANSFER_BYTES) as usize;
    let mut delivered = 0u64;
    let mut deliver = |bytes: &[u8]| {
        let destination = buffer.checked_add(delivered).ok_or(Errno::EFAULT)?;
        let copied = write_bytes_partially(process, destination, bytes)?;
        delivered += copied as u64;
        Ok(copied)
    };
    let read = match offset {
        None => file.read(length, &mut deliver)?,
        Some(offset) => file.read_at(offset, length, &mut deliver)?,
    };
    Ok(read as u64)
}

/// Writes user memory at `buffer` through `file`.
fn write_from_user(
    process: &mut Process,
    file: &OpenFile,
    offset: Option<u64>,
    buffer: u64,
    count: u64,
) -> Result<u64> {
    let length = count.min(MAX_TRANSFER_BYTES) as usize;
    let mut fetched = 0u64;
    let mut fetch = |bytes: &mut [u8]| {
        let source = buffer.checked_add(fetched).ok_or(Errno::EFAULT)?;
        let copied = read_bytes_partially(process, source, bytes)?;
        fetched += copied as u64;
        Ok(copied)
    };
    let written = match offset {
        None => file.write(length, &mut fetch)?,
        Some(offset) => file.write_at(offset, length, &mut fetch)?,
    };
    Ok(written as u64)
}

/// A `pread64`/`pwrite64` offset: negative ones are `EINVAL`.
fn positional_offset(offset: u64) -> Result<u64> {
    i64::try_from(offset).map_err(|_| Errno::EINVAL)?;
    Ok(offset)
}

pub fn sys_read(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    read_to_user(process, &file, None, buffer, count)
}

pub fn sys_write(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    write_from_user(process, &file, None, buffer, count)
}

pub fn sys_pread64(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, offset, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let offset = positional_offset(offset)?;
    read_to_user(process, &file, Some(offset), buffer, count)
}

pub fn sys_pwrite64(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, offset, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let offset = positional_offset(offset)?;
    write_from_user(process, &file, Some(offset), buffer, count)
}

/// The `(base, length)` pairs of an `iovec` array.
fn read_io_vectors(
    process: &mut Process,
    address: u64,
    count: u64,
) -> Result<alloc::vec::Vec<(u64, u64)>> {
    if count > MAX_IO_VECTORS {
        return Err(Errno::EINVAL);
    }
    let mut vectors = alloc::vec::Vec::new();
    for index in 0..count {
        let entry = address.checked_add(index * 16).ok_or(Errno::EFAULT)?;
        let base = read_u64(process, entry)?;
        let length = read_u64(process, entry + 8)?;
        if length > isize::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        vectors.push((base, length));
    }
    Ok(vectors)
}

pub fn sys_readv(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, vectors, count, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let vectors = read_io_vectors(process, vectors, count)?;
    vectored(&vectors, |base, length| {
        read_to_user(process, &file, None, base, length)
    })
}

pub fn sys_writev(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, vectors, count, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let vectors = read_io_vectors(process, vectors, count)?;
    vectored(&vectors, |base, length| {
        write_from_user(process, &file, None, base, length)
    })
}

/// Runs `transfer` over each `(base, length)` in turn until one moves less than its length;
/// an error ends the call as in a single read or write (the count so far, if any).
fn vectored(
    vectors: &[(u64, u64)],
    mut transfer: impl FnMut(u64, u64) -> Result<u64>,
) -> Result<u64> {
    let mut total = 0u64;
    for &(base, length) in vectors {
        let length = length.min(MAX_TRANSFER_BYTES - total);
        match transfer(base, length) {
            Ok(moved) => {
                total += moved;
                if moved < length || total == MAX_TRANSFER_BYTES {
                    break;
                }
            }
            Err(error) if total == 0 => return Err(error),
            Err(_) => break,
        }
    }
    Ok(total)
}

pub fn sys_lseek(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, offset, whence, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    file.seek(offset as i64, whence as u32)
}

pub fn sys_close(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    process.files.remove(arguments[0] as i32).map(|_| 0)
}

pub fn sys_dup(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let file = process.files.get(arguments[0] as i32)?;
    let limit = process.limits.open_files();
    Ok(process.files.insert(file, CloseOnExec::Keep, 0, limit)? as u64)
}

pub fn sys_dup2(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old, new, ..] = *arguments;
    let file = process.files.get(old as i32)?;
    if old == new {
        return Ok(new);
    }
    let limit = process.limits.open_files();
    process
        .files
        .insert_at(new as i32, file, CloseOnExec::Keep, limit)?;
    Ok(new)
}

pub fn sys_dup3(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old, new, flags, ..] = *arguments;
    if old == new || flags as u32 & !linux::O_CLOEXEC != 0 {
        return Err(Errno::EINVAL);
    }
    let file = process.files.get(old as i32)?;
    let limit = process.limits.open_files();
    process
        .files
        .insert_at(new as i32, file, close_on_exec(flags as u32), limit)?;
    Ok(new)
}

fn close_on_exec(flags: u32) -> CloseOnExec {
    if flags & linux::O_CLOEXEC != 0 {
        CloseOnExec::Close
    } else {
        CloseOnExec::Keep
    }
}

pub fn sys_fcntl(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, command, argument, ..] = *arguments;
    let fd = fd as i32;
    let file = process.files.get(fd)?;
    match command as u32 {
        linux::F_DUPFD | linux::F_DUPFD_CLOEXEC => {
            // The argument is an int; at or above RLIMIT_NOFILE it is EINVAL (f_dupfd).
            let limit = process.limits.open_files();
            let minimum = usize::try_from(argument as i32)
                .ok()
                .filter(|&minimum| minimum < limit)
                .ok_or(Errno::EINVAL)?;
            let mode = if command as u32 == linux::F_DUPFD_CLOEXEC {
                CloseOnExec::Close
            } else {
                CloseOnExec::Keep
            };
            Ok(process.files.insert(file, mode, minimum, limit)? as u64)
        }
        linux::F_GETFD => Ok(u64::from(
            process.files.close_on_exec(fd)? == CloseOnExec::Close,
        )),
        linux::F_SETFD => {
            let mode = if argument & u64::from(linux::FD_CLOEXEC) != 0 {
                CloseOnExec::Close
            } else {
                CloseOnExec::Keep
            };
            process.files.set_close_on_exec(fd, mode).map(|()| 0)
        }
        linux::F_GETFL => Ok(u64::from(file.flags())),
        linux::F_SETFL => {
            file.set_flags(argument as u32);
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_ioctl(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, request, argument, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    match request as u32 {
        ioctl::FIOCLEX => {
            return process
                .files
                .set_close_on_exec(fd as i32, CloseOnExec::Close)
                .map(|()| 0);
        }
        ioctl::FIONCLEX => {
            return process
                .files
                .set_close_on_exec(fd as i32, CloseOnExec::Keep)
                .map(|()| 0);
        }
        ioctl::FIONBIO => {
            let mut value = [0u8; 4];
            process.memory.copy_from_user(argument, &mut value)?;
            let flags = file.flags();
            let flags = if u32::from_le_bytes(value) != 0 {
                flags | linux::O_NONBLOCK
            } else {
                flags & !linux::O_NONBLOCK
            };
            file.set_flags(flags);
            return Ok(0);
        }
        _ => {}
    }
    match file.ioctl(request as u32, argument)? {
        IoctlReply::Value(value) => Ok(value),
        IoctlReply::Bytes(bytes) => write_bytes(process, argument, &bytes).map(|()| 0),
    }
}
