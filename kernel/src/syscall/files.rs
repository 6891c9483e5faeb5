//! Paths and metadata: open(2), stat(2), getdents64(2), mkdir(2), unlink(2), rename(2),
//! link(2), symlink(2), readlink(2), access(2), chmod(2), truncate(2), getcwd(2), chdir(2).

use alloc::{sync::Arc, vec::Vec};

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::user_memory::{Field, pack, read_path, write_bytes};
use crate::{
    fs::{
        fd_table::CloseOnExec,
        file::OpenFile,
        filesystem::{FileType, Metadata, RenameMode, TimeChange, Timestamp},
        mount::{Location, PinnedLocation},
        operations::{self, RemoveKind},
        path::{FollowLast, absolute_path},
        permission::{Access, check_access},
    },
    task::process::Process,
};

/// `AT_FDCWD` as the 64-bit register holds it.
const AT_FDCWD: i32 = linux::AT_FDCWD;

/// The directory a `*at` call's `path` starts from. As Linux's `path_init`: an empty path is
/// `ENOENT` before the descriptor is looked at, and an absolute path ignores it.
fn start_location(process: &Process, directory_fd: u64, path: &[u8]) -> Result<Location> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    let fd = directory_fd as i32;
    if fd == AT_FDCWD || path.starts_with(b"/") {
        return Ok(Location::clone(&process.working_directory));
    }
    let file = process.files.get(fd)?;
    if file.file_type != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    Ok(file.location.clone())
}

/// Resolves a `*at` path argument, honouring `AT_EMPTY_PATH` (the fd itself).
fn resolve_at(
    process: &mut Process,
    directory_fd: u64,
    path_address: u64,
    flags: u32,
    follow: FollowLast,
) -> Result<Location> {
    let path = read_path(process, path_address)?;
    if path.is_empty() && flags & linux::AT_EMPTY_PATH != 0 {
        let fd = directory_fd as i32;
        if fd == AT_FDCWD {
            return Ok(Location::clone(&process.working_directory));
        }
        return Ok(process.files.get(fd)?.location.clone());
    }
    let start = start_location(process, directory_fd, &path)?;
    process.walk_from(&start).resolve(&path, follow)
}

pub fn sys_openat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path_address, flags, mode, ..] = *arguments;
    let path = read_path(process, path_address)?;
    let flags = flags as u32;
    let start = start_location(process, directory_fd, &path)?;
    let limit = process.limits.open_files();
    process.files.lowest_free(0, limit)?;
    let file = operations::open(
        &process.walk_from(&start),
        &path,
        flags,
        mode as u32,
        process.umask,
    )?;
    let close_on_exec = if flags & linux::O_CLOEXEC != 0 {
        CloseOnExec::Close
    } else {
        CloseOnExec::Keep
    };
    Ok(process.files.insert(file, close_on_exec, 0, limit)? as u64)
}

pub fn sys_open(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [path, flags, mode, ..] = *arguments;
    sys_openat(process, &[AT_FDCWD as u64, path, flags, mode, 0, 0])
}

pub fn sys_creat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let flags = u64::from(linux::O_CREAT | linux::O_WRONLY | linux::O_TRUNC);
    sys_openat(
        process,
        &[AT_FDCWD as u64, arguments[0], flags, arguments[1], 0, 0],
    )
}

/// `struct stat` of x86_64 (144 bytes).
fn stat_bytes(location: &Location, metadata: &Metadata) -> Vec<u8> {
    pack(&[
        Field::U64(location.mount.device),
        Field::U64(metadata.inode),
        Field::U64(u64::from(metadata.link_count)),
        Field::U32(metadata.mode),
        Field::U32(metadata.uid),
        Field::U32(metadata.gid),
        Field::Padding(4),
        Field::U64(u64::from(metadata.rdev.to_linux_encoding())),
        Field::U64(metadata.size),
        Field::U64(4096),
        Field::U64(metadata.blocks),
        Field::U64(metadata.accessed.seconds as u64),
        Field::U64(u64::from(metadata.accessed.nanoseconds)),
        Field::U64(metadata.modified.seconds as u64),
        Field::U64(u64::from(metadata.modified.nanoseconds)),
        Field::U64(metadata.changed.seconds as u64),
        Field::U64(u64::from(metadata.changed.nanoseconds)),
        Field::Padding(24),
    ])
}

fn follow_flag(flags: u32) -> FollowLast {
    if flags & linux::AT_SYMLINK_NOFOLLOW != 0 {
        FollowLast::NoFollow
    } else {
        FollowLast::Follow
    }
}

pub fn sys_newfstatat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, buffer, flags, ..] = *arguments;
    let flags = flags as u32;
    if flags & !(linux::AT_SYMLINK_NOFOLLOW | linux::AT_EMPTY_PATH | linux::AT_NO_AUTOMOUNT) != 0 {
        return Err(Errno::EINVAL);
    }
    let location = resolve_at(process, directory_fd, path, flags, follow_flag(flags))?;
    let bytes = stat_bytes(&location, &location.metadata()?);
    write_bytes(process, buffer, &bytes).map(|()| 0)
}

pub fn sys_stat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_newfstatat(
        process,
        &[AT_FDCWD as u64, arguments[0], arguments[1], 0, 0, 0],
    )
}

pub fn sys_lstat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let flags = u64::from(linux::AT_SYMLINK_NOFOLLOW);
    sys_newfstatat(
        process,
        &[AT_FDCWD as u64, arguments[0], arguments[1], flags, 0, 0],
    )
}

pub fn sys_fstat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let file = process.files.get(arguments[0] as i32)?;
    let bytes = stat_bytes(&file.location, &file.location.metadata()?);
    write_bytes(process, arguments[1], &bytes).map(|()| 0)
}

pub fn sys_statx(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, flags, mask, buffer, ..] = *arguments;
    let flags = flags as u32;
    // do_statx and vfs_statx's argument checks, before the path is looked at.
    let known_flags = linux::AT_SYMLINK_NOFOLLOW
        | linux::AT_NO_AUTOMOUNT
        | linux::AT_EMPTY_PATH
        | linux::AT_STATX_SYNC_TYPE;
    if flags & linux::AT_STATX_SYNC_TYPE == linux::AT_STATX_SYNC_TYPE
        || mask as u32 & linux::STATX__RESERVED != 0
        || flags & !known_flags != 0
    {
        return Err(Errno::EINVAL);
    }
    let location = resolve_at(process, directory_fd, path, flags, follow_flag(flags))?;
    let metadata = location.metadata()?;
    let timestamp = |time: Timestamp| {
        [
            Field::U64(time.seconds as u64),
            Field::U32(time.nanoseconds),
            Field::Padding(4),
        ]
    };
    let mut fields = alloc::vec![
        Field::U32(linux::STATX_BASIC_STATS),
        Field::U32(4096),
        Field::U64(0),
        Field::U32(metadata.link_count),
        Field::U32(metadata.uid),
        Field::U32(metadata.gid),
        Field::U16(metadata.mode as u16),
        Field::Padding(2),
        Field::U64(metadata.inode),
        Field::U64(metadata.size),
        Field::U64(metadata.blocks),
        Field::U64(0),
    ];
    fields.extend(timestamp(metadata.accessed));
    fields.extend([Field::Padding(16)]);
    fields.extend(timestamp(metadata.changed));
    fields.extend(timestamp(metadata.modified));
    fields.extend([
        Field::U32(metadata.rdev.major),
        Field::U32(metadata.rdev.minor),
        Field::U32(0),
        Field::U32(location.mount.device as u32),
    ]);
    let mut bytes = pack(&fields);
    bytes.resize(256, 0);
    write_bytes(process, buffer, &bytes).map(|()| 0)
}

pub fn sys_getdents64(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [fd, buffer, count, ..] = *arguments;
    let file = process.files.get(fd as i32)?;
    let capacity = (count as usize).min(64 * 1024);
    let mut out: Vec<u8> = Vec::new();
    let mut is_too_small = false;
    file.read_directory(&mut |entry| {
        let record_length = (19 + entry.name.len() + 1).next_multiple_of(8);
        if out.len() + record_length > capacity {
            is_too_small = out.is_empty();
            return false;
        }
        let start = out.len();
        out.extend_from_slice(&entry.inode.to_le_bytes());
        out.extend_from_slice(&entry.next_cookie.to_le_bytes());
        out.extend_from_slice(&(record_length as u16).to_le_bytes());
        out.push(entry.file_type.directory_entry_type());
        out.extend_from_slice(entry.name);
        out.resize(start + record_length, 0);
        true
    })?;
    if is_too_small {
        return Err(Errno::EINVAL);
    }
    write_bytes(process, buffer, &out)?;
    Ok(out.len() as u64)
}

pub fn sys_mkdirat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, mode, ..] = *arguments;
    let path = read_path(process, path)?;
    let start = start_location(process, directory_fd, &path)?;
    operations::make_directory(
        &process.walk_from(&start),
        &path,
        mode as u32,
        process.umask,
    )
    .map(|()| 0)
}

pub fn sys_mkdir(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_mkdirat(
        process,
        &[AT_FDCWD as u64, arguments[0], arguments[1], 0, 0, 0],
    )
}

pub fn sys_mknodat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, mode, device, ..] = *arguments;
    let path = read_path(process, path)?;
    let start = start_location(process, directory_fd, &path)?;
    let rdev = crate::fs::filesystem::DeviceNumber::from_linux_encoding(device as u32);
    operations::make_node(
        &process.walk_from(&start),
        &path,
        mode as u32,
        process.umask,
        rdev,
    )
    .map(|()| 0)
}

pub fn sys_unlinkat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, flags, ..] = *arguments;
    let kind = match flags as u32 {
        0 => RemoveKind::File,
        linux::AT_REMOVEDIR => RemoveKind::Directory,
        _ => return Err(Errno::EINVAL),
    };
    let path = read_path(process, path)?;
    let start = start_location(process, directory_fd, &path)?;
    operations::remove(&process.walk_from(&start), &path, kind).map(|()| 0)
}

pub fn sys_unlink(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_unlinkat(process, &[AT_FDCWD as u64, arguments[0], 0, 0, 0, 0])
}

pub fn sys_rmdir(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_unlinkat(
        process,
        &[
            AT_FDCWD as u64,
            arguments[0],
            u64::from(linux::AT_REMOVEDIR),
            0,
            0,
            0,
        ],
    )
}

pub fn sys_renameat2(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old_fd, old_path, new_fd, new_path, flags, _] = *arguments;
    let mode = RenameMode::from_linux_flags(flags as u32)?;
    let old_path = read_path(process, old_path)?;
    let new_path = read_path(process, new_path)?;
    let old_start = start_location(process, old_fd, &old_path)?;
    let new_start = start_location(process, new_fd, &new_path)?;
    operations::rename(
        &process.walk_from(&old_start),
        &old_path,
        &process.walk_from(&new_start),
        &new_path,
        mode,
    )
    .map(|()| 0)
}

pub fn sys_renameat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old_fd, old_path, new_fd, new_path, ..] = *arguments;
    sys_renameat2(process, &[old_fd, old_path, new_fd, new_path, 0, 0])
}

pub fn sys_rename(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_renameat2(
        process,
        &[
            AT_FDCWD as u64,
            arguments[0],
            AT_FDCWD as u64,
            arguments[1],
            0,
            0,
        ],
    )
}

pub fn sys_linkat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [old_fd, old_path, new_fd, new_path, flags, _] = *arguments;
    let flags = flags as u32;
    if flags & !(linux::AT_SYMLINK_FOLLOW | linux::AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let follow = if flags & linux::AT_SYMLINK_FOLLOW != 0 {
        FollowLast::Follow
    } else {
        FollowLast::NoFollow
    };
    let existing = resolve_at(process, old_fd, old_path, flags, follow)?;
    let new_path = read_path(process, new_path)?;
    let start = start_location(process, new_fd, &new_path)?;
    operations::make_link(&process.walk_from(&start), &existing, &new_path).map(|()| 0)
}

pub fn sys_link(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_linkat(
        process,
        &[
            AT_FDCWD as u64,
            arguments[0],
            AT_FDCWD as u64,
            arguments[1],
            0,
            0,
        ],
    )
}

pub fn sys_symlinkat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [target, directory_fd, path, ..] = *arguments;
    let target = read_path(process, target)?;
    let path = read_path(process, path)?;
    let start = start_location(process, directory_fd, &path)?;
    operations::make_symlink(&process.walk_from(&start), &target, &path).map(|()| 0)
}

pub fn sys_symlink(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_symlinkat(
        process,
        &[arguments[0], AT_FDCWD as u64, arguments[1], 0, 0, 0],
    )
}

pub fn sys_readlinkat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, buffer, size, ..] = *arguments;
    if size as i64 <= 0 {
        return Err(Errno::EINVAL);
    }
    let location = resolve_at(
        process,
        directory_fd,
        path,
        linux::AT_EMPTY_PATH,
        FollowLast::NoFollow,
    )?;
    let target = operations::read_link(&location)?;
    let length = target.len().min(size as usize);
    write_bytes(process, buffer, &target[..length])?;
    Ok(length as u64)
}

pub fn sys_readlink(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_readlinkat(
        process,
        &[
            AT_FDCWD as u64,
            arguments[0],
            arguments[1],
            arguments[2],
            0,
            0,
        ],
    )
}

pub fn sys_faccessat2(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, mode, flags, ..] = *arguments;
    let flags = flags as u32;
    if mode & !7 != 0
        || flags & !(linux::AT_EACCESS | linux::AT_SYMLINK_NOFOLLOW | linux::AT_EMPTY_PATH) != 0
    {
        return Err(Errno::EINVAL);
    }
    let location = resolve_at(process, directory_fd, path, flags, follow_flag(flags))?;
    check_access(
        &location.metadata()?,
        &process.credentials,
        Access::from_bits(mode as u32),
    )
    .map(|()| 0)
}

pub fn sys_faccessat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_faccessat2(
        process,
        &[arguments[0], arguments[1], arguments[2], 0, 0, 0],
    )
}

pub fn sys_access(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_faccessat2(
        process,
        &[AT_FDCWD as u64, arguments[0], arguments[1], 0, 0, 0],
    )
}

pub fn sys_getcwd(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [buffer, size, ..] = *arguments;
    let mut path = absolute_path(
        &process.root,
        &process.working_directory,
        &process.credentials,
    )?;
    path.push(0);
    if path.len() > size as usize {
        return Err(Errno::ERANGE);
    }
    write_bytes(process, buffer, &path)?;
    Ok(path.len() as u64)
}

pub fn sys_chdir(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let location = resolve_at(
        process,
        AT_FDCWD as u64,
        arguments[0],
        0,
        FollowLast::Follow,
    )?;
    operations::check_working_directory(&location, &process.credentials)?;
    process.working_directory = PinnedLocation::new(location);
    Ok(0)
}

pub fn sys_fchdir(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let location = process.files.get(arguments[0] as i32)?.location.clone();
    operations::check_working_directory(&location, &process.credentials)?;
    process.working_directory = PinnedLocation::new(location);
    Ok(0)
}

pub fn sys_umask(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let previous = process.umask;
    process.umask = arguments[0] as u32 & 0o777;
    Ok(u64::from(previous))
}

pub fn sys_fchmodat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, mode, ..] = *arguments;
    let location = resolve_at(process, directory_fd, path, 0, FollowLast::Follow)?;
    operations::set_mode(&location, &process.credentials, mode as u32).map(|()| 0)
}

pub fn sys_chmod(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_fchmodat(
        process,
        &[AT_FDCWD as u64, arguments[0], arguments[1], 0, 0, 0],
    )
}

pub fn sys_fchmod(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let file = process.files.get(arguments[0] as i32)?;
    operations::set_mode(&file.location, &process.credentials, arguments[1] as u32).map(|()| 0)
}

pub fn sys_fchownat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, uid, gid, flags, _] = *arguments;
    let flags = flags as u32;
    let location = resolve_at(process, directory_fd, path, flags, follow_flag(flags))?;
    operations::set_owner(&location, &process.credentials, uid as u32, gid as u32).map(|()| 0)
}

pub fn sys_chown(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_fchownat(
        process,
        &[
            AT_FDCWD as u64,
            arguments[0],
            arguments[1],
            arguments[2],
            0,
            0,
        ],
    )
}

pub fn sys_lchown(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let flags = u64::from(linux::AT_SYMLINK_NOFOLLOW);
    sys_fchownat(
        process,
        &[
            AT_FDCWD as u64,
            arguments[0],
            arguments[1],
            arguments[2],
            flags,
            0,
        ],
    )
}

pub fn sys_fchown(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let file = process.files.get(arguments[0] as i32)?;
    operations::set_owner(
        &file.location,
        &process.credentials,
        arguments[1] as u32,
        arguments[2] as u32,
    )
    .map(|()| 0)
}

pub fn sys_truncate(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let location = resolve_at(
        process,
        AT_FDCWD as u64,
        arguments[0],
        0,
        FollowLast::Follow,
    )?;
    operations::truncate(&location, &process.credentials, arguments[1] as i64).map(|()| 0)
}

pub fn sys_ftruncate(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let file: Arc<OpenFile> = process.files.get(arguments[0] as i32)?;
    if !file.is_writable() {
        return Err(Errno::EINVAL);
    }
    operations::truncate(&file.location, &process.credentials, arguments[1] as i64).map(|()| 0)
}

/// fsync(2), fdatasync(2): every Loam filesystem lives in memory, so there is nothing to
/// write back; the descriptor is still checked.
pub fn sys_fsync(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    process.files.get(arguments[0] as i32).map(|_| 0)
}

pub fn sys_utimensat(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [directory_fd, path, times, flags, ..] = *arguments;
    let flags = flags as u32;
    let location = if path == 0 {
        process.files.get(directory_fd as i32)?.location.clone()
    } else {
        resolve_at(process, directory_fd, path, flags, follow_flag(flags))?
    };
    let (accessed, modified) = if times == 0 {
        (TimeChange::Now, TimeChange::Now)
    } else {
        let mut raw = [0u8; 32];
        process.memory.copy_from_user(times, &mut raw)?;
        (time_change(&raw[..16])?, time_change(&raw[16..])?)
    };
    location
        .filesystem()
        .set_times(location.inode, accessed, modified)
        .map(|()| 0)
}

/// One `struct timespec` of `utimensat`, with `UTIME_NOW` and `UTIME_OMIT`.
fn time_change(raw: &[u8]) -> Result<TimeChange> {
    let seconds = i64::from_le_bytes(raw[..8].try_into().map_err(|_| Errno::EINVAL)?);
    let nanoseconds = i64::from_le_bytes(raw[8..16].try_into().map_err(|_| Errno::EINVAL)?);
    match nanoseconds {
        value if value == i64::from(linux::UTIME_NOW) => Ok(TimeChange::Now),
        value if value == i64::from(linux::UTIME_OMIT) => Ok(TimeChange::Omit),
        0..=999_999_999 => Ok(TimeChange::Set(Timestamp::new(seconds, nanoseconds as u32))),
        _ => Err(Errno::EINVAL),
    }
}
