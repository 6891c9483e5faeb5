//! Reading and changing what inodes hold: file data (`pread`, `pwrite`, `truncate`) and
//! symlink targets (`readlink`).
//!
//! Offsets are checked as Linux's `rw_verify_area` (fs/read_write.c) checks them before the
//! type is looked at: an offset beyond `i64::MAX` (negative as `loff_t`) or a range ending
//! beyond it is `EINVAL`. Reading a directory is `EISDIR` (fs/libfs.c `generic_read_dir`);
//! device nodes, FIFOs and sockets are served by drivers the kernel picks, so reaching this
//! crate with them is `EINVAL`.
//!
//! Reads do not update `st_atime`: they take `&self`, so many can share a read lock. The kernel
//! applies its atime policy with [`Tmpfs::mark_accessed`] (Linux's default is `relatime`).

use errno::Errno;

use crate::{
    file_data::{FileData, MAX_FILE_SIZE},
    filesystem::Tmpfs,
    inode::{Content, Inode},
    metadata::{FileType, InodeNumber, Timestamp},
};

/// `EINVAL` unless `offset .. offset + length` lies within `0 ..= i64::MAX`.
fn check_range(offset: u64, length: usize) -> Result<(), Errno> {
    let end = offset.checked_add(length as u64).ok_or(Errno::EINVAL)?;
    if offset > MAX_FILE_SIZE || end > MAX_FILE_SIZE {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// The data of a regular file; `EISDIR` for a directory, `EINVAL` for other types.
fn regular_data(inode: &Inode) -> Result<&FileData, Errno> {
    match &inode.content {
        Content::Regular(data) => Ok(data),
        Content::Directory(_) => Err(Errno::EISDIR),
        _ => Err(Errno::EINVAL),
    }
}

impl Tmpfs {
    /// Copies the data of regular file `inode` from `offset` into `buffer`; returns how many
    /// bytes, 0 at or beyond the end. Holes read as zeros.
    pub fn read(&self, inode: InodeNumber, offset: u64, buffer: &mut [u8]) -> Result<usize, Errno> {
        check_range(offset, buffer.len())?;
        let data = regular_data(self.inode(inode)?)?;
        Ok(data.read(offset, buffer))
    }

    /// Writes `data` into regular file `inode` at `offset`, growing it as needed; returns how
    /// many bytes were written. Writing nothing changes nothing; otherwise `st_mtime` and
    /// `st_ctime` become `now`, as `file_modified` does before Linux writes.
    ///
    /// Pages are allocated one at a time: `ENOSPC` past the size limit, `ENOMEM` when memory
    /// runs out. If that happens after some bytes were written the result is a short write,
    /// not an error, as write(2) specifies. Appending (`O_APPEND`) is the kernel's: it passes
    /// the current size as `offset`. Clearing set-user-ID bits on write (`file_remove_privs`)
    /// depends on the writer's credentials, so the kernel does it with
    /// [`set_mode`](Self::set_mode).
    pub fn write(
        &mut self,
        inode: InodeNumber,
        offset: u64,
        data: &[u8],
        now: Timestamp,
    ) -> Result<usize, Errno> {
        check_range(offset, data.len())?;
        regular_data(self.inode(inode)?)?;
        if data.is_empty() {
            return Ok(0);
        }
        let Tmpfs { inodes, budget, .. } = self;
        let file = inodes.get_mut(&inode).ok_or(Errno::ESTALE)?;
        file.touch_modified(now);
        match &mut file.content {
            Content::Regular(file_data) => file_data.write(offset, data, budget),
            _ => Err(Errno::EINVAL),
        }
    }

    /// Sets the size of regular file `inode`: shrinking frees pages beyond the end and zeroes
    /// the rest of the last one; growing leaves a hole that reads as zeros.
    ///
    /// If the size changes, `st_mtime` and `st_ctime` become `now` (truncate(2); tmpfs's
    /// `shmem_setattr`). `ftruncate(2)` updates them even when the size stays: the kernel adds
    /// `set_times(inode, TimeChange::Omit, TimeChange::Now, now)` for it.
    ///
    /// Errors: `EINVAL` (size beyond `i64::MAX`, which is negative as `off_t`, or not a
    /// regular file), `EISDIR` (a directory). A size beyond `RLIMIT_FSIZE` is the kernel's
    /// `EFBIG`.
    pub fn truncate(&mut self, inode: InodeNumber, size: u64, now: Timestamp) -> Result<(), Errno> {
        if size > MAX_FILE_SIZE {
            return Err(Errno::EINVAL);
        }
        let old_size = regular_data(self.inode(inode)?)?.size();
        if size == old_size {
            return Ok(());
        }
        let Tmpfs { inodes, budget, .. } = self;
        let file = inodes.get_mut(&inode).ok_or(Errno::ESTALE)?;
        file.touch_modified(now);
        if let Content::Regular(file_data) = &mut file.content {
            file_data.truncate(size, budget);
        }
        Ok(())
    }

    /// The target of symlink `inode`; `EINVAL` for any other type (readlink(2)).
    pub fn read_link(&self, inode: InodeNumber) -> Result<&[u8], Errno> {
        match &self.inode(inode)?.content {
            Content::Symlink(target) => Ok(target),
            _ => Err(Errno::EINVAL),
        }
    }

    /// The type of `inode`, for callers that only need to dispatch on it.
    pub fn file_type(&self, inode: InodeNumber) -> Result<FileType, Errno> {
        Ok(self.inode(inode)?.file_type)
    }
}
