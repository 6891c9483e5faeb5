//! The VFS operations system calls use: open, create, remove, rename, link, read a link.
//!
//! Each takes a [`Walk`] (root, starting directory, credentials) and a path, resolves it as
//! Linux does, checks permissions on the directories involved, and asks the filesystem.
//! Errors follow the man pages of the calls (open(2), mkdir(2), unlink(2), rename(2) ...).

use alloc::{sync::Arc, vec::Vec};

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::{
    device,
    file::{Backing, OpenFile},
    filesystem::{DeviceNumber, FileType, NewNode, Owner, RenameMode},
    mount::Location,
    path::{FollowLast, MAX_SYMLINKS, ParentAndName, Walk},
    permission::{Access, Credentials, check_access},
    write_access::WriteAccess,
};

/// Opens (and with `O_CREAT` creates) the file at `path`.
pub fn open(
    walk: &Walk<'_>,
    path: &[u8],
    flags: u32,
    mode: u32,
    umask: u32,
) -> Result<Arc<OpenFile>> {
    let location = if flags & linux::O_CREAT != 0 {
        open_or_create(walk, path, flags, mode, umask)?
    } else {
        let follow = if flags & linux::O_NOFOLLOW != 0 {
            FollowLast::NoFollow
        } else {
            FollowLast::Follow
        };
        walk.resolve(path, follow)?
    };
    open_location(walk, location, flags)
}

/// Opens an already resolved file with `open(2)`'s checks.
pub fn open_location(walk: &Walk<'_>, location: Location, flags: u32) -> Result<Arc<OpenFile>> {
    let metadata = location.metadata()?;
    let file_type = metadata.file_type;
    if flags & linux::O_PATH != 0 {
        if flags & linux::O_DIRECTORY != 0 && file_type != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        return Ok(OpenFile::new(
            location,
            file_type,
            Backing::Inode,
            flags,
            None,
        ));
    }
    // O_DIRECTORY is checked first, so O_DIRECTORY | O_NOFOLLOW on a symlink is ENOTDIR
    // (`do_open`), then a symlink left as the last component (only O_NOFOLLOW does) is ELOOP.
    if flags & linux::O_DIRECTORY != 0 && file_type != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    if file_type == FileType::Symlink {
        return Err(Errno::ELOOP);
    }
    let access_mode = flags & linux::O_ACCMODE;
    if file_type == FileType::Directory
        && (access_mode != linux::O_RDONLY || flags & linux::O_TRUNC != 0)
    {
        return Err(Errno::EISDIR);
    }
    let wanted = match access_mode {
        linux::O_RDONLY => Access::READ,
        linux::O_WRONLY => Access::WRITE,
        linux::O_RDWR => Access::READ.union(Access::WRITE),
        _ => return Err(Errno::EINVAL),
    };
    check_access(&metadata, walk.credentials, wanted)?;
    let is_writing = access_mode != linux::O_RDONLY || flags & linux::O_TRUNC != 0;
    if is_writing && file_type == FileType::Regular {
        location.require_writable_mount()?;
    }
    let backing = match file_type {
        FileType::CharDevice => Backing::Device(device::open(metadata.rdev)?),
        FileType::BlockDevice | FileType::Fifo | FileType::Socket => return Err(Errno::ENXIO),
        _ => match location.filesystem().snapshot(location.inode)? {
            Some(bytes) => Backing::Snapshot(bytes),
            None => Backing::Inode,
        },
    };
    let is_regular = file_type == FileType::Regular;
    // A running program may not be opened for writing (`get_write_access` in do_dentry_open).
    let write_access = if is_regular && access_mode != linux::O_RDONLY {
        Some(WriteAccess::acquire(&location)?)
    } else {
        None
    };
    // O_TRUNC truncates even with O_RDONLY (open(2): "unspecified", Linux does it), after
    // checking write permission as `may_open` does.
    if flags & linux::O_TRUNC != 0 && is_regular {
        check_access(&metadata, walk.credentials, Access::WRITE)?;
        WriteAccess::check(&location)?;
        location.filesystem().truncate(location.inode, 0)?;
    }
    Ok(OpenFile::new(
        location,
        file_type,
        backing,
        flags,
        write_access,
    ))
}

/// `open(2)` with `O_CREAT`: the existing file, or a new regular file. A symlink as the last
/// component is followed (unless `O_NOFOLLOW`) and a dangling one creates its target, as
/// Linux's `open_last_lookups` does, at most [`MAX_SYMLINKS`] times.
fn open_or_create(
    walk: &Walk<'_>,
    path: &[u8],
    flags: u32,
    mode: u32,
    umask: u32,
) -> Result<Location> {
    let mut start = walk.start.clone();
    let mut path = path.to_vec();
    for _ in 0..=MAX_SYMLINKS {
        let here = Walk {
            root: walk.root,
            start: &start,
            credentials: walk.credentials,
        };
        let ParentAndName {
            parent,
            name,
            has_trailing_slash,
        } = here.resolve_parent(&path)?;
        if name.is_empty() || has_trailing_slash || name == b"." || name == b".." {
            return Err(Errno::EISDIR);
        }
        let inode = match parent.filesystem().lookup(parent.inode, &name) {
            Ok(inode) => inode,
            Err(Errno::ENOENT) => {
                let node = NewNode::new(FileType::Regular, mode & 0o7777 & !umask, owner(walk));
                return create_in(walk, &parent, &name, node);
            }
            Err(error) => return Err(error),
        };
        if flags & linux::O_EXCL != 0 {
            return Err(Errno::EEXIST);
        }
        let existing = Location {
            mount: parent.mount.clone(),
            inode,
        }
        .crossed_down();
        let is_symlink = existing.metadata()?.file_type == FileType::Symlink;
        if !is_symlink || flags & linux::O_NOFOLLOW != 0 {
            return Ok(existing);
        }
        path = existing.filesystem().read_link(existing.inode)?;
        if path.is_empty() {
            return Err(Errno::ENOENT);
        }
        start = parent;
    }
    Err(Errno::ELOOP)
}

fn owner(walk: &Walk<'_>) -> Owner {
    Owner::new(
        walk.credentials.effective_uid,
        walk.credentials.effective_gid,
    )
}

/// `EROFS` on a read-only mount, then `EACCES` unless the caller may write and search
/// `directory` (`may_create`, `may_delete`).
fn require_changeable_directory(walk: &Walk<'_>, directory: &Location) -> Result<()> {
    directory.require_writable_mount()?;
    check_access(
        &directory.metadata()?,
        walk.credentials,
        Access::WRITE.union(Access::EXECUTE),
    )
}

/// Creates `name` in `parent` after checking the caller may write and search it.
fn create_in(walk: &Walk<'_>, parent: &Location, name: &[u8], node: NewNode) -> Result<Location> {
    require_changeable_directory(walk, parent)?;
    let inode = parent.filesystem().create(parent.inode, name, node)?;
    Ok(Location {
        mount: parent.mount.clone(),
        inode,
    })
}

/// The parent and name for a new entry; `EEXIST` for "/", ".", "..".
fn new_entry(walk: &Walk<'_>, path: &[u8]) -> Result<(Location, Vec<u8>, bool)> {
    let ParentAndName {
        parent,
        name,
        has_trailing_slash,
    } = walk.resolve_parent(path)?;
    if name.is_empty() || name == b"." || name == b".." {
        return Err(Errno::EEXIST);
    }
    Ok((parent, name, has_trailing_slash))
}

/// `mkdir(2)`.
pub fn make_directory(walk: &Walk<'_>, path: &[u8], mode: u32, umask: u32) -> Result<()> {
    let (parent, name, _) = new_entry(walk, path)?;
    let node = NewNode::new(FileType::Directory, mode & 0o7777 & !umask, owner(walk));
    create_in(walk, &parent, &name, node).map(|_| ())
}

/// `mknod(2)` for device nodes, fifos, sockets and regular files.
pub fn make_node(
    walk: &Walk<'_>,
    path: &[u8],
    mode: u32,
    umask: u32,
    rdev: DeviceNumber,
) -> Result<()> {
    let file_type = match mode & linux::S_IFMT {
        0 | linux::S_IFREG => FileType::Regular,
        linux::S_IFCHR => FileType::CharDevice,
        linux::S_IFBLK => FileType::BlockDevice,
        linux::S_IFIFO => FileType::Fifo,
        linux::S_IFSOCK => FileType::Socket,
        linux::S_IFDIR => return Err(Errno::EPERM),
        _ => return Err(Errno::EINVAL),
    };
    if file_type.is_device() && walk.credentials.effective_uid != 0 {
        return Err(Errno::EPERM);
    }
    let (parent, name, has_trailing_slash) = new_entry(walk, path)?;
    if has_trailing_slash {
        return Err(Errno::ENOENT);
    }
    let node = NewNode::device(file_type, mode & 0o7777 & !umask, owner(walk), rdev);
    create_in(walk, &parent, &name, node).map(|_| ())
}

/// `symlink(2)`: a link at `path` whose contents are `target`.
pub fn make_symlink(walk: &Walk<'_>, target: &[u8], path: &[u8]) -> Result<()> {
    let (parent, name, has_trailing_slash) = new_entry(walk, path)?;
    if has_trailing_slash {
        return Err(Errno::ENOENT);
    }
    require_changeable_directory(walk, &parent)?;
    parent
        .filesystem()
        .symlink(parent.inode, &name, target, owner(walk))
        .map(|_| ())
}

/// `link(2)`: a new name at `new_path` for the file at `existing`.
pub fn make_link(walk: &Walk<'_>, existing: &Location, new_path: &[u8]) -> Result<()> {
    let (parent, name, has_trailing_slash) = new_entry(walk, new_path)?;
    if existing.metadata()?.file_type == FileType::Directory {
        return Err(Errno::EPERM);
    }
    if has_trailing_slash {
        return Err(Errno::ENOENT);
    }
    if parent.mount.id != existing.mount.id {
        return Err(Errno::EXDEV);
    }
    require_changeable_directory(walk, &parent)?;
    parent
        .filesystem()
        .link(existing.inode, parent.inode, &name)
}

/// `unlink(2)` and `rmdir(2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoveKind {
    File,
    Directory,
}

/// Removes the name at `path`.
pub fn remove(walk: &Walk<'_>, path: &[u8], kind: RemoveKind) -> Result<()> {
    let ParentAndName {
        parent,
        name,
        has_trailing_slash,
    } = walk.resolve_parent(path)?;
    match (kind, name.as_slice()) {
        (RemoveKind::Directory, b"" | b"..") => {
            return Err(if name.is_empty() {
                Errno::EBUSY
            } else {
                Errno::ENOTEMPTY
            });
        }
        (RemoveKind::Directory, b".") => return Err(Errno::EINVAL),
        (RemoveKind::File, b"" | b"." | b"..") => return Err(Errno::EISDIR),
        _ => {}
    }
    require_changeable_directory(walk, &parent)?;
    let inode = parent.filesystem().lookup(parent.inode, &name)?;
    let target = Location {
        mount: parent.mount.clone(),
        inode,
    };
    if target.clone().crossed_down().mount.id != parent.mount.id {
        return Err(Errno::EBUSY);
    }
    match kind {
        RemoveKind::File => {
            if has_trailing_slash {
                let is_directory = target.metadata()?.file_type == FileType::Directory;
                return Err(if is_directory {
                    Errno::EISDIR
                } else {
                    Errno::ENOTDIR
                });
            }
            parent.filesystem().unlink(parent.inode, &name)
        }
        RemoveKind::Directory => parent.filesystem().rmdir(parent.inode, &name),
    }
}

/// `renameat2(2)`.
pub fn rename(
    old_walk: &Walk<'_>,
    old_path: &[u8],
    new_walk: &Walk<'_>,
    new_path: &[u8],
    mode: RenameMode,
) -> Result<()> {
    let old = old_walk.resolve_parent(old_path)?;
    let new = new_walk.resolve_parent(new_path)?;
    for name in [&old.name, &new.name] {
        if name.is_empty() || name.as_slice() == b"." || name.as_slice() == b".." {
            return Err(Errno::EBUSY);
        }
    }
    if old.parent.mount.id != new.parent.mount.id {
        return Err(Errno::EXDEV);
    }
    old.parent.require_writable_mount()?;
    for parent in [&old.parent, &new.parent] {
        check_access(
            &parent.metadata()?,
            old_walk.credentials,
            Access::WRITE.union(Access::EXECUTE),
        )?;
    }
    if old.has_trailing_slash || new.has_trailing_slash {
        let inode = old
            .parent
            .filesystem()
            .lookup(old.parent.inode, &old.name)?;
        let source = Location {
            mount: old.parent.mount.clone(),
            inode,
        };
        if source.metadata()?.file_type != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
    }
    old.parent.filesystem().rename(
        old.parent.inode,
        &old.name,
        new.parent.inode,
        &new.name,
        mode,
    )
}

/// `readlink(2)` of a resolved location: `EINVAL` unless it is a symlink.
pub fn read_link(location: &Location) -> Result<Vec<u8>> {
    if location.metadata()?.file_type != FileType::Symlink {
        return Err(Errno::EINVAL);
    }
    location.filesystem().read_link(location.inode)
}

/// `chdir(2)`'s checks: `ENOTDIR` unless a directory, `EACCES` unless searchable.
pub fn check_working_directory(location: &Location, credentials: &Credentials) -> Result<()> {
    let metadata = location.metadata()?;
    if metadata.file_type != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    check_access(&metadata, credentials, Access::EXECUTE)
}

/// `chmod(2)`: only the owner or root may change the mode (`EPERM`).
pub fn set_mode(location: &Location, credentials: &Credentials, mode: u32) -> Result<()> {
    let uid = credentials.effective_uid;
    if uid != 0 && uid != location.metadata()?.uid {
        return Err(Errno::EPERM);
    }
    location.require_writable_mount()?;
    location
        .filesystem()
        .set_mode(location.inode, mode & 0o7777)
}

/// `chown(2)`: only root may change owners; `u32::MAX` (-1) leaves an id as it is.
pub fn set_owner(location: &Location, credentials: &Credentials, uid: u32, gid: u32) -> Result<()> {
    if credentials.effective_uid != 0 {
        return Err(Errno::EPERM);
    }
    location.require_writable_mount()?;
    let uid = (uid != u32::MAX).then_some(uid);
    let gid = (gid != u32::MAX).then_some(gid);
    location.filesystem().set_owner(location.inode, uid, gid)
}

/// `truncate(2)`: `EINVAL` for a negative length or a non-regular file, `EISDIR` for a
/// directory, `EACCES` without write permission.
pub fn truncate(location: &Location, credentials: &Credentials, length: i64) -> Result<()> {
    let length = u64::try_from(length).map_err(|_| Errno::EINVAL)?;
    let metadata = location.metadata()?;
    match metadata.file_type {
        FileType::Directory => return Err(Errno::EISDIR),
        FileType::Regular => {}
        _ => return Err(Errno::EINVAL),
    }
    location.require_writable_mount()?;
    check_access(&metadata, credentials, Access::WRITE)?;
    WriteAccess::check(location)?;
    location.filesystem().truncate(location.inode, length)
}
