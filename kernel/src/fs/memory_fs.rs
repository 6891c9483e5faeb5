//! tmpfs and devtmpfs: `libs/tmpfs` behind a lock, with the kernel's clock.

use alloc::vec::Vec;

use errno::Result;
use spin::Mutex;
use tmpfs::{Limits, Tmpfs};

use super::filesystem::{
    DirectoryEntry, FileSystem, InodeNumber, Metadata, NewNode, Owner, RenameMode, Statistics,
    TimeChange, Timestamp,
};

/// `TMPFS_MAGIC` from linux/magic.h.
const TMPFS_MAGIC: u64 = 0x0102_1994;

/// An in-memory filesystem instance.
pub struct MemoryFileSystem {
    type_name: &'static str,
    store: Mutex<Tmpfs>,
}

impl MemoryFileSystem {
    /// A new empty instance whose root has mode `root_mode`, owned by root, limited as
    /// Linux's tmpfs is by default (`shmem_default_max_blocks`, `shmem_default_max_inodes`):
    /// half of memory in data pages, and as many inodes as half of memory has pages.
    pub fn new(type_name: &'static str, root_mode: u32) -> Self {
        let half = default_limit_pages();
        let limits = Limits {
            max_bytes: Some(half * tmpfs::PAGE_SIZE as u64),
            max_inodes: Some(half),
        };
        let store = Tmpfs::with_limits(root_mode, 0, 0, now(), limits);
        Self {
            type_name,
            store: Mutex::new(store),
        }
    }
}

/// Half of the managed memory, in pages: the default size and inode limit.
fn default_limit_pages() -> u64 {
    hal::memory::frames::counts().managed / 2
}

/// The current wall-clock time, for timestamps.
pub fn now() -> Timestamp {
    let nanoseconds = crate::time::realtime_nanoseconds();
    Timestamp::new(
        (nanoseconds / 1_000_000_000) as i64,
        (nanoseconds % 1_000_000_000) as u32,
    )
}

impl FileSystem for MemoryFileSystem {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn root(&self) -> InodeNumber {
        self.store.lock().root()
    }

    fn metadata(&self, inode: InodeNumber) -> Result<Metadata> {
        self.store.lock().metadata(inode)
    }

    fn lookup(&self, directory: InodeNumber, name: &[u8]) -> Result<InodeNumber> {
        self.store.lock().lookup(directory, name)
    }

    fn read(&self, inode: InodeNumber, offset: u64, buffer: &mut [u8]) -> Result<usize> {
        self.store.lock().read(inode, offset, buffer)
    }

    fn read_link(&self, inode: InodeNumber) -> Result<Vec<u8>> {
        Ok(self.store.lock().read_link(inode)?.to_vec())
    }

    fn read_directory(
        &self,
        directory: InodeNumber,
        cookie: u64,
        visit: &mut dyn FnMut(DirectoryEntry<'_>) -> bool,
    ) -> Result<u64> {
        self.store.lock().read_directory(directory, cookie, visit)
    }

    fn directory_end(&self, directory: InodeNumber) -> u64 {
        self.store.lock().end_cookie(directory).unwrap_or(u64::MAX)
    }

    fn statistics(&self) -> Statistics {
        let store = self.store.lock();
        let usage = store.usage();
        let limits = store.limits();
        let page = tmpfs::PAGE_SIZE as u64;
        let total_blocks = limits.max_bytes.map_or(u64::MAX, |bytes| bytes / page);
        let total_inodes = limits.max_inodes.unwrap_or(u64::MAX);
        Statistics {
            magic: TMPFS_MAGIC,
            block_size: page,
            total_blocks,
            free_blocks: total_blocks.saturating_sub(usage.bytes / page),
            total_inodes,
            free_inodes: total_inodes.saturating_sub(usage.inodes),
            name_max: tmpfs::NAME_MAX as u64,
        }
    }

    fn create(&self, directory: InodeNumber, name: &[u8], node: NewNode) -> Result<InodeNumber> {
        self.store.lock().create(directory, name, node, now())
    }

    fn symlink(
        &self,
        directory: InodeNumber,
        name: &[u8],
        target: &[u8],
        owner: Owner,
    ) -> Result<InodeNumber> {
        self.store
            .lock()
            .symlink(directory, name, target, owner, now())
    }

    fn link(&self, inode: InodeNumber, directory: InodeNumber, name: &[u8]) -> Result<()> {
        self.store.lock().link(inode, directory, name, now())
    }

    fn unlink(&self, directory: InodeNumber, name: &[u8]) -> Result<()> {
        self.store.lock().unlink(directory, name, now())
    }

    fn rmdir(&self, directory: InodeNumber, name: &[u8]) -> Result<()> {
        self.store.lock().rmdir(directory, name, now())
    }

    fn rename(
        &self,
        old_directory: InodeNumber,
        old_name: &[u8],
        new_directory: InodeNumber,
        new_name: &[u8],
        mode: RenameMode,
    ) -> Result<()> {
        self.store.lock().rename(
            old_directory,
            old_name,
            new_directory,
            new_name,
            mode,
            now(),
        )
    }

    fn write(&self, inode: InodeNumber, offset: u64, data: &[u8]) -> Result<usize> {
        self.store.lock().write(inode, offset, data, now())
    }

    fn truncate(&self, inode: InodeNumber, size: u64) -> Result<()> {
        self.store.lock().truncate(inode, size, now())
    }

    fn set_mode(&self, inode: InodeNumber, mode: u32) -> Result<()> {
        self.store.lock().set_mode(inode, mode, now())
    }

    fn set_owner(&self, inode: InodeNumber, uid: Option<u32>, gid: Option<u32>) -> Result<()> {
        self.store.lock().set_owner(inode, uid, gid, now())
    }

    fn set_times(
        &self,
        inode: InodeNumber,
        accessed: TimeChange,
        modified: TimeChange,
    ) -> Result<()> {
        self.store
            .lock()
            .set_times(inode, accessed, modified, now())
    }

    fn open_reference(&self, inode: InodeNumber) {
        let _ = self.store.lock().open_reference(inode);
    }

    fn release_reference(&self, inode: InodeNumber) {
        let _ = self.store.lock().release_reference(inode);
    }
}
