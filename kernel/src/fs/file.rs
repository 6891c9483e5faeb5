//! Open file descriptions: what `open(2)` creates and file descriptors share.
//!
//! One description holds the offset and status flags, so `dup`ed descriptors (and, later,
//! forked ones) move the same offset, as Linux's `struct file` does.

use alloc::{sync::Arc, vec::Vec};
use core::sync::atomic::{AtomicU32, Ordering};

use errno::{Errno, Result};
use linux_raw_sys::general as linux;
use spin::Mutex;

use super::{
    device::{Device, IoctlReply},
    filesystem::{DirectoryEntry, FileType},
    mount::Location,
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
}

/// Flags `fcntl(F_SETFL)` may change (fs/fcntl.c `SETFL_MASK`, the ones Loam honours).
const SETTABLE_FLAGS: u32 =
    linux::O_APPEND | linux::O_NONBLOCK | linux::O_DIRECT | linux::O_NOATIME;

impl OpenFile {
    pub fn new(location: Location, file_type: FileType, backing: Backing, flags: u32) -> Arc<Self> {
        location.filesystem().open_reference(location.inode);
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

    /// `read(2)` at the file offset, advancing it.
    pub fn read(&self, buffer: &mut [u8]) -> Result<usize> {
        self.require(self.is_readable())?;
        if let Backing::Device(device) = &self.backing {
            return device.read(buffer);
        }
        let mut offset = self.offset.lock();
        let count = self.read_at(*offset, buffer)?;
        *offset += count as u64;
        Ok(count)
    }

    /// `write(2)` at the file offset (the end with `O_APPEND`), advancing it.
    pub fn write(&self, data: &[u8]) -> Result<usize> {
        self.require(self.is_writable())?;
        if let Backing::Device(device) = &self.backing {
            return device.write(data);
        }
        let mut offset = self.offset.lock();
        if self.flags() & linux::O_APPEND != 0 {
            *offset = self.location.metadata()?.size;
        }
        let count = self.write_at_unchecked(*offset, data)?;
        *offset += count as u64;
        Ok(count)
    }

    /// `pread64(2)`: at `offset`, leaving the file offset alone.
    pub fn read_at(&self, offset: u64, buffer: &mut [u8]) -> Result<usize> {
        self.require(self.is_readable())?;
        match (&self.backing, self.file_type) {
            (Backing::Device(device), _) => device.read(buffer),
            (Backing::Snapshot(bytes), _) => {
                let start =
                    usize::try_from(offset).map_or(bytes.len(), |start| start.min(bytes.len()));
                let count = buffer.len().min(bytes.len() - start);
                buffer[..count].copy_from_slice(&bytes[start..start + count]);
                Ok(count)
            }
            (Backing::Inode, FileType::Directory) => Err(Errno::EISDIR),
            (Backing::Inode, _) => {
                self.location
                    .filesystem()
                    .read(self.location.inode, offset, buffer)
            }
        }
    }

    /// `pwrite64(2)`: at `offset` (Linux appends anyway with `O_APPEND`, a documented bug).
    pub fn write_at(&self, offset: u64, data: &[u8]) -> Result<usize> {
        self.require(self.is_writable())?;
        if let Backing::Device(device) = &self.backing {
            return device.write(data);
        }
        let offset = if self.flags() & linux::O_APPEND != 0 {
            self.location.metadata()?.size
        } else {
            offset
        };
        self.write_at_unchecked(offset, data)
    }

    fn write_at_unchecked(&self, offset: u64, data: &[u8]) -> Result<usize> {
        self.location
            .filesystem()
            .write(self.location.inode, offset, data)
    }

    /// `lseek(2)`.
    pub fn seek(&self, offset: i64, whence: u32) -> Result<u64> {
        if let Backing::Device(_) = self.backing {
            // Character devices such as /dev/null accept any seek and report 0.
            return Ok(0);
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
        *position =
            self.location
                .filesystem()
                .read_directory(self.location.inode, *position, visit)?;
        Ok(())
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
