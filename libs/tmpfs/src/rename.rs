//! `rename(2)` and `renameat2(2)`: moving, replacing and exchanging names.
//!
//! The checks follow fs/namei.c `do_renameat2` and `vfs_rename` and mm/shmem.c
//! `shmem_rename2`, in their order:
//! 1. "." or ".." as the old name is `EBUSY`; as the new name `EBUSY`, or `EEXIST` with
//!    `RENAME_NOREPLACE`.
//! 2. The old name must exist (`ENOENT`); both directories must be alive (`ENOENT`).
//! 3. `RENAME_NOREPLACE` with an existing target is `EEXIST`; `RENAME_EXCHANGE` with a missing
//!    one is `ENOENT`.
//! 4. The "trap" (`lock_rename`): the source must not be an ancestor of the new directory
//!    (`EINVAL`), and the target must not be an ancestor of the old directory (`ENOTEMPTY`, or
//!    `EINVAL` when exchanging).
//! 5. Source and target the same inode (two links to one file, or a name onto itself): success,
//!    nothing changes (rename(2)).
//! 6. Replacing: a directory only replaces a directory (`ENOTDIR`), a non-directory only a
//!    non-directory (`EISDIR`), and the replaced directory must be empty (`ENOTEMPTY`).
//!
//! Timestamps follow fs/libfs.c `simple_rename_timestamp`: both directories' `st_mtime` and
//! `st_ctime`, and the `st_ctime` of the moved inode and of the replaced or exchanged one.

use errno::Errno;

use crate::{
    filesystem::Tmpfs,
    metadata::{FileType, InodeNumber, Timestamp},
    name::{self, NameKind},
    requests::RenameMode,
};

/// An inode found under a name.
#[derive(Clone, Copy, Debug)]
struct Named {
    inode: InodeNumber,
    file_type: FileType,
}

/// Where a rename takes a name from and puts it.
#[derive(Clone, Copy, Debug)]
struct Ends<'name> {
    old_directory: InodeNumber,
    old_name: &'name [u8],
    new_directory: InodeNumber,
    new_name: &'name [u8],
}

impl Tmpfs {
    /// Renames `old_name` in `old_directory` to `new_name` in `new_directory`, as `mode` says.
    ///
    /// Errors, besides `ENOTDIR` for a non-directory directory and `ENAMETOOLONG`: see the
    /// module documentation for `EBUSY`, `ENOENT`, `EEXIST`, `EINVAL`, `ENOTEMPTY`, `ENOTDIR`
    /// and `EISDIR`; `EMLINK` if a directory's link count would overflow. Cross-mount renames
    /// (`EXDEV`) and mount points (`EBUSY`) are the kernel's to refuse.
    pub fn rename(
        &mut self,
        old_directory: InodeNumber,
        old_name: &[u8],
        new_directory: InodeNumber,
        new_name: &[u8],
        mode: RenameMode,
        now: Timestamp,
    ) -> Result<(), Errno> {
        self.directory(old_directory)?;
        self.directory(new_directory)?;
        let ends = Ends {
            old_directory,
            old_name: ordinary_old_name(old_name)?,
            new_directory,
            new_name: ordinary_new_name(new_name, mode)?,
        };
        let source = self.rename_source(ends)?;
        let target = self.rename_target(ends)?;
        match (mode, target) {
            (RenameMode::NoReplace, Some(_)) => return Err(Errno::EEXIST),
            (RenameMode::Exchange, None) => return Err(Errno::ENOENT),
            _ => {}
        }
        self.check_trap(ends, source, target, mode)?;
        if target.is_some_and(|target| target.inode == source.inode) {
            return Ok(());
        }
        match (mode, target) {
            (RenameMode::Exchange, Some(target)) => self.exchange(ends, source, target, now),
            _ => self.move_entry(ends, source, target, now),
        }
    }

    /// The inode the old name names; `ENOENT` if the old directory was removed or lacks it.
    fn rename_source(&self, ends: Ends<'_>) -> Result<Named, Errno> {
        self.check_directory_alive(ends.old_directory)?;
        name::check_ordinary(ends.old_name)?;
        let (inode, file_type) = self.existing_entry(ends.old_directory, ends.old_name)?;
        Ok(Named { inode, file_type })
    }

    /// The inode the new name names, if any; `ENOENT` if the new directory was removed.
    fn rename_target(&self, ends: Ends<'_>) -> Result<Option<Named>, Errno> {
        self.check_directory_alive(ends.new_directory)?;
        name::check_ordinary(ends.new_name)?;
        Ok(self
            .existing_entry(ends.new_directory, ends.new_name)
            .ok()
            .map(|(inode, file_type)| Named { inode, file_type }))
    }

    /// Linux's rename "trap" checks (fs/namei.c `lock_rename` and `do_renameat2`): a directory
    /// cannot move into its own subtree, and a name cannot be replaced by something inside it.
    fn check_trap(
        &self,
        ends: Ends<'_>,
        source: Named,
        target: Option<Named>,
        mode: RenameMode,
    ) -> Result<(), Errno> {
        if ends.old_directory == ends.new_directory {
            return Ok(());
        }
        if let Some(trap) = self.child_toward(ends.old_directory, ends.new_directory) {
            return if trap == source.inode {
                Err(Errno::EINVAL)
            } else {
                Ok(())
            };
        }
        let trap = self.child_toward(ends.new_directory, ends.old_directory);
        if trap.is_some() && trap == target.map(|target| target.inode) {
            return Err(match mode {
                RenameMode::Exchange => Errno::EINVAL,
                RenameMode::Replace | RenameMode::NoReplace => Errno::ENOTEMPTY,
            });
        }
        Ok(())
    }

    /// If `descendant` lies strictly below `ancestor`, the child of `ancestor` on the way down
    /// to it (possibly `descendant` itself). Walks ".." links, which for live directories end
    /// at the root; the walk is bounded by the inode count in case that invariant ever breaks.
    fn child_toward(&self, ancestor: InodeNumber, descendant: InodeNumber) -> Option<InodeNumber> {
        let mut current = descendant;
        for _ in 0..self.inodes.len() {
            let parent = self.directory(current).ok()?.parent;
            if parent == ancestor {
                return Some(current);
            }
            if parent == current {
                return None;
            }
            current = parent;
        }
        debug_assert!(false, "directory parent links form a cycle");
        None
    }

    /// A plain or no-replace rename: checks the replacement rules, then moves the entry.
    fn move_entry(
        &mut self,
        ends: Ends<'_>,
        source: Named,
        target: Option<Named>,
        now: Timestamp,
    ) -> Result<(), Errno> {
        if let Some(target) = target {
            self.check_replacement(source, target)?;
        }
        let gains_subdirectory = source.file_type.is_directory()
            && ends.old_directory != ends.new_directory
            && target.is_none();
        if gains_subdirectory {
            self.check_room_for_subdirectory(ends.new_directory)?;
        }
        self.directory(ends.new_directory)?.check_room()?;
        if let Some(target) = target {
            self.detach(ends.new_directory, ends.new_name, now);
            self.drop_link(target.inode, now);
        }
        self.detach(ends.old_directory, ends.old_name, now);
        self.attach(
            ends.new_directory,
            ends.new_name,
            source.inode,
            source.file_type,
            now,
        );
        self.reparent(source, ends.new_directory, now);
        Ok(())
    }

    /// The replacement rules of `vfs_rename` (via `may_delete`) and `shmem_rename2`.
    fn check_replacement(&self, source: Named, target: Named) -> Result<(), Errno> {
        match (
            source.file_type.is_directory(),
            target.file_type.is_directory(),
        ) {
            (true, false) => Err(Errno::ENOTDIR),
            (false, true) => Err(Errno::EISDIR),
            (true, true) if !self.directory(target.inode)?.is_empty() => Err(Errno::ENOTEMPTY),
            _ => Ok(()),
        }
    }

    /// `RENAME_EXCHANGE`: each name keeps its place in its directory and now names the other
    /// inode; directories among the two change parent, and link counts follow.
    fn exchange(
        &mut self,
        ends: Ends<'_>,
        source: Named,
        target: Named,
        now: Timestamp,
    ) -> Result<(), Errno> {
        if ends.old_directory != ends.new_directory {
            let moves_directory = |named: Named, other: Named| {
                named.file_type.is_directory() && !other.file_type.is_directory()
            };
            if moves_directory(source, target) {
                self.check_room_for_subdirectory(ends.new_directory)?;
            }
            if moves_directory(target, source) {
                self.check_room_for_subdirectory(ends.old_directory)?;
            }
        }
        self.directory_mut(ends.old_directory)?.repoint(
            ends.old_name,
            target.inode,
            target.file_type,
        );
        self.directory_mut(ends.new_directory)?.repoint(
            ends.new_name,
            source.inode,
            source.file_type,
        );
        self.adjust_subdirectory_count(ends.old_directory, target, source);
        self.adjust_subdirectory_count(ends.new_directory, source, target);
        for directory in [ends.old_directory, ends.new_directory] {
            if let Ok(changed) = self.inode_mut(directory) {
                changed.touch_modified(now);
            }
        }
        self.reparent(source, ends.new_directory, now);
        self.reparent(target, ends.old_directory, now);
        Ok(())
    }

    /// After an exchange, `directory` holds `arrived` where it held `departed`: its link count
    /// gains or loses one if exactly one of them is a directory.
    fn adjust_subdirectory_count(
        &mut self,
        directory: InodeNumber,
        arrived: Named,
        departed: Named,
    ) {
        let Ok(inode) = self.inode_mut(directory) else {
            return;
        };
        match (
            arrived.file_type.is_directory(),
            departed.file_type.is_directory(),
        ) {
            (true, false) => inode.link_count = inode.link_count.saturating_add(1),
            (false, true) => inode.link_count = inode.link_count.saturating_sub(1),
            _ => {}
        }
    }

    /// Records that `moved` now lives in `directory`: its `st_ctime` becomes `now`, and a
    /// directory's ".." now names `directory`.
    fn reparent(&mut self, moved: Named, directory: InodeNumber, now: Timestamp) {
        let Ok(inode) = self.inode_mut(moved.inode) else {
            return;
        };
        inode.changed = now;
        if let Some(contents) = inode.directory_mut() {
            contents.parent = directory;
        }
    }
}

/// The old name, unless it is "." or ".." (`EBUSY`).
fn ordinary_old_name(name: &[u8]) -> Result<&[u8], Errno> {
    match name::classify(name) {
        NameKind::Ordinary(name) => Ok(name),
        NameKind::Dot | NameKind::DotDot => Err(Errno::EBUSY),
    }
}

/// The new name, unless it is "." or ".." (`EBUSY`, or `EEXIST` with `RENAME_NOREPLACE`).
fn ordinary_new_name(name: &[u8], mode: RenameMode) -> Result<&[u8], Errno> {
    match (name::classify(name), mode) {
        (NameKind::Ordinary(name), _) => Ok(name),
        (_, RenameMode::NoReplace) => Err(Errno::EEXIST),
        _ => Err(Errno::EBUSY),
    }
}
