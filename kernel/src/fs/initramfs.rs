//! Unpacking the initrd into the root tmpfs, as Linux's `init/initramfs.c` does.
//!
//! Before the initrd, the root gets what Linux's built-in initramfs (`usr/default_cpio_list`)
//! always holds: `/dev`, `/dev/console` and `/root`, so that init has a console even when the
//! archive brings none. Each archive entry then becomes one [`Action`], applied like Linux's
//! `do_name`/`do_copy`/`do_symlink`: a failed step is skipped and the next entry goes on. A
//! malformed archive stops unpacking with a message naming the entry; what came before stays.

use alloc::vec::Vec;

use cpio::Action;
use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::{
    device,
    filesystem::{DeviceNumber, FileType, TimeChange, Timestamp},
    mount::Location,
    operations::{self, RemoveKind},
    path::{FollowLast, Walk},
    permission::Credentials,
};

/// Decompressed initrd bytes allowed: a gzip bomb stops here rather than exhausting memory.
const DECOMPRESSED_LIMIT_BYTES: usize = 1 << 30;

/// Creates the built-in entries, then unpacks `initrd` (if any) into the tree at `root`.
pub fn populate(root: &Location, initrd: Option<&[u8]>) {
    let walk = Walk {
        root,
        start: root,
        credentials: &Credentials::ROOT,
    };
    let built_in = [
        Action::Directory {
            path: b"dev",
            mode: linux::S_IFDIR | 0o755,
            uid: 0,
            gid: 0,
            mtime_seconds: 0,
        },
        Action::Node {
            path: b"dev/console",
            kind: cpio::NodeKind::CharacterDevice,
            mode: linux::S_IFCHR | 0o600,
            rdev_major: device::CONSOLE.major,
            rdev_minor: device::CONSOLE.minor,
            uid: 0,
            gid: 0,
            mtime_seconds: 0,
        },
        Action::Directory {
            path: b"root",
            mode: linux::S_IFDIR | 0o700,
            uid: 0,
            gid: 0,
            mtime_seconds: 0,
        },
    ];
    let mut directory_times = Vec::new();
    for action in built_in {
        apply(&walk, action, &mut directory_times);
    }
    let Some(initrd) = initrd else {
        log::info!("initramfs: no initrd given");
        return;
    };
    let result = cpio::unpack(initrd, DECOMPRESSED_LIMIT_BYTES, |action| {
        apply(&walk, action, &mut directory_times);
        Ok(())
    });
    match result {
        Ok(summary) => log::info!(
            "initramfs: unpacked {} entries from {} bytes",
            summary.actions,
            initrd.len()
        ),
        Err(error) => log::error!("initramfs: unpacking stopped: {error}; earlier entries kept"),
    }
    for (path, seconds) in directory_times {
        set_mtime(&walk, &path, seconds);
    }
}

fn apply(walk: &Walk<'_>, action: Action<'_>, directory_times: &mut Vec<(Vec<u8>, u32)>) {
    let path = action.path();
    let outcome = match action {
        Action::Directory {
            mode,
            uid,
            gid,
            mtime_seconds,
            ..
        } => {
            let made = operations::make_directory(walk, path, mode, 0);
            if made.is_ok() || made == Err(Errno::EEXIST) {
                directory_times.push((path.to_vec(), mtime_seconds));
            }
            set_owner_and_mode(walk, path, uid, gid, mode)
        }
        Action::File {
            mode,
            uid,
            gid,
            mtime_seconds,
            data,
            ..
        } => write_file(walk, path, mode, uid, gid, data)
            .map(|()| set_mtime(walk, path, mtime_seconds)),
        Action::Symlink {
            target,
            mtime_seconds,
            ..
        } => {
            let _ = operations::remove(walk, path, RemoveKind::File);
            operations::make_symlink(walk, target, path)
                .map(|()| set_mtime_of(walk, path, mtime_seconds, FollowLast::NoFollow))
        }
        Action::HardLink {
            existing_path,
            file,
            ..
        } => link(walk, path, existing_path, file),
        Action::Node {
            mode,
            rdev_major,
            rdev_minor,
            uid,
            gid,
            mtime_seconds,
            ..
        } => {
            let rdev = DeviceNumber::new(rdev_major, rdev_minor);
            operations::make_node(walk, path, mode, 0, rdev)
                .and_then(|()| set_owner_and_mode(walk, path, uid, gid, mode))
                .map(|()| set_mtime(walk, path, mtime_seconds))
        }
    };
    if let Err(error) = outcome {
        log::warn!(
            "initramfs: {}: {error}",
            core::str::from_utf8(path).unwrap_or("<non-UTF-8 name>")
        );
    }
}

fn write_file(
    walk: &Walk<'_>,
    path: &[u8],
    mode: u32,
    uid: u32,
    gid: u32,
    data: &[u8],
) -> Result<()> {
    if let Ok(existing) = walk.resolve(path, FollowLast::NoFollow)
        && existing.metadata()?.file_type != FileType::Regular
    {
        let _ = operations::remove(walk, path, RemoveKind::File);
        let _ = operations::remove(walk, path, RemoveKind::Directory);
    }
    let flags = linux::O_WRONLY | linux::O_CREAT | linux::O_TRUNC;
    let file = operations::open(walk, path, flags, mode, 0)?;
    set_owner_and_mode(walk, path, uid, gid, mode)?;
    file.write_all_at(0, data)
}

fn link(
    walk: &Walk<'_>,
    path: &[u8],
    existing_path: &[u8],
    file: Option<cpio::LinkedFile<'_>>,
) -> Result<()> {
    let _ = operations::remove(walk, path, RemoveKind::File);
    let existing = walk.resolve(existing_path, FollowLast::NoFollow)?;
    operations::make_link(walk, &existing, path)?;
    let Some(file) = file else {
        return Ok(());
    };
    set_owner_and_mode(walk, path, file.uid, file.gid, file.mode)?;
    if !file.data.is_empty() {
        existing.filesystem().truncate(existing.inode, 0)?;
        let opened = operations::open(walk, path, linux::O_WRONLY, 0, 0)?;
        opened.write_all_at(0, file.data)?;
    }
    set_mtime(walk, path, file.mtime_seconds);
    Ok(())
}

fn set_owner_and_mode(walk: &Walk<'_>, path: &[u8], uid: u32, gid: u32, mode: u32) -> Result<()> {
    let location = walk.resolve(path, FollowLast::NoFollow)?;
    location
        .filesystem()
        .set_owner(location.inode, Some(uid), Some(gid))?;
    location
        .filesystem()
        .set_mode(location.inode, mode & 0o7777)
}

fn set_mtime(walk: &Walk<'_>, path: &[u8], seconds: u32) {
    set_mtime_of(walk, path, seconds, FollowLast::Follow);
}

/// Sets atime and mtime of `path` (of a symlink itself with `NoFollow`); failures are
/// skipped, as Linux's `do_utime` ignores them.
fn set_mtime_of(walk: &Walk<'_>, path: &[u8], seconds: u32, follow: FollowLast) {
    if let Ok(location) = walk.resolve(path, follow) {
        let time = TimeChange::Set(Timestamp::new(i64::from(seconds), 0));
        let _ = location.filesystem().set_times(location.inode, time, time);
    }
}
