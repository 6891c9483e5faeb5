//! Mounts: which filesystem is reachable where, and locations (a mount plus an inode).
//!
//! A [`Location`] names a file the way Linux's `struct path` does: the mount it was reached
//! through and its inode there. Mount points are looked up when a walk enters a directory
//! ([`Location::crossed_down`]) and left upwards by `..` at a filesystem root.
//!
//! A mount's use count is the count of `Arc<Mount>`s: the mount list holds one, and every
//! [`Location`] held by an open file, a working directory, a process's executable or a mount
//! on top holds another. `umount2` refuses a mount in use with `EBUSY` unless asked to
//! detach it (`MNT_DETACH`), which takes it out of the tree at once and leaves it to its
//! users until the last one lets go, its root then being its own parent.

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
    /// Where it is mounted; `None` for the root mount and once detached.
    mounted_on: Mutex<Option<Location>>,
    /// The `source` argument of `mount(2)`, for `/proc/mounts`.
    pub source: String,
    /// The `st_dev` of its files: an anonymous device (major 0), as Linux gives tmpfs.
    pub device: u64,
    pub flags: MountFlags,
}

/// The per-mount flags of `mount(2)` that Loam keeps (`MS_RDONLY`, `MS_NOSUID` ...).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MountFlags {
    /// `MS_RDONLY`: creating, changing or removing files fails with `EROFS`.
    pub is_read_only: bool,
    pub is_nosuid: bool,
    pub is_nodev: bool,
    pub is_noexec: bool,
    pub is_noatime: bool,
}

/// How `umount2` treats a mount still in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnmountMode {
    /// Fail with `EBUSY`.
    RefuseBusy,
    /// `MNT_DETACH`: take it and the mounts inside it out of the tree now.
    Detach,
}

impl Mount {
    /// Where it is mounted: `None` for the root mount and for a detached mount.
    pub fn mount_point(&self) -> Option<Location> {
        self.mounted_on.lock().clone()
    }
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

    /// `EROFS` if the file is on a read-only mount (Linux's `mnt_want_write`).
    pub fn require_writable_mount(&self) -> Result<()> {
        if self.mount.flags.is_read_only {
            Err(Errno::EROFS)
        } else {
            Ok(())
        }
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
                .lock()
                .as_ref()
                .is_some_and(|point| point.is_same(location))
        })
        .cloned()
}

/// Creates a mount of `filesystem` on `point` (or the root mount when `point` is `None`).
pub fn mount(
    filesystem: Arc<dyn FileSystem>,
    point: Option<Location>,
    source: &str,
    flags: MountFlags,
) -> Arc<Mount> {
    let id = NEXT_MOUNT_ID.fetch_add(1, Ordering::Relaxed);
    let mount = Arc::new(Mount {
        id,
        filesystem,
        mounted_on: Mutex::new(point),
        source: String::from(source),
        device: id,
        flags,
    });
    MOUNTS.lock().push(mount.clone());
    mount
}

/// Removes the mount whose root is `root` (`umount2`).
///
/// `EINVAL` if `root` is not the root of a mount in the tree or is the root mount. Unless
/// detaching: `EBUSY` if something is mounted on top of or inside it, or anything but the
/// mount list and `root` itself refers to it.
pub fn unmount(root: &Location, mode: UnmountMode) -> Result<()> {
    if !root.is_mount_root() || root.mount.mount_point().is_none() {
        return Err(Errno::EINVAL);
    }
    let mut mounts = MOUNTS.lock();
    let is_children_of = |mount: &Arc<Mount>, ids: &[u64]| {
        mount
            .mounted_on
            .lock()
            .as_ref()
            .is_some_and(|point| ids.contains(&point.mount.id))
    };
    let mut removed = alloc::vec![root.mount.id];
    if mode == UnmountMode::RefuseBusy {
        const LIST_AND_CALLER: usize = 2;
        let has_children = mounts.iter().any(|mount| is_children_of(mount, &removed));
        if has_children || Arc::strong_count(&root.mount) > LIST_AND_CALLER {
            return Err(Errno::EBUSY);
        }
    } else {
        while let Some(child) = mounts
            .iter()
            .find(|mount| !removed.contains(&mount.id) && is_children_of(mount, &removed))
        {
            removed.push(child.id);
        }
    }
    mounts.retain(|mount| {
        let is_removed = removed.contains(&mount.id);
        if is_removed {
            mount.mounted_on.lock().take();
        }
        !is_removed
    });
    Ok(())
}

/// Every mount in the tree, oldest first (for `/proc/mounts`).
pub fn all_mounts() -> Vec<Arc<Mount>> {
    MOUNTS.lock().clone()
}

/// The root of the root mount: `/` of the whole tree.
pub fn tree_root() -> Option<Location> {
    MOUNTS
        .lock()
        .iter()
        .find(|mount| mount.mount_point().is_none())
        .map(Location::root_of)
}
