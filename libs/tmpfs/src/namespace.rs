//! Adding and removing names: `mknod`/`mkdir`/`open(O_CREAT)`, `symlink`, `link`, `unlink`,
//! `rmdir`.
//!
//! Each operation checks in the order Linux does, so that when several things are wrong the
//! caller gets Linux's errno: the directory (`ENOTDIR`), the last component's kind ("." and
//! ".."), whether the directory was removed (`ENOENT`), the name (`ENAMETOOLONG`), whether the
//! name exists, then the operation's own rules (fs/namei.c `filename_create`, `do_unlinkat`,
//! `do_rmdir`, `vfs_link`, `may_delete`). Every check happens before the first change, so a
//! failed call changes nothing.

use alloc::vec::Vec;

use errno::Errno;
use linux_raw_sys::general as linux;

use crate::{
    directory::Directory,
    file_data::FileData,
    filesystem::Tmpfs,
    inode::{Content, Inode, PAGE_BACKED_SYMLINK_LENGTH},
    metadata::{FileType, InodeNumber, Timestamp},
    name::{self, DotNameErrors},
    requests::{NewNode, Owner},
};

/// The longest symlink target: `PATH_MAX` including the terminating NUL.
pub const SYMLINK_MAX: usize = linux::PATH_MAX as usize - 1;

impl Tmpfs {
    /// Creates `name` in `directory` as a regular file, directory, device node, FIFO or socket,
    /// and returns its inode number. A new directory starts with link count 2 and adds one to
    /// its parent's; the parent's `st_mtime` and `st_ctime` become `now`.
    ///
    /// Errors: `ENOTDIR` (`directory` is not one), `EEXIST` ("." or "..", or the name exists),
    /// `ENOENT` (`directory` was removed, or the name is empty), `ENAMETOOLONG`, `ENOSPC` (inode
    /// limit), `EMLINK` (parent link count would overflow), `EINVAL` (a symlink: use
    /// [`symlink`](Self::symlink)).
    pub fn create(
        &mut self,
        directory: InodeNumber,
        name: &[u8],
        node: NewNode,
        now: Timestamp,
    ) -> Result<InodeNumber, Errno> {
        if node.file_type == FileType::Symlink {
            return Err(Errno::EINVAL);
        }
        let name = self.name_to_add(directory, name)?;
        if node.file_type.is_directory() {
            self.check_room_for_subdirectory(directory)?;
        }
        let number = self.available_inode_number()?;
        let content = match node.file_type {
            FileType::Regular => Content::Regular(FileData::default()),
            FileType::Directory => Content::Directory(Directory::new(directory)),
            FileType::CharDevice | FileType::BlockDevice => Content::Device(node.rdev),
            FileType::Symlink | FileType::Fifo | FileType::Socket => Content::Nothing,
        };
        let inode = Inode::new(
            node.file_type,
            node.permission_bits,
            node.owner,
            content,
            now,
        );
        self.insert_inode(number, inode);
        self.attach(directory, name, number, node.file_type, now);
        Ok(number)
    }

    /// Creates `name` in `directory` as a symbolic link to `target`, with mode 0777 as Linux
    /// gives every symlink, and returns its inode number.
    ///
    /// The target is checked first, as Linux copies it in before walking the new path:
    /// empty is `ENOENT` and longer than [`SYMLINK_MAX`] is `ENAMETOOLONG` (symlink(2)). Then as
    /// [`create`](Self::create); a target of 128 bytes or more takes a data page, so it can also
    /// fail with `ENOSPC` at the size limit or `ENOMEM`.
    pub fn symlink(
        &mut self,
        directory: InodeNumber,
        name: &[u8],
        target: &[u8],
        owner: Owner,
        now: Timestamp,
    ) -> Result<InodeNumber, Errno> {
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        if target.len() > SYMLINK_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let name = self.name_to_add(directory, name)?;
        let number = self.available_inode_number()?;
        let stored_target = self.store_symlink_target(target)?;
        let inode = Inode::new(FileType::Symlink, 0o777, owner, stored_target, now);
        self.insert_inode(number, inode);
        self.attach(directory, name, number, FileType::Symlink, now);
        Ok(number)
    }

    /// Adds `name` in `directory` as another name for `inode`, adding one to its link count
    /// and updating its `st_ctime`.
    ///
    /// Errors as [`create`](Self::create) for the new name, then `EPERM` (a directory: link(2)),
    /// `ENOENT` (the inode has no names left: an open but unlinked file cannot be linked back),
    /// `EMLINK` (link count would overflow).
    pub fn link(
        &mut self,
        inode: InodeNumber,
        directory: InodeNumber,
        name: &[u8],
        now: Timestamp,
    ) -> Result<(), Errno> {
        self.inode(inode)?;
        let name = self.name_to_add(directory, name)?;
        let source = self.inode(inode)?;
        if source.file_type.is_directory() {
            return Err(Errno::EPERM);
        }
        if source.link_count == 0 {
            return Err(Errno::ENOENT);
        }
        let link_count = source.link_count.checked_add(1).ok_or(Errno::EMLINK)?;
        let file_type = source.file_type;
        let source = self.inode_mut(inode)?;
        source.link_count = link_count;
        source.changed = now;
        self.attach(directory, name, inode, file_type, now);
        Ok(())
    }

    /// Removes the non-directory `name` from `directory`. The inode loses a link and is
    /// destroyed when it has neither names nor open references.
    ///
    /// Errors: `ENOTDIR`, `EISDIR` ("." or "..", or the name is a directory: unlink(2)),
    /// `ENOENT` (no such name, or `directory` was removed), `ENAMETOOLONG`.
    pub fn unlink(
        &mut self,
        directory: InodeNumber,
        name: &[u8],
        now: Timestamp,
    ) -> Result<(), Errno> {
        let name = self.name_to_remove(directory, name, DotNameErrors::UNLINK)?;
        let (inode, file_type) = self.existing_entry(directory, name)?;
        if file_type.is_directory() {
            return Err(Errno::EISDIR);
        }
        self.detach(directory, name, now);
        self.drop_link(inode, now);
        Ok(())
    }

    /// Removes the empty directory `name` from `directory`. Its link count becomes 0; it lives
    /// on, empty and refusing new entries, while references remain.
    ///
    /// Errors: `ENOTDIR` (`directory`, or the name, is not a directory), `EINVAL` ("."),
    /// `ENOTEMPTY` ("..", or the directory has entries: rmdir(2)), `ENOENT`, `ENAMETOOLONG`.
    /// Refusing to remove a mount point (`EBUSY`) is the kernel's, which knows the mounts.
    pub fn rmdir(
        &mut self,
        directory: InodeNumber,
        name: &[u8],
        now: Timestamp,
    ) -> Result<(), Errno> {
        let name = self.name_to_remove(directory, name, DotNameErrors::REMOVE_DIRECTORY)?;
        let (inode, file_type) = self.existing_entry(directory, name)?;
        if !file_type.is_directory() {
            return Err(Errno::ENOTDIR);
        }
        if !self.directory(inode)?.is_empty() {
            return Err(Errno::ENOTEMPTY);
        }
        self.detach(directory, name, now);
        self.drop_link(inode, now);
        Ok(())
    }

    /// Checks everything about adding `name` to `directory` that [`create`](Self::create),
    /// [`symlink`](Self::symlink) and [`link`](Self::link) share, in Linux's order.
    fn name_to_add<'name>(
        &self,
        directory: InodeNumber,
        name: &'name [u8],
    ) -> Result<&'name [u8], Errno> {
        let contents = self.directory(directory)?;
        let name = name::ordinary_or(name, DotNameErrors::CREATE)?;
        self.check_directory_alive(directory)?;
        name::check_ordinary(name)?;
        if contents.get(name).is_some() {
            return Err(Errno::EEXIST);
        }
        contents.check_room()?;
        Ok(name)
    }

    /// Checks the directory and name of a removal, in Linux's order; the operation's own errno
    /// for "." and "..".
    pub(crate) fn name_to_remove<'name>(
        &self,
        directory: InodeNumber,
        name: &'name [u8],
        dot_name_errors: DotNameErrors,
    ) -> Result<&'name [u8], Errno> {
        self.directory(directory)?;
        let name = name::ordinary_or(name, dot_name_errors)?;
        self.check_directory_alive(directory)?;
        name::check_ordinary(name)?;
        Ok(name)
    }

    /// The inode and type `name` names in `directory`; `ENOENT` if absent.
    pub(crate) fn existing_entry(
        &self,
        directory: InodeNumber,
        name: &[u8],
    ) -> Result<(InodeNumber, FileType), Errno> {
        let entry = self.directory(directory)?.get(name).ok_or(Errno::ENOENT)?;
        Ok((entry.inode, entry.file_type))
    }

    /// `EMLINK` if `directory` cannot count one more subdirectory.
    pub(crate) fn check_room_for_subdirectory(&self, directory: InodeNumber) -> Result<(), Errno> {
        let link_count = self.inode(directory)?.link_count;
        link_count.checked_add(1).ok_or(Errno::EMLINK)?;
        Ok(())
    }

    /// The content for a symlink to `target`. A long target is accounted as a page, as tmpfs
    /// stores it in one, but kept in an allocation of its own length.
    fn store_symlink_target(&mut self, target: &[u8]) -> Result<Content, Errno> {
        let is_page_backed = target.len() >= PAGE_BACKED_SYMLINK_LENGTH;
        if is_page_backed {
            self.budget.reserve()?;
        }
        let mut stored = Vec::new();
        if stored.try_reserve_exact(target.len()).is_err() {
            if is_page_backed {
                self.budget.release(1);
            }
            return Err(Errno::ENOMEM);
        }
        stored.extend_from_slice(target);
        Ok(Content::Symlink(stored))
    }

    /// Adds the entry `name` → `inode` to `directory`, which was checked to be alive and to
    /// lack `name`: the directory's `st_mtime` and `st_ctime` become `now`, and a new
    /// subdirectory adds one to its link count.
    pub(crate) fn attach(
        &mut self,
        directory: InodeNumber,
        name: &[u8],
        inode: InodeNumber,
        file_type: FileType,
        now: Timestamp,
    ) {
        let Ok(parent) = self.inode_mut(directory) else {
            debug_assert!(false, "attaching to a missing directory");
            return;
        };
        if file_type.is_directory() {
            parent.link_count = parent.link_count.saturating_add(1);
        }
        parent.touch_modified(now);
        if let Some(contents) = parent.directory_mut() {
            contents.insert(name, inode, file_type);
        }
    }

    /// Removes the entry `name` from `directory`: the directory's `st_mtime` and `st_ctime`
    /// become `now`, and a removed subdirectory takes one from its link count. The inode's own
    /// link count is the caller's.
    pub(crate) fn detach(&mut self, directory: InodeNumber, name: &[u8], now: Timestamp) {
        let Ok(parent) = self.inode_mut(directory) else {
            debug_assert!(false, "detaching from a missing directory");
            return;
        };
        parent.touch_modified(now);
        let removed = parent
            .directory_mut()
            .and_then(|contents| contents.remove(name));
        if removed.is_some_and(|entry| entry.file_type.is_directory()) {
            parent.link_count = parent.link_count.saturating_sub(1);
        }
    }
}
