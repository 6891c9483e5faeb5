//! File permission checks: Linux's `generic_permission` for owner, group and others.

use errno::{Errno, Result};

use super::filesystem::{FileType, Metadata};

/// The identity a process acts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    pub uid: u32,
    pub gid: u32,
    pub effective_uid: u32,
    pub effective_gid: u32,
}

impl Credentials {
    /// Root, as PID 1 starts.
    pub const ROOT: Credentials = Credentials {
        uid: 0,
        gid: 0,
        effective_uid: 0,
        effective_gid: 0,
    };
}

/// Requested access, as the `rwx` bits of `access(2)`'s mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access(u32);

impl Access {
    pub const READ: Access = Access(4);
    pub const WRITE: Access = Access(2);
    pub const EXECUTE: Access = Access(1);

    /// From `access(2)`'s `R_OK | W_OK | X_OK`.
    pub const fn from_bits(bits: u32) -> Access {
        Access(bits & 7)
    }

    pub const fn union(self, other: Access) -> Access {
        Access(self.0 | other.0)
    }

    fn includes(self, other: Access) -> bool {
        self.0 & other.0 == other.0
    }
}

/// `EACCES` unless `credentials` may access the file as `wanted`.
///
/// Root (effective uid 0) may read and write anything and execute anything with at least one
/// execute bit, and search every directory (`CAP_DAC_OVERRIDE`, fs/namei.c).
pub fn check_access(metadata: &Metadata, credentials: &Credentials, wanted: Access) -> Result<()> {
    if credentials.effective_uid == 0 {
        let needs_execute_bit =
            wanted.includes(Access::EXECUTE) && metadata.file_type != FileType::Directory;
        if needs_execute_bit && metadata.mode & 0o111 == 0 {
            return Err(Errno::EACCES);
        }
        return Ok(());
    }
    let shift = if metadata.uid == credentials.effective_uid {
        6
    } else if metadata.gid == credentials.effective_gid {
        3
    } else {
        0
    };
    let granted = Access::from_bits(metadata.mode >> shift);
    if granted.includes(wanted) {
        Ok(())
    } else {
        Err(Errno::EACCES)
    }
}
