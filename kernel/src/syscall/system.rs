//! Filesystems as a whole: mount(2), umount2(2), statfs(2), sync(2), mknod(2).

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::{
    files::sys_mknodat,
    user_memory::{Field, pack, read_path, write_bytes},
};
use crate::{
    fs::{
        self,
        filesystem::FileType,
        mount::{Location, MountFlags, UnmountMode},
        path::FollowLast,
    },
    task::process::Process,
};

pub fn sys_mknod(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_mknodat(
        process,
        &[
            linux::AT_FDCWD as u64,
            arguments[0],
            arguments[1],
            arguments[2],
            0,
            0,
        ],
    )
}

/// `struct statfs` of x86_64 (120 bytes).
fn statfs_bytes(location: &Location) -> alloc::vec::Vec<u8> {
    let figures = location.filesystem().statistics();
    pack(&[
        Field::U64(figures.magic),
        Field::U64(figures.block_size),
        Field::U64(figures.total_blocks),
        Field::U64(figures.free_blocks),
        Field::U64(figures.free_blocks),
        Field::U64(figures.total_inodes),
        Field::U64(figures.free_inodes),
        Field::U32(location.mount.device as u32),
        Field::U32(0),
        Field::U64(figures.name_max),
        Field::U64(figures.block_size),
        Field::U64(0),
        Field::Padding(32),
    ])
}

pub fn sys_statfs(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let path = read_path(process, arguments[0])?;
    let location = process.walk().resolve(&path, FollowLast::Follow)?;
    write_bytes(process, arguments[1], &statfs_bytes(&location)).map(|()| 0)
}

pub fn sys_fstatfs(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let location = process.files.get(arguments[0] as i32)?.location.clone();
    write_bytes(process, arguments[1], &statfs_bytes(&location)).map(|()| 0)
}

/// sync(2): nothing is cached on the way to a disk; everything already is where it lives.
pub fn sys_sync(_process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(0)
}

/// mount(2) of the filesystems Loam has (`fs::filesystem_of_type`). Other types give
/// `ENODEV`, as Linux does for a type it does not know.
pub fn sys_mount(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [source, target, filesystem_type, flags, ..] = *arguments;
    if process.credentials.effective_uid != 0 {
        return Err(Errno::EPERM);
    }
    if flags & u64::from(linux::MS_REMOUNT | linux::MS_BIND | linux::MS_MOVE) != 0 {
        log::warn!("mount: remount, bind and move mounts are not supported yet");
        return Err(Errno::EINVAL);
    }
    let source = if source == 0 {
        alloc::vec::Vec::new()
    } else {
        read_path(process, source)?
    };
    let target = read_path(process, target)?;
    let filesystem_type = read_path(process, filesystem_type)?;
    let point = process.walk().resolve(&target, FollowLast::Follow)?;
    if point.metadata()?.file_type != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    let Some(filesystem) = fs::filesystem_of_type(&filesystem_type) else {
        log::warn!(
            "mount: filesystem type {} is not supported",
            core::str::from_utf8(&filesystem_type).unwrap_or("?")
        );
        return Err(Errno::ENODEV);
    };
    let source = core::str::from_utf8(&source).unwrap_or("none");
    fs::mount::mount(filesystem, Some(point), source, mount_flags(flags));
    Ok(0)
}

fn mount_flags(flags: u64) -> MountFlags {
    let has = |flag: u32| flags & u64::from(flag) != 0;
    MountFlags {
        is_read_only: has(linux::MS_RDONLY),
        is_nosuid: has(linux::MS_NOSUID),
        is_nodev: has(linux::MS_NODEV),
        is_noexec: has(linux::MS_NOEXEC),
        is_noatime: has(linux::MS_NOATIME),
    }
}

/// umount2(2): a busy mount gives `EBUSY` unless `MNT_DETACH` detaches it lazily.
pub fn sys_umount2(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [target, flags, ..] = *arguments;
    if process.credentials.effective_uid != 0 {
        return Err(Errno::EPERM);
    }
    let known = u64::from(
        linux::MNT_FORCE | linux::MNT_DETACH | linux::MNT_EXPIRE | linux::UMOUNT_NOFOLLOW,
    );
    if flags & !known != 0 {
        return Err(Errno::EINVAL);
    }
    let follow = if flags & u64::from(linux::UMOUNT_NOFOLLOW) != 0 {
        FollowLast::NoFollow
    } else {
        FollowLast::Follow
    };
    let mode = if flags & u64::from(linux::MNT_DETACH) != 0 {
        UnmountMode::Detach
    } else {
        UnmountMode::RefuseBusy
    };
    let target = read_path(process, target)?;
    let root = process.walk().resolve(&target, follow)?;
    fs::mount::unmount(&root, mode).map(|()| 0)
}
