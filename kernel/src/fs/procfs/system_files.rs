//! The machine-wide files of `/proc`: `cpuinfo`, `filesystems`, `meminfo`, `mounts`,
//! `uptime`.

use alloc::vec::Vec;

use errno::{Errno, Result};
use procfs_text::{MemoryFigures, MountFlags};

use super::{arch, nodes::SystemFile};
use crate::{
    fs::{
        mount::{self, Mount},
        path,
        permission::Credentials,
    },
    time,
};

/// The filesystem types `mount(2)` knows, with whether they need a device: `/proc/filesystems`.
pub const FILESYSTEM_TYPES: [(&str, bool); 3] =
    [("tmpfs", false), ("proc", false), ("devtmpfs", false)];

/// The bytes of `file`.
pub fn contents(file: SystemFile) -> Result<Vec<u8>> {
    Ok(match file {
        SystemFile::Cpuinfo => arch::cpuinfo().into_bytes(),
        SystemFile::Filesystems => filesystems(),
        SystemFile::Meminfo => procfs_text::meminfo(&memory_figures()).into_bytes(),
        SystemFile::Mounts => mounts()?,
        // Idle time is not accounted yet: Loam's idle loop is not a task (issue 5).
        SystemFile::Uptime => procfs_text::uptime(time::monotonic_nanoseconds(), 0).into_bytes(),
    })
}

/// `nodev\t<type>` for types without a block device, `\t<type>` for the others.
fn filesystems() -> Vec<u8> {
    let mut text = Vec::new();
    for (name, needs_device) in FILESYSTEM_TYPES {
        if !needs_device {
            text.extend_from_slice(b"nodev");
        }
        text.push(b'\t');
        text.extend_from_slice(name.as_bytes());
        text.push(b'\n');
    }
    text
}

/// The same figures `sysinfo(2)` reports: the page allocator's managed and free frames.
/// Nothing is reclaimable yet, so what is available is what is free.
fn memory_figures() -> MemoryFigures {
    let counts = hal::memory::frames::counts();
    let page = hal::memory::PAGE_SIZE;
    MemoryFigures {
        total_bytes: counts.managed * page,
        free_bytes: counts.free * page,
        available_bytes: counts.free * page,
        shared_bytes: 0,
    }
}

/// One line per mount in the tree, oldest first, mount points as seen from `/`.
fn mounts() -> Result<Vec<u8>> {
    let root = mount::tree_root().ok_or(Errno::ENOENT)?;
    let mut text = Vec::new();
    for mount in mount::all_mounts() {
        let point = match mount.mount_point() {
            Some(point) => match path::absolute_path(&root, &point, &Credentials::ROOT) {
                Ok(point) => point,
                // Mounted on a directory since removed: Linux's d_path says so.
                Err(_) => b"(unreachable)".to_vec(),
            },
            None => b"/".to_vec(),
        };
        text.extend_from_slice(&procfs_text::mount_line(
            mount.source.as_bytes(),
            &point,
            mount.filesystem.type_name(),
            flags(&mount),
        ));
    }
    Ok(text)
}

fn flags(mount: &Mount) -> MountFlags {
    MountFlags {
        is_read_only: mount.flags.is_read_only,
        is_nosuid: mount.flags.is_nosuid,
        is_nodev: mount.flags.is_nodev,
        is_noexec: mount.flags.is_noexec,
        is_noatime: mount.flags.is_noatime,
    }
}
