//! Changing attributes: `chmod(2)`, `chown(2)`, `utimensat(2)`, and access-time updates.
//!
//! Permission checks (who may chmod or chown, `CAP_FOWNER`, `CAP_FSETID`) are the kernel's; this
//! crate applies the changes and the parts of Linux's rules that do not depend on the caller
//! (fs/attr.c `notify_change`, fs/open.c `chown_common`).

use errno::Errno;
use linux_raw_sys::general as linux;

use crate::{
    filesystem::Tmpfs,
    inode::PERMISSION_MASK,
    metadata::{InodeNumber, Timestamp},
    requests::TimeChange,
};

/// Seconds after which `relatime` refreshes `st_atime` regardless (fs/inode.c
/// `relatime_need_update`: one day).
const RELATIME_INTERVAL_SECONDS: i64 = 24 * 60 * 60;

impl Tmpfs {
    /// Sets the permission, set-id and sticky bits (`mode & 07777`; the type bits of `mode` are
    /// ignored, as chmod(2) ignores them) and sets `st_ctime` to `now`. Clearing set-group-ID
    /// for a caller outside the file's group is the kernel's, which knows the caller.
    pub fn set_mode(&mut self, inode: InodeNumber, mode: u32, now: Timestamp) -> Result<(), Errno> {
        let target = self.inode_mut(inode)?;
        target.permission_bits = mode & PERMISSION_MASK;
        target.changed = now;
        Ok(())
    }

    /// Sets the owner and/or group (`None` leaves one unchanged, as chown(2)'s -1) and sets
    /// `st_ctime` to `now`, even when neither changes.
    ///
    /// For a non-directory, Linux's `chown_common` always clears set-user-ID, and set-group-ID
    /// when group-execute is also set, whoever the caller is: done here. Set-group-ID without
    /// group-execute is cleared only for a caller outside the group (fs/attr.c
    /// `setattr_should_drop_sgid`), which is the kernel's to decide.
    pub fn set_owner(
        &mut self,
        inode: InodeNumber,
        uid: Option<u32>,
        gid: Option<u32>,
        now: Timestamp,
    ) -> Result<(), Errno> {
        let target = self.inode_mut(inode)?;
        if let Some(uid) = uid {
            target.owner.uid = uid;
        }
        if let Some(gid) = gid {
            target.owner.gid = gid;
        }
        if !target.file_type.is_directory() {
            target.permission_bits &= !linux::S_ISUID;
            let group_execute_set_id = linux::S_ISGID | linux::S_IXGRP;
            if target.permission_bits & group_execute_set_id == group_execute_set_id {
                target.permission_bits &= !linux::S_ISGID;
            }
        }
        target.changed = now;
        Ok(())
    }

    /// Sets `st_atime` and `st_mtime` as `utimensat(2)` does. Unless both are
    /// [`TimeChange::Omit`], `st_ctime` becomes `now`; with both omitted nothing changes (Linux
    /// returns before touching the inode).
    pub fn set_times(
        &mut self,
        inode: InodeNumber,
        accessed: TimeChange,
        modified: TimeChange,
        now: Timestamp,
    ) -> Result<(), Errno> {
        let target = self.inode_mut(inode)?;
        if accessed == TimeChange::Omit && modified == TimeChange::Omit {
            return Ok(());
        }
        let resolve = |change: TimeChange, current: Timestamp| match change {
            TimeChange::Omit => current,
            TimeChange::Now => now,
            TimeChange::Set(time) => time,
        };
        target.accessed = resolve(accessed, target.accessed);
        target.modified = resolve(modified, target.modified);
        target.changed = now;
        Ok(())
    }

    /// Records an access at `now` with Linux's default `relatime` policy: `st_atime` moves only
    /// if it is not newer than `st_mtime` or `st_ctime`, or is a day old (fs/inode.c
    /// `relatime_need_update`). Returns whether it moved. `st_ctime` is not changed.
    pub fn mark_accessed(&mut self, inode: InodeNumber, now: Timestamp) -> Result<bool, Errno> {
        let target = self.inode_mut(inode)?;
        let is_stale = target.accessed <= target.modified
            || target.accessed <= target.changed
            || now.seconds.saturating_sub(target.accessed.seconds) >= RELATIME_INTERVAL_SECONDS;
        if !is_stale || target.accessed == now {
            return Ok(false);
        }
        target.accessed = now;
        Ok(true)
    }
}
