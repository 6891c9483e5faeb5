//! The argument and result types of [`Tmpfs`](crate::Tmpfs)'s operations.
//!
//! Each type replaces what would otherwise be a flag or a loose group of numbers, so a call reads
//! as what it asks for (`RenameMode::Exchange`, `TimeChange::Now`).

use errno::Errno;
use linux_raw_sys::general as linux;

use crate::metadata::{DeviceNumber, FileType, InodeNumber, Timestamp};

/// Who owns a new inode. The kernel computes it from the caller's credentials and the parent
/// directory (Linux's `inode_init_owner`: a set-group-ID parent passes its group down).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Owner {
    /// Owner user ID.
    pub uid: u32,
    /// Owner group ID.
    pub gid: u32,
}

impl Owner {
    /// An owner from user and group IDs.
    pub const fn new(uid: u32, gid: u32) -> Self {
        Self { uid, gid }
    }
}

/// What [`Tmpfs::create`](crate::Tmpfs::create) makes: any type but a symlink, which has its own
/// operation because it needs a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewNode {
    /// The type to create.
    pub file_type: FileType,
    /// Permission, set-id and sticky bits (`mode & 07777`); the kernel has already applied the
    /// umask. Other bits are ignored.
    pub permission_bits: u32,
    /// The new inode's owner.
    pub owner: Owner,
    /// The device a device node names; ignored for other types, as `mknod(2)` ignores `dev`.
    pub rdev: DeviceNumber,
}

impl NewNode {
    /// A new node of `file_type` with no device number.
    pub const fn new(file_type: FileType, permission_bits: u32, owner: Owner) -> Self {
        Self {
            file_type,
            permission_bits,
            owner,
            rdev: DeviceNumber::NONE,
        }
    }

    /// A new character or block device node.
    pub const fn device(
        file_type: FileType,
        permission_bits: u32,
        owner: Owner,
        rdev: DeviceNumber,
    ) -> Self {
        Self {
            file_type,
            permission_bits,
            owner,
            rdev,
        }
    }
}

/// How [`Tmpfs::set_times`](crate::Tmpfs::set_times) changes one timestamp, mirroring
/// `utimensat(2)`'s `UTIME_OMIT` and `UTIME_NOW`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeChange {
    /// Leave this timestamp alone (`UTIME_OMIT`).
    Omit,
    /// Set it to the operation's `now` (`UTIME_NOW`).
    Now,
    /// Set it to this time.
    Set(Timestamp),
}

/// What [`Tmpfs::rename`](crate::Tmpfs::rename) does when the new name exists (`renameat2(2)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameMode {
    /// Replace an existing target (plain `rename(2)`).
    Replace,
    /// Fail with `EEXIST` if the target exists (`RENAME_NOREPLACE`).
    NoReplace,
    /// Swap the two names atomically; both must exist (`RENAME_EXCHANGE`).
    Exchange,
}

impl RenameMode {
    /// The mode `renameat2(2)`'s `flags` ask for, with its checks (fs/namei.c `do_renameat2`):
    /// unknown bits, or `RENAME_EXCHANGE` with another flag, are `EINVAL`. `RENAME_WHITEOUT`
    /// (overlayfs's private flag, which needs `CAP_MKNOD`) is not supported here: `EINVAL`.
    pub fn from_linux_flags(flags: u32) -> Result<RenameMode, Errno> {
        match flags {
            0 => Ok(RenameMode::Replace),
            linux::RENAME_NOREPLACE => Ok(RenameMode::NoReplace),
            linux::RENAME_EXCHANGE => Ok(RenameMode::Exchange),
            _ => Err(Errno::EINVAL),
        }
    }
}

/// Size limits of one filesystem instance, as tmpfs's `size=` and `nr_inodes=` mount options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of data pages (rounded up to whole pages); `None` for no limit. Allocating a
    /// page beyond it fails with `ENOSPC`.
    pub max_bytes: Option<u64>,
    /// Most inodes, the root included; `None` for no limit. Creating one more fails with
    /// `ENOSPC`.
    pub max_inodes: Option<u64>,
}

/// How much of the filesystem is in use, for `statfs(2)` and for leak checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Live inodes, the root included.
    pub inodes: u64,
    /// Bytes in allocated pages: file data and long symlink targets.
    pub bytes: u64,
}

/// One entry that [`Tmpfs::read_directory`](crate::Tmpfs::read_directory) visits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirectoryEntry<'name> {
    /// The entry's name, without a terminating NUL.
    pub name: &'name [u8],
    /// The inode it names.
    pub inode: InodeNumber,
    /// The inode's type, for `d_type`.
    pub file_type: FileType,
    /// This entry's position: reading from it yields this entry first.
    pub cookie: u64,
    /// The position after this entry, which `getdents64(2)` reports as `d_off`.
    pub next_cookie: u64,
}
