//! Reading, writing and managing file descriptors: read(2), write(2), readv(2), lseek(2),
//! close(2), dup(2), fcntl(2), ioctl(2).

use alloc::vec;

use errno::{Errno, Result};
use linux_raw_sys::{general as linux, ioctl};

use super::user_memory::{read_u64, write_bytes};
use crate::{
    fs::{device::IoctlReply, fd_table::CloseOnExec},
    task::process::Process,
};

/// Linux caps one read or write at `MAX_RW_COUNT` (2 GiB less a page); Loam moves at most
/// this much through a kernel buffer per step.
const CHUNK_BYTES: usize = 64 * 1024;
/// `UIO_MAXIOV`.
const MAX_IO_VECTORS: u64 = 1024;

pub fn sys_read(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let length = (count as usize).min(CHUNK_BYTES);
    let mut data = vec![0u8; length];
    let read = file.read(&mut data)?;
    write_bytes(process, buffer, &data[..read])?;
    Ok(read as u64)
}

pub fn sys_write(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    if !file.is_writable() {
        return Err(Errno::EBADF);
    }
    let mut written = 0usize;
    let total = count as usize;
    while written < total {
        let length = (total - written).min(CHUNK_BYTES);
        let mut data = vec![0u8; length];
        let source = buffer.checked_add(written as u64).ok_or(Errno::EFAULT)?;
        if let Err(error) = process.memory.copy_from_user(source, &mut data) {
            return if written == 0 {
                Err(error)
            } else {
                Ok(written as u64)
            };
        }
        match file.write(&data) {
            Ok(count) => written += count,
            Err(error) if written == 0 => return Err(error),
            Err(_) => break,
        }
    }
    Ok(written as u64)
}

pub fn sys_pread64(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, offset, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let offset = i64::try_from(offset).map_err(|_| Errno::EINVAL)?;
    let mut data = vec![0u8; (count as usize).min(CHUNK_BYTES)];
    let read = file.read_at(offset as u64, &mut data)?;
    write_bytes(process, buffer, &data[..read])?;
    Ok(read as u64)
}

pub fn sys_pwrite64(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, offset, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let offset = i64::try_from(offset).map_err(|_| Errno::EINVAL)?;
    let mut data = vec![0u8; (count as usize).min(CHUNK_BYTES)];
    process.memory.copy_from_user(buffer, &mut data)?;
    Ok(file.write_at(offset as u64, &data)? as u64)
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
    let mut total = 0u64;
    for (base, length) in read_io_vectors(process, vectors, count)? {
        let mut data = vec![0u8; (length as usize).min(CHUNK_BYTES)];
        let read = file.read(&mut data)?;
        write_bytes(process, base, &data[..read])?;
        total += read as u64;
        if read < data.len() {
            break;
        }
    }
    Ok(total)
}

pub fn sys_writev(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, vectors, count, ..] = *arguments;
    let mut total = 0u64;
    for (base, length) in read_io_vectors(process, vectors, count)? {
        let written = sys_write(process, &[fd, base, length, 0, 0, 0]);
        match written {
            Ok(count) => total += count,
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
    Ok(process.files.insert(file, CloseOnExec::Keep, 0)? as u64)
}

pub fn sys_dup2(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old, new, ..] = *arguments;
    let file = process.files.get(old as i32)?;
    if old == new {
        return Ok(new);
    }
    process
        .files
        .insert_at(new as i32, file, CloseOnExec::Keep)?;
    Ok(new)
}

pub fn sys_dup3(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old, new, flags, ..] = *arguments;
    if old == new || flags as u32 & !linux::O_CLOEXEC != 0 {
        return Err(Errno::EINVAL);
    }
    let file = process.files.get(old as i32)?;
    process
        .files
        .insert_at(new as i32, file, close_on_exec(flags as u32))?;
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
            let minimum = usize::try_from(argument).map_err(|_| Errno::EINVAL)?;
            if minimum >= crate::fs::fd_table::DEFAULT_LIMIT {
                return Err(Errno::EINVAL);
            }
            let mode = if command as u32 == linux::F_DUPFD_CLOEXEC {
                CloseOnExec::Close
            } else {
                CloseOnExec::Keep
            };
            Ok(process.files.insert(file, mode, minimum)? as u64)
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
