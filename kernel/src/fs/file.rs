//! Open file descriptions: what `open(2)` creates and file descriptors share.
//!
//! One description holds the offset and status flags, so `dup`ed descriptors (and, later,
//! forked ones) move the same offset, as Linux's `struct file` does.

use alloc::{sync::Arc, vec::Vec};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use errno::{Errno, Result};
use linux_raw_sys::general as linux;
use spin::Mutex;

use super::{
    device::{Device, IoctlReply},
    filesystem::{DirectoryEntry, FileType},
    mount::Location,
    write_access::WriteAccess,
};

/// What reads and writes go to.
pub enum Backing {
    /// A regular file, directory or symlink (`O_PATH`) on a filesystem.
    Inode,
    /// A character device's driver.
    Device(Arc<dyn Device>),
    /// A generated file's bytes as they were when it was opened ([`super::filesystem::FileSystem::snapshot`]).
    Snapshot(Vec<u8>),
}

/// One open file description.
pub struct OpenFile {
    pub location: Location,
    pub file_type: FileType,
    backing: Backing,
    /// The access mode and status flags (`O_APPEND`, `O_NONBLOCK`, ...) as `open` took them.
    flags: AtomicU32,
    /// The file offset; for directories, the `getdents64` position.
    offset: Mutex<u64>,
    /// Held while open for writing a regular file: the file cannot be executed meanwhile.
    _write_access: Option<WriteAccess>,
    /// For a directory, where the listing stops: its end when opened or last rewound, so
    /// entries created while it is read are not returned (Linux's `offset_iterate_dir`).
    directory_end: AtomicU64,
}

/// Hands bytes read to their destination and returns how many leading bytes it took; fewer
/// than offered when the destination ends in a fault (`EFAULT` when it took none).
pub type Deliver<'a> = dyn FnMut(&[u8]) -> Result<usize> + 'a;
/// Fills a buffer with bytes to write and returns how many leading bytes it filled; fewer than
/// asked when the source ends in a fault (`EFAULT` when it filled none).
pub type Fetch<'a> = dyn FnMut(&mut [u8]) -> Result<usize> + 'a;

/// The most a read or write moves through one kernel buffer; longer ones loop. Linux caps one
/// call at `MAX_RW_COUNT` (2 GiB less a page), which the system-call layer applies.
const TRANSFER_CHUNK_BYTES: usize = 64 * 1024;

/// A kernel bounce buffer for a transfer of `length` bytes.
fn transfer_buffer(length: usize) -> Result<Vec<u8>> {
    let size = length.clamp(1, TRANSFER_CHUNK_BYTES);
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(size).map_err(|_| Errno::ENOMEM)?;
    buffer.resize(size, 0);
    Ok(buffer)
}

/// The progress of a read or write that moves data in pieces. Linux's rule: an error after
/// some bytes moved ends the call with the count so far; an error before any is the result.
#[derive(Default)]
struct Transfer {
    done: usize,
}

impl Transfer {
    /// The value of a step; a failure after progress becomes `Ok(0)`, which ends the loop.
    fn step(&self, result: Result<usize>) -> Result<usize> {
        match result {
            Err(error) if self.done == 0 => Err(error),
            Err(_) => Ok(0),
            Ok(count) => Ok(count),
        }
    }

    /// Counts a step that moved bytes of a piece of `offered`; whether all of it moved, so
    /// the loop may go on.
    fn step_moved(&mut self, result: Result<usize>, offered: usize) -> Result<bool> {
        let moved = self.step(result)?;
        self.done += moved;
        Ok(moved == offered)
    }
}

/// A device read: one driver call (a device returns what it has), then delivery.
fn read_device(device: &dyn Device, length: usize, deliver: &mut Deliver<'_>) -> Result<usize> {
    let mut buffer = transfer_buffer(length)?;
    let piece = buffer.len().min(length);
    let count = device.read(&mut buffer[..piece])?;
    if count == 0 {
        return Ok(0);
    }
    deliver(&buffer[..count])
}

/// A device write, piece by piece, stopping at the first short piece.
fn write_device(device: &dyn Device, length: usize, fetch: &mut Fetch<'_>) -> Result<usize> {
    let mut buffer = transfer_buffer(length)?;
    let mut transfer = Transfer::default();
    while transfer.done < length {
        let piece = buffer.len().min(length - transfer.done);
        let fetched = transfer.step(fetch(&mut buffer[..piece]))?;
        if fetched == 0
            || !transfer.step_moved(device.write(&buffer[..fetched]), fetched)?
            || fetched < piece
        {
            break;
        }
    }
    Ok(transfer.done)
}

/// Flags `fcntl(F_SETFL)` may change (fs/fcntl.c `SETFL_MASK`, the ones Loam honours).
const SETTABLE_FLAGS: u32 =
    linux::O_APPEND | linux::O_NONBLOCK | linux::O_DIRECT | linux::O_NOATIME;

impl OpenFile {
    pub fn new(
        location: Location,
        file_type: FileType,
        backing: Backing,
        flags: u32,
        write_access: Option<WriteAccess>,
    ) -> Arc<Self> {
        location.filesystem().open_reference(location.inode);
        let directory_end = location.filesystem().directory_end(location.inode);
        Arc::new(Self {
            location,
            file_type,
            backing,
            // 64-bit Linux forces O_LARGEFILE on every open (`force_o_largefile`), and
            // F_GETFL shows it.
            flags: AtomicU32::new(
                (flags | linux::O_LARGEFILE)
                    & !(linux::O_CREAT
                        | linux::O_EXCL
                        | linux::O_TRUNC
                        | linux::O_CLOEXEC
                        | linux::O_NOCTTY),
            ),
            offset: Mutex::new(0),
            _write_access: write_access,
            directory_end: AtomicU64::new(directory_end),
        })
    }

    /// The flags `fcntl(F_GETFL)` returns.
    pub fn flags(&self) -> u32 {
        self.flags.load(Ordering::Relaxed)
    }

    /// `fcntl(F_SETFL)`: only the settable status flags change.
    pub fn set_flags(&self, flags: u32) {
        let kept = self.flags() & !SETTABLE_FLAGS;
        self.flags
            .store(kept | (flags & SETTABLE_FLAGS), Ordering::Relaxed);
    }

    fn access_mode(&self) -> u32 {
        self.flags() & linux::O_ACCMODE
    }

    pub fn is_readable(&self) -> bool {
        self.flags() & linux::O_PATH == 0 && self.access_mode() != linux::O_WRONLY
    }

    pub fn is_writable(&self) -> bool {
        self.flags() & linux::O_PATH == 0 && self.access_mode() != linux::O_RDONLY
    }

    /// `read(2)` at the file offset: reads up to `length` bytes and hands them to `deliver`
    /// (see [`Transfer`]); the offset moves by what was delivered.
    pub fn read(&self, length: usize, deliver: &mut Deliver<'_>) -> Result<usize> {
        self.require(self.is_readable())?;
        if let Backing::Device(device) = &self.backing {
            return read_device(device.as_ref(), length, deliver);
        }
        let mut offset = self.offset.lock();
        let count = self.read_inode(*offset, length, deliver)?;
        *offset += count as u64;
        Ok(count)
    }

    /// `pread64(2)`: at `offset`, leaving the file offset alone.
    pub fn read_at(&self, offset: u64, length: usize, deliver: &mut Deliver<'_>) -> Result<usize> {
        self.require(self.is_readable())?;
        if let Backing::Device(device) = &self.backing {
            return read_device(device.as_ref(), length, deliver);
        }
        self.read_inode(offset, length, deliver)
    }

    fn read_inode(&self, offset: u64, length: usize, deliver: &mut Deliver<'_>) -> Result<usize> {
        if self.file_type == FileType::Directory {
            return Err(Errno::EISDIR);
        }
        let mut buffer = transfer_buffer(length)?;
        let mut transfer = Transfer::default();
        while transfer.done < length {
            let piece = buffer.len().min(length - transfer.done);
            let position = offset
                .checked_add(transfer.done as u64)
                .ok_or(Errno::EINVAL)?;
            let count = transfer.step(self.read_piece(position, &mut buffer[..piece]))?;
            if count == 0 || !transfer.step_moved(deliver(&buffer[..count]), count)? {
                break;
            }
        }
        Ok(transfer.done)
    }

    /// Reads from a file's contents, or from the snapshot a generated file was opened with.
    fn read_piece(&self, offset: u64, buffer: &mut [u8]) -> Result<usize> {
        if let Backing::Snapshot(bytes) = &self.backing {
            let start = usize::try_from(offset).map_or(bytes.len(), |start| start.min(bytes.len()));
            let count = buffer.len().min(bytes.len() - start);
            buffer[..count].copy_from_slice(&bytes[start..start + count]);
            return Ok(count);
        }
        self.location
            .filesystem()
            .read(self.location.inode, offset, buffer)
    }

    /// `write(2)` at the file offset (the end with `O_APPEND`): takes up to `length` bytes
    /// from `fetch` (see [`Transfer`]); the offset moves by what was written.
    pub fn write(&self, length: usize, fetch: &mut Fetch<'_>) -> Result<usize> {
        self.require(self.is_writable())?;
        if let Backing::Device(device) = &self.backing {
            return write_device(device.as_ref(), length, fetch);
        }
        let mut offset = self.offset.lock();
        let start = if self.flags() & linux::O_APPEND != 0 {
            self.location.metadata()?.size
        } else {
            *offset
        };
        // The offset moves only when something was written (`vfs_write`), so a failed
        // O_APPEND write leaves it where it was.
        let count = self.write_inode(start, length, fetch)?;
        if count > 0 {
            *offset = start + count as u64;
        }
        Ok(count)
    }

    /// `pwrite64(2)`: at `offset` (Linux appends anyway with `O_APPEND`, a documented bug).
    pub fn write_at(&self, offset: u64, length: usize, fetch: &mut Fetch<'_>) -> Result<usize> {
        self.require(self.is_writable())?;
        if let Backing::Device(device) = &self.backing {
            return write_device(device.as_ref(), length, fetch);
        }
        let offset = if self.flags() & linux::O_APPEND != 0 {
            self.location.metadata()?.size
        } else {
            offset
        };
        self.write_inode(offset, length, fetch)
    }

    /// Writes all of `data` at `offset` (the initramfs unpacker).
    pub fn write_all_at(&self, offset: u64, data: &[u8]) -> Result<()> {
        let mut taken = 0;
        let mut fetch = |buffer: &mut [u8]| {
            buffer.copy_from_slice(&data[taken..taken + buffer.len()]);
            taken += buffer.len();
            Ok(buffer.len())
        };
        let count = self.write_at(offset, data.len(), &mut fetch)?;
        if count == data.len() {
            Ok(())
        } else {
            Err(Errno::ENOSPC)
        }
    }

    fn write_inode(&self, offset: u64, length: usize, fetch: &mut Fetch<'_>) -> Result<usize> {
        let mut buffer = transfer_buffer(length)?;
        let mut transfer = Transfer::default();
        while transfer.done < length {
            let piece = buffer.len().min(length - transfer.done);
            let fetched = transfer.step(fetch(&mut buffer[..piece]))?;
            if fetched == 0 {
                break;
            }
            let position = offset
                .checked_add(transfer.done as u64)
                .ok_or(Errno::EFBIG)?;
            let written =
                self.location
                    .filesystem()
                    .write(self.location.inode, position, &buffer[..fetched]);
            if !transfer.step_moved(written, fetched)? || fetched < piece {
                break;
            }
        }
        Ok(transfer.done)
    }

    /// `lseek(2)`.
    pub fn seek(&self, offset: i64, whence: u32) -> Result<u64> {
        if let Backing::Device(device) = &self.backing {
            return device.seek();
        }
        if matches!(self.backing, Backing::Snapshot(_)) && whence == linux::SEEK_END {
            // Generated files have no size to seek from (`seq_lseek`).
            return Err(Errno::EINVAL);
        }
        let mut position = self.offset.lock();
        let base = match whence {
            linux::SEEK_SET => 0,
            linux::SEEK_CUR => *position as i64,
            linux::SEEK_END => self.location.metadata()?.size as i64,
            _ => return Err(Errno::EINVAL),
        };
        let target = base.checked_add(offset).ok_or(Errno::EOVERFLOW)?;
        if target < 0 {
            return Err(Errno::EINVAL);
        }
        if target == 0 && self.file_type == FileType::Directory {
            let end = self
                .location
                .filesystem()
                .directory_end(self.location.inode);
            self.directory_end.store(end, Ordering::Relaxed);
        }
        *position = target as u64;
        Ok(target as u64)
    }

    /// `getdents64(2)`: feeds entries from the directory position to `visit` until it refuses
    /// one, then remembers where to resume.
    pub fn read_directory(&self, visit: &mut dyn FnMut(DirectoryEntry<'_>) -> bool) -> Result<()> {
        if self.file_type != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        let mut position = self.offset.lock();
        let end = self.directory_end.load(Ordering::Relaxed);
        let mut visit_before_end = |entry: DirectoryEntry<'_>| entry.cookie < end && visit(entry);
        *position = self.location.filesystem().read_directory(
            self.location.inode,
            *position,
            &mut visit_before_end,
        )?;
        Ok(())
    }

    /// `poll(2)` readiness: regular files, directories and generated files are always ready
    /// (`DEFAULT_POLLMASK`); a device says for itself.
    pub fn poll(&self) -> u32 {
        match &self.backing {
            Backing::Device(device) => device.poll(),
            Backing::Inode | Backing::Snapshot(_) => super::device::DEFAULT_POLL_MASK,
        }
    }

    /// `ioctl(2)` requests the device understands.
    pub fn ioctl(&self, request: u32, argument: u64) -> Result<IoctlReply> {
        match &self.backing {
            Backing::Device(device) => device.ioctl(request, argument),
            Backing::Inode | Backing::Snapshot(_) => Err(Errno::ENOTTY),
        }
    }

    /// Reads the whole file (for exec).
    pub fn read_all(&self) -> Result<Vec<u8>> {
        let size = self.location.metadata()?.size;
        let length = usize::try_from(size).map_err(|_| Errno::EFBIG)?;
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(length).map_err(|_| Errno::ENOMEM)?;
        bytes.resize(length, 0);
        let mut done = 0;
        while done < length {
            let count = self.location.filesystem().read(
                self.location.inode,
                done as u64,
                &mut bytes[done..],
            )?;
            if count == 0 {
                break;
            }
            done += count;
        }
        bytes.truncate(done);
        Ok(bytes)
    }

    fn require(&self, is_allowed: bool) -> Result<()> {
        if is_allowed {
            Ok(())
        } else {
            Err(Errno::EBADF)
        }
    }
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        self.location
            .filesystem()
            .release_reference(self.location.inode);
    }
}
