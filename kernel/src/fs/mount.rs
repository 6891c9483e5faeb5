//! Mounts: which filesystem is reachable where, and locations (a mount plus an inode).
//!
//! A [`Location`] names a file the way Linux's `struct path` does: the mount it was reached
//! through and its inode there. Mount points are looked up when a walk enters a directory
//! ([`Location::crossed_down`]) and left upwards by `..` at a filesystem root.

use alloc::{string::String, sync::Arc, vec::Vec};
use core::sync::atomic::{AtomicU64, Ordering};

use errno::{Errno, Result};
use spin::Mutex;

use super::filesystem::{FileSystem, InodeNumber, Metadata};

/// One mounted filesystem.
pub struct Mount {
    /// Unique for the life of the kernel.
    pub id: u64,
    pub filesystem: Arc<dyn FileSystem>,
    /// Where it is mounted; `None` for the root mount.
    pub mounted_on: Option<Location>,
    /// The `source` argument of `mount(2)`, for `/proc/mounts`.
    #[expect(
        dead_code,
        reason = "/proc/mounts reads it once procfs lands (issue 3)"
    )]
    pub source: String,
    /// The `st_dev` of its files: an anonymous device (major 0), as Linux gives tmpfs.
    pub device: u64,
}

/// A file as reached by a path: a mount and an inode on it.
#[derive(Clone)]
pub struct Location {
    pub mount: Arc<Mount>,
    pub inode: InodeNumber,
}

/// A location that keeps its inode alive while held, as Linux's reference on a working
/// directory's dentry does: a removed working directory stays a dead directory (lookups in it
/// fail with `ENOENT`) instead of a stale inode number.
pub struct PinnedLocation(Location);

impl PinnedLocation {
    pub fn new(location: Location) -> Self {
        location.filesystem().open_reference(location.inode);
        Self(location)
    }
}

impl core::ops::Deref for PinnedLocation {
    type Target = Location;

    fn deref(&self) -> &Location {
        &self.0
    }
}

impl Clone for PinnedLocation {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl Drop for PinnedLocation {
    fn drop(&mut self) {
        self.0.filesystem().release_reference(self.0.inode);
    }
}

static NEXT_MOUNT_ID: AtomicU64 = AtomicU64::new(1);
static MOUNTS: Mutex<Vec<Arc<Mount>>> = Mutex::new(Vec::new());

impl Location {
    /// The root of `mount`.
    pub fn root_of(mount: &Arc<Mount>) -> Self {
        Self {
            mount: mount.clone(),
            inode: mount.filesystem.root(),
        }
    }

    pub fn filesystem(&self) -> &Arc<dyn FileSystem> {
        &self.mount.filesystem
    }

    pub fn metadata(&self) -> Result<Metadata> {
        self.mount.filesystem.metadata(self.inode)
    }

    /// Whether both name the same file through the same mount.
    pub fn is_same(&self, other: &Location) -> bool {
        self.mount.id == other.mount.id && self.inode == other.inode
    }

    /// Whether this is the root of its mount.
    pub fn is_mount_root(&self) -> bool {
        self.inode == self.mount.filesystem.root()
    }

    /// The root of the most recent mount on this location, repeatedly, or the location itself.
    pub fn crossed_down(self) -> Location {
        let mut location = self;
        while let Some(mount) = mount_on(&location) {
            location = Location::root_of(&mount);
        }
        location
    }
}

/// The newest mount whose mount point is `location`.
fn mount_on(location: &Location) -> Option<Arc<Mount>> {
    MOUNTS
        .lock()
        .iter()
        .rev()
        .find(|mount| {
            mount
                .mounted_on
                .as_ref()
                .is_some_and(|point| point.is_same(location))
        })
        .cloned()
}

/// Creates a mount of `filesystem` on `point` (or the root mount when `point` is `None`).
pub fn mount(filesystem: Arc<dyn FileSystem>, point: Option<Location>, source: &str) -> Arc<Mount> {
    let id = NEXT_MOUNT_ID.fetch_add(1, Ordering::Relaxed);
    let mount = Arc::new(Mount {
        id,
        filesystem,
        mounted_on: point,
        source: String::from(source),
        device: id,
    });
    MOUNTS.lock().push(mount.clone());
    mount
}

/// Removes the mount whose root is `root` (`umount2`).
///
/// `EINVAL` if `root` is not a mount's root or is the root mount; `EBUSY` if something is
/// mounted on top of or inside it.
pub fn unmount(root: &Location) -> Result<()> {
    if !root.is_mount_root() || root.mount.mounted_on.is_none() {
        return Err(Errno::EINVAL);
    }
    let mut mounts = MOUNTS.lock();
    let has_children = mounts.iter().any(|mount| {
        mount
            .mounted_on
            .as_ref()
            .is_some_and(|point| point.mount.id == root.mount.id)
    });
    if has_children {
        return Err(Errno::EBUSY);
    }
    mounts.retain(|mount| mount.id != root.mount.id);
    Ok(())
}

/// Every mount, oldest first (for `/proc/mounts`).
#[expect(
    dead_code,
    reason = "/proc/mounts reads it once procfs lands (issue 3)"
)]
pub fn all_mounts() -> Vec<Arc<Mount>> {
    MOUNTS.lock().clone()
}
