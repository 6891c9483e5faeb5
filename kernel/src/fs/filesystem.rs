//! The interface every filesystem implements, by inode number.
//!
//! The VFS above (`path`, `file`, `mount`) does path walking, mounts, permissions and open
//! files; a filesystem only knows its own inodes. The attribute types are tmpfs's, which are
//! plain Linux `stat` vocabulary, so the first filesystem defines them for all.

use alloc::vec::Vec;

use super::mount::Location;

use errno::{Errno, Result};
pub use tmpfs::{
    DeviceNumber, DirectoryEntry, FileType, InodeNumber, Metadata, NewNode, Owner, RenameMode,
    TimeChange, Timestamp,
};

/// `statfs(2)` figures of one filesystem.
#[derive(Clone, Copy, Debug, Default)]
pub struct Statistics {
    /// `f_type`, the filesystem's magic number.
    pub magic: u64,
    pub block_size: u64,
    pub total_blocks: u64,
    pub free_blocks: u64,
    pub total_inodes: u64,
    pub free_inodes: u64,
    pub name_max: u64,
}

/// One mounted filesystem's operations. Methods that do not apply fail as Linux would for
/// such a filesystem (read-only ones with `EPERM`/`EROFS`, set by their defaults).
pub trait FileSystem: Send + Sync {
    /// The name `/proc/mounts` shows (`tmpfs`, `proc`, `devtmpfs`).
    fn type_name(&self) -> &'static str;
    fn root(&self) -> InodeNumber;
    fn metadata(&self, inode: InodeNumber) -> Result<Metadata>;
    fn lookup(&self, directory: InodeNumber, name: &[u8]) -> Result<InodeNumber>;
    fn read(&self, inode: InodeNumber, offset: u64, buffer: &mut [u8]) -> Result<usize>;
    fn read_link(&self, inode: InodeNumber) -> Result<Vec<u8>>;
    /// Calls `visit` with entries from position `cookie` until it returns false; returns the
    /// position to resume from.
    fn read_directory(
        &self,
        directory: InodeNumber,
        cookie: u64,
        visit: &mut dyn FnMut(DirectoryEntry<'_>) -> bool,
    ) -> Result<u64>;
    /// The position past the last entry of `directory` now: a listing that starts now stops
    /// there, so entries added meanwhile cannot make it endless (Linux's offset directories).
    fn directory_end(&self, _directory: InodeNumber) -> u64 {
        u64::MAX
    }
    fn statistics(&self) -> Statistics;

    /// For a file whose bytes are generated (procfs, Linux's `seq_file`): the bytes an open
    /// file serves, generated once when it is opened so that reads in pieces at any offsets
    /// fit together. `None` for stored files, which are read through [`FileSystem::read`].
    fn snapshot(&self, _inode: InodeNumber) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
    /// For a symbolic link that leads to a file rather than to a path (procfs's `exe`):
    /// that file, where path walks jump (Linux's `nd_jump_link`). `None` for plain links.
    fn link_location(&self, _inode: InodeNumber) -> Result<Option<Location>> {
        Ok(None)
    }

    /// What a read-only filesystem answers to a change of its names (create, symlink, link,
    /// unlink, rmdir, rename): `EROFS`, or `EPERM` for procfs.
    fn namespace_refusal(&self) -> Errno {
        Errno::EROFS
    }
    fn create(&self, _directory: InodeNumber, _name: &[u8], _node: NewNode) -> Result<InodeNumber> {
        Err(self.namespace_refusal())
    }
    fn symlink(
        &self,
        _directory: InodeNumber,
        _name: &[u8],
        _target: &[u8],
        _owner: Owner,
    ) -> Result<InodeNumber> {
        Err(self.namespace_refusal())
    }
    fn link(&self, _inode: InodeNumber, _directory: InodeNumber, _name: &[u8]) -> Result<()> {
        Err(self.namespace_refusal())
    }
    fn unlink(&self, _directory: InodeNumber, _name: &[u8]) -> Result<()> {
        Err(self.namespace_refusal())
    }
    fn rmdir(&self, _directory: InodeNumber, _name: &[u8]) -> Result<()> {
        Err(self.namespace_refusal())
    }
    fn rename(
        &self,
        _old_directory: InodeNumber,
        _old_name: &[u8],
        _new_directory: InodeNumber,
        _new_name: &[u8],
        _mode: RenameMode,
    ) -> Result<()> {
        Err(self.namespace_refusal())
    }
    fn write(&self, _inode: InodeNumber, _offset: u64, _data: &[u8]) -> Result<usize> {
        Err(Errno::EROFS)
    }
    fn truncate(&self, _inode: InodeNumber, _size: u64) -> Result<()> {
        Err(Errno::EROFS)
    }
    fn set_mode(&self, _inode: InodeNumber, _mode: u32) -> Result<()> {
        Err(Errno::EPERM)
    }
    fn set_owner(&self, _inode: InodeNumber, _uid: Option<u32>, _gid: Option<u32>) -> Result<()> {
        Err(Errno::EPERM)
    }
    fn set_times(
        &self,
        _inode: InodeNumber,
        _accessed: TimeChange,
        _modified: TimeChange,
    ) -> Result<()> {
        Err(Errno::EPERM)
    }
    /// An open file now refers to `inode` (keeps an unlinked inode alive).
    fn open_reference(&self, _inode: InodeNumber) {}
    /// An open file no longer refers to `inode`.
    fn release_reference(&self, _inode: InodeNumber) {}
}
