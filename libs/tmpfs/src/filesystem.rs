//! The filesystem instance: the inode table, lookups, references and lifetime.
//!
//! Inodes live in one map keyed by inode number. Numbers come from a counter that only grows, so
//! a number is never reused, and a stale number held by a buggy caller finds nothing (`ESTALE`)
//! instead of someone else's file. An inode is destroyed, and its pages returned, as soon as it
//! has no names and no open references, as Linux's `iput` evicts an unlinked inode when the
//! last file closes.

use alloc::collections::BTreeMap;

use errno::Errno;

use crate::{
    directory::Directory,
    file_data::{PAGE_SIZE, PageBudget},
    inode::{Content, Inode},
    metadata::{FileType, InodeNumber, Metadata, Timestamp},
    name::{self, NameKind},
    requests::{Limits, Owner, Usage},
};

/// The root directory's inode number: tmpfs gives its root inode 1.
pub const ROOT_INODE: InodeNumber = 1;

/// One tmpfs instance. The kernel keeps it behind a lock and calls it by inode number; path
/// walking, mounts, permission checks and file descriptors are the kernel's.
#[derive(Debug)]
pub struct Tmpfs {
    /// Every live inode.
    pub(crate) inodes: BTreeMap<InodeNumber, Inode>,
    /// The number the next inode gets.
    next_inode: InodeNumber,
    /// Data pages in use and the size limit.
    pub(crate) budget: PageBudget,
    /// The limits the instance was made with.
    limits: Limits,
}

impl Tmpfs {
    /// A filesystem holding only its root directory, without size limits.
    pub fn new(root_mode: u32, uid: u32, gid: u32, now: Timestamp) -> Self {
        Self::with_limits(root_mode, uid, gid, now, Limits::default())
    }

    /// A filesystem holding only its root directory, limited as `limits` says. The type bits of
    /// `root_mode` are ignored: the root is always a directory.
    pub fn with_limits(root_mode: u32, uid: u32, gid: u32, now: Timestamp, limits: Limits) -> Self {
        let root = Inode::new(
            FileType::Directory,
            root_mode,
            Owner::new(uid, gid),
            Content::Directory(Directory::new(ROOT_INODE)),
            now,
        );
        let mut inodes = BTreeMap::new();
        inodes.insert(ROOT_INODE, root);
        Self {
            inodes,
            next_inode: ROOT_INODE + 1,
            budget: PageBudget::new(limits.max_bytes),
            limits,
        }
    }

    /// The root directory's inode number, [`ROOT_INODE`].
    pub fn root(&self) -> InodeNumber {
        ROOT_INODE
    }

    /// The limits the instance was made with, for `statfs(2)`.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Live inodes and bytes of allocated pages.
    pub fn usage(&self) -> Usage {
        Usage {
            inodes: self.inodes.len() as u64,
            bytes: self.budget.used_pages().saturating_mul(PAGE_SIZE as u64),
        }
    }

    /// What `stat(2)` reports for `inode`. `ESTALE` if no such inode lives.
    pub fn metadata(&self, inode: InodeNumber) -> Result<Metadata, Errno> {
        Ok(self.inode(inode)?.metadata(inode))
    }

    /// The inode `name` names in `directory`.
    ///
    /// "." is the directory itself; ".." its parent, the root's own being the root (the kernel
    /// crosses mount points). Other names in a removed directory are `ENOENT`, as Linux refuses
    /// lookups in a dead directory (fs/namei.c `lookup_one_qstr_excl`), while "." and ".."
    /// still work, so `cd ..` out of a removed working directory succeeds.
    pub fn lookup(&self, directory: InodeNumber, name: &[u8]) -> Result<InodeNumber, Errno> {
        let contents = self.directory(directory)?;
        match name::classify(name) {
            NameKind::Dot => Ok(directory),
            NameKind::DotDot if self.inodes.contains_key(&contents.parent) => Ok(contents.parent),
            NameKind::DotDot => Err(Errno::ENOENT),
            NameKind::Ordinary(name) => {
                self.check_directory_alive(directory)?;
                name::check_ordinary(name)?;
                contents
                    .get(name)
                    .map(|entry| entry.inode)
                    .ok_or(Errno::ENOENT)
            }
        }
    }

    /// Records one more open file, working directory or other kernel reference to `inode`; it
    /// keeps the inode (and its data) alive after its last name is removed.
    pub fn open_reference(&mut self, inode: InodeNumber) -> Result<(), Errno> {
        let target = self.inode_mut(inode)?;
        target.open_references = target.open_references.checked_add(1).ok_or(Errno::ENFILE)?;
        Ok(())
    }

    /// Drops a reference taken by [`open_reference`](Self::open_reference); destroys the inode
    /// if it was the last thing keeping it. `EINVAL` if `inode` has no references.
    pub fn release_reference(&mut self, inode: InodeNumber) -> Result<(), Errno> {
        let target = self.inode_mut(inode)?;
        target.open_references = target.open_references.checked_sub(1).ok_or(Errno::EINVAL)?;
        self.destroy_if_unreferenced(inode);
        Ok(())
    }

    /// The inode numbered `inode`; `ESTALE` (a stale handle) if none lives.
    pub(crate) fn inode(&self, inode: InodeNumber) -> Result<&Inode, Errno> {
        self.inodes.get(&inode).ok_or(Errno::ESTALE)
    }

    /// The inode numbered `inode`, mutably; `ESTALE` if none lives.
    pub(crate) fn inode_mut(&mut self, inode: InodeNumber) -> Result<&mut Inode, Errno> {
        self.inodes.get_mut(&inode).ok_or(Errno::ESTALE)
    }

    /// The contents of directory `inode`; `ENOTDIR` if it is something else.
    pub(crate) fn directory(&self, inode: InodeNumber) -> Result<&Directory, Errno> {
        self.inode(inode)?.directory().ok_or(Errno::ENOTDIR)
    }

    /// The contents of directory `inode`, mutably; `ENOTDIR` if it is something else.
    pub(crate) fn directory_mut(&mut self, inode: InodeNumber) -> Result<&mut Directory, Errno> {
        self.inode_mut(inode)?.directory_mut().ok_or(Errno::ENOTDIR)
    }

    /// `ENOENT` if `directory` has been removed: nothing can be looked up, created or removed
    /// in it (Linux's `IS_DEADDIR` checks).
    pub(crate) fn check_directory_alive(&self, directory: InodeNumber) -> Result<(), Errno> {
        if self.inode(directory)?.is_removed_directory() {
            return Err(Errno::ENOENT);
        }
        Ok(())
    }

    /// The number for a new inode, if the inode limit and the counter allow one more. Nothing
    /// is reserved: the caller inserts with [`insert_inode`](Self::insert_inode) before any
    /// other allocation.
    pub(crate) fn available_inode_number(&self) -> Result<InodeNumber, Errno> {
        let count = self.inodes.len() as u64;
        if self.limits.max_inodes.is_some_and(|max| count >= max) {
            return Err(Errno::ENOSPC);
        }
        self.next_inode.checked_add(1).ok_or(Errno::ENOSPC)?;
        Ok(self.next_inode)
    }

    /// Stores a new inode under the number [`available_inode_number`] gave.
    ///
    /// [`available_inode_number`]: Self::available_inode_number
    pub(crate) fn insert_inode(&mut self, number: InodeNumber, inode: Inode) {
        debug_assert_eq!(number, self.next_inode, "inode number not from the counter");
        self.next_inode = number.saturating_add(1);
        self.inodes.insert(number, inode);
    }

    /// Takes one name away from `inode` (or, for a directory, all of them), updating its
    /// `st_ctime`, and destroys it if nothing refers to it any more.
    pub(crate) fn drop_link(&mut self, inode: InodeNumber, now: Timestamp) {
        if let Some(target) = self.inodes.get_mut(&inode) {
            target.link_count = if target.file_type.is_directory() {
                0
            } else {
                target.link_count.saturating_sub(1)
            };
            target.changed = now;
        }
        self.destroy_if_unreferenced(inode);
    }

    /// Destroys `inode` and returns its pages if it has no names and no references.
    pub(crate) fn destroy_if_unreferenced(&mut self, inode: InodeNumber) {
        let is_unreferenced = self.inodes.get(&inode).is_some_and(Inode::is_unreferenced);
        if is_unreferenced && let Some(mut destroyed) = self.inodes.remove(&inode) {
            destroyed.release_pages(&mut self.budget);
        }
    }
}
