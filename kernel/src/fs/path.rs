//! Path resolution: from a path string to a [`Location`], as Linux's `namei` does.
//!
//! Rules (path_resolution(7)): an absolute path starts at the process root, a relative one at
//! the starting directory; every component but the last must be a searchable directory
//! (`ENOTDIR`, `EACCES`); `..` never climbs above the root and leaves a mount at its root;
//! symbolic links are followed everywhere except in the last component when the caller says
//! not to, at most [`MAX_SYMLINKS`] in one walk (`ELOOP`); a trailing slash requires a
//! directory and forces the last symlink to be followed.

use alloc::vec::Vec;

use errno::{Errno, Result};

use super::{
    filesystem::FileType,
    mount::Location,
    permission::{Access, Credentials, check_access},
};

/// Linux's `MAXSYMLINKS`.
pub const MAX_SYMLINKS: u32 = 40;
/// Linux's `PATH_MAX`, counting the terminating NUL.
pub const PATH_MAX: usize = 4096;
/// Longest file-name component.
pub const NAME_MAX: usize = 255;

/// Whether the last component is followed if it is a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowLast {
    Follow,
    NoFollow,
}

/// Where a walk stands: the process's root and the directory relative paths start from.
pub struct Walk<'a> {
    pub root: &'a Location,
    pub start: &'a Location,
    pub credentials: &'a Credentials,
}

/// The directory that will hold a new name, and that name.
pub struct ParentAndName {
    pub parent: Location,
    /// The last component; `.` or `..` are returned as they are for callers to refuse.
    pub name: Vec<u8>,
    /// The path ended in `/` (so the name must be, or become, a directory).
    pub has_trailing_slash: bool,
}

impl Walk<'_> {
    /// Resolves `path` to the file it names.
    pub fn resolve(&self, path: &[u8], follow: FollowLast) -> Result<Location> {
        check_path(path)?;
        let mut links = 0;
        self.walk(self.start, path, follow, &mut links)
    }

    /// Resolves all of `path` but its last component, which is returned as a name.
    ///
    /// `path` "/" has no last component: the name is empty and callers refuse it.
    pub fn resolve_parent(&self, path: &[u8]) -> Result<ParentAndName> {
        check_path(path)?;
        let trimmed = trim_trailing_slashes(path);
        let has_trailing_slash = trimmed.len() != path.len();
        let (directory, name) = match trimmed.iter().rposition(|&byte| byte == b'/') {
            Some(slash) => (&trimmed[..=slash], &trimmed[slash + 1..]),
            None => (&b""[..], trimmed),
        };
        let mut links = 0;
        let parent = if directory.is_empty() {
            self.start.clone()
        } else {
            self.walk(self.start, directory, FollowLast::Follow, &mut links)?
        };
        require_searchable_directory(&parent, self.credentials)?;
        Ok(ParentAndName {
            parent,
            name: name.to_vec(),
            has_trailing_slash,
        })
    }

    /// Resolves `path`, following symbolic links, to a file and the directory whose entry
    /// named it at the end of the walk (for `/proc/<pid>/exe`). For a path ending in `.`
    /// or `..`, or naming `/`, the directory is the file itself.
    pub fn resolve_with_directory(&self, path: &[u8]) -> Result<(Location, Location)> {
        let mut links = 0;
        self.entry_with_directory(self.start, path, &mut links)
    }

    fn entry_with_directory(
        &self,
        start: &Location,
        path: &[u8],
        links: &mut u32,
    ) -> Result<(Location, Location)> {
        let from_start = Walk {
            root: self.root,
            start,
            credentials: self.credentials,
        };
        let ParentAndName { parent, name, .. } = from_start.resolve_parent(path)?;
        if name.is_empty() || name == b"." || name == b".." {
            let file = from_start.resolve(path, FollowLast::Follow)?;
            return Ok((file.clone(), file));
        }
        let file = self.step(parent.clone(), &name, false, links)?;
        if file.metadata()?.file_type != FileType::Symlink {
            return Ok((parent, file));
        }
        *links += 1;
        if *links > MAX_SYMLINKS {
            return Err(Errno::ELOOP);
        }
        let target = file.filesystem().read_link(file.inode)?;
        self.entry_with_directory(&parent, &target, links)
    }

    fn walk(
        &self,
        start: &Location,
        path: &[u8],
        follow: FollowLast,
        links: &mut u32,
    ) -> Result<Location> {
        let mut current = if path.first() == Some(&b'/') {
            self.root.clone()
        } else {
            start.clone()
        };
        let has_trailing_slash = path.last() == Some(&b'/');
        let components: Vec<&[u8]> = path
            .split(|&byte| byte == b'/')
            .filter(|component| !component.is_empty())
            .collect();
        let count = components.len();
        for (index, component) in components.into_iter().enumerate() {
            let is_last = index + 1 == count;
            require_searchable_directory(&current, self.credentials)?;
            let follows = !is_last || follow == FollowLast::Follow || has_trailing_slash;
            current = self.step(current, component, follows, links)?;
        }
        if has_trailing_slash && current.metadata()?.file_type != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Ok(current)
    }

    /// Moves from directory `current` to its entry `component`.
    fn step(
        &self,
        current: Location,
        component: &[u8],
        follows: bool,
        links: &mut u32,
    ) -> Result<Location> {
        if component.len() > NAME_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        match component {
            b"." => return Ok(current),
            b".." => return self.parent_of(current),
            _ => {}
        }
        let inode = current.filesystem().lookup(current.inode, component)?;
        let child = Location {
            mount: current.mount.clone(),
            inode,
        }
        .crossed_down();
        if !follows || child.metadata()?.file_type != FileType::Symlink {
            return Ok(child);
        }
        *links += 1;
        if *links > MAX_SYMLINKS {
            return Err(Errno::ELOOP);
        }
        // A procfs link such as /proc/<pid>/exe leads to the file itself, even one whose
        // path is gone (Linux's `nd_jump_link`).
        if let Some(target) = child.filesystem().link_location(child.inode)? {
            return Ok(target);
        }
        let target = child.filesystem().read_link(child.inode)?;
        self.walk(&current, &target, FollowLast::Follow, links)
    }

    /// `..` of `current`: itself at the process root, the mount point's parent at a mount
    /// root, else the parent directory.
    fn parent_of(&self, current: Location) -> Result<Location> {
        let mut current = current;
        loop {
            if current.is_same(self.root) {
                return Ok(current);
            }
            if !current.is_mount_root() {
                break;
            }
            match current.mount.mount_point() {
                Some(point) => current = point,
                None => return Ok(current),
            }
        }
        let inode = current.filesystem().lookup(current.inode, b"..")?;
        Ok(Location {
            mount: current.mount.clone(),
            inode,
        })
    }
}

/// `ENOENT` for an empty path, `ENAMETOOLONG` for one of `PATH_MAX` bytes or more.
fn check_path(path: &[u8]) -> Result<()> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    if path.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

fn trim_trailing_slashes(path: &[u8]) -> &[u8] {
    let end = path
        .iter()
        .rposition(|&byte| byte != b'/')
        .map_or(0, |last| last + 1);
    if end == 0 && !path.is_empty() {
        &path[..1]
    } else {
        &path[..end]
    }
}

/// `ENOTDIR` unless `location` is a directory, `EACCES` unless the caller may search it.
fn require_searchable_directory(location: &Location, credentials: &Credentials) -> Result<()> {
    let metadata = location.metadata()?;
    if metadata.file_type != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    check_access(&metadata, credentials, Access::EXECUTE)
}

/// The absolute path of directory `location` as seen from `root` (`getcwd(2)`), found by
/// climbing `..` and looking up each directory's name in its parent.
pub fn absolute_path(
    root: &Location,
    location: &Location,
    credentials: &Credentials,
) -> Result<Vec<u8>> {
    let walk = Walk {
        root,
        start: root,
        credentials,
    };
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut current = location.clone();
    while !current.is_same(root) {
        let parent = walk.parent_of(current.clone())?;
        if parent.is_same(&current) {
            break;
        }
        let child = if current.is_mount_root() {
            current.mount.mount_point().unwrap_or(current.clone())
        } else {
            current.clone()
        };
        names.push(name_in(&parent, child.inode)?);
        current = parent;
    }
    let mut path = Vec::new();
    for name in names.iter().rev() {
        path.push(b'/');
        path.extend_from_slice(name);
    }
    if path.is_empty() {
        path.push(b'/');
    }
    Ok(path)
}

/// The name under which `directory` holds `inode`.
pub fn name_in(directory: &Location, inode: super::filesystem::InodeNumber) -> Result<Vec<u8>> {
    let mut found = None;
    directory
        .filesystem()
        .read_directory(directory.inode, 0, &mut |entry| {
            if entry.inode == inode && entry.name != b"." && entry.name != b".." {
                found = Some(entry.name.to_vec());
                false
            } else {
                true
            }
        })?;
    found.ok_or(Errno::ENOENT)
}
