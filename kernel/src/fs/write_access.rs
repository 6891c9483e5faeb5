//! Write access against execution: `ETXTBSY`.
//!
//! Linux keeps a count per inode (`i_writecount`): positive while files are open for writing,
//! negative while programs run from it (`exe_file_deny_write_access`). Opening a running
//! program for writing, or truncating it, fails with `ETXTBSY`, and so does executing a file
//! that is open for writing. Both sides hold a guard that gives its count back when dropped.

use alloc::{collections::BTreeMap, sync::Arc};

use errno::{Errno, Result};
use spin::Mutex;

use super::{filesystem::InodeNumber, mount::Location};

/// An inode across all filesystems: the filesystem instance's address (one instance may be
/// mounted in several places) and the inode number.
type InodeKey = (usize, InodeNumber);

/// Writers (positive) or executions (negative) of each inode that has any.
static COUNTS: Mutex<BTreeMap<InodeKey, i64>> = Mutex::new(BTreeMap::new());

fn key(location: &Location) -> InodeKey {
    let filesystem = Arc::as_ptr(&location.mount.filesystem).cast::<()>() as usize;
    (filesystem, location.inode)
}

/// Moves the count of `key` by `step` unless it has the other sign; `ETXTBSY` then.
fn acquire(key: InodeKey, step: i64) -> Result<()> {
    let mut counts = COUNTS.lock();
    let count = counts.get(&key).copied().unwrap_or(0);
    if count.signum() == -step.signum() {
        return Err(Errno::ETXTBSY);
    }
    counts.insert(key, count + step);
    Ok(())
}

fn release(key: InodeKey, step: i64) {
    let mut counts = COUNTS.lock();
    if let Some(count) = counts.get_mut(&key) {
        *count -= step;
        if *count == 0 {
            counts.remove(&key);
        }
    }
}

/// Held by a file open for writing (`get_write_access`).
pub struct WriteAccess(InodeKey);

impl WriteAccess {
    /// `ETXTBSY` while a process runs the file.
    pub fn acquire(location: &Location) -> Result<Self> {
        let key = key(location);
        acquire(key, 1)?;
        Ok(Self(key))
    }

    /// Fails with `ETXTBSY` if a process runs the file; holds nothing (`truncate(2)`).
    pub fn check(location: &Location) -> Result<()> {
        Self::acquire(location).map(drop)
    }
}

impl Drop for WriteAccess {
    fn drop(&mut self) {
        release(self.0, 1);
    }
}

/// Held by a process for the program it runs (`deny_write_access`).
pub struct ExecutionAccess(InodeKey);

impl ExecutionAccess {
    /// `ETXTBSY` while the file is open for writing.
    pub fn acquire(location: &Location) -> Result<Self> {
        let key = key(location);
        acquire(key, -1)?;
        Ok(Self(key))
    }
}

impl Drop for ExecutionAccess {
    fn drop(&mut self) {
        release(self.0, -1);
    }
}
