//! The unpacking actions the kernel applies to its root tmpfs, one per archive entry.
//!
//! Each variant says what Linux's `init/initramfs.c` does for such an entry (`do_name`,
//! `do_copy`, `do_symlink`, `maybe_link`), so the kernel can apply it the same way. Paths are the
//! names exactly as stored in the archive, without the terminating NUL: Linux hands them to its
//! path walk unchanged with `/` as both root and working directory, so `bin/sh`, `./bin/sh` and
//! `/bin/sh` are one file and `.` is the root itself. The kernel resolves them the same way.
//!
//! Linux first removes what is already at the path when its type differs from the entry's
//! (`clean_path`: `rmdir` for a directory, `unlink` otherwise); for symlinks and hard links it
//! removes whatever is there. It ignores the failure of any single step (a `mkdir` onto an
//! existing directory, a `chown`, a `link` to a missing file) and goes on with the next entry.

/// The kind of a special file made with `mknod(2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
}

/// What to do for one archive entry, in archive order.
///
/// `mode` is the archive's whole `st_mode`, file-type bits included; Linux applies it with
/// `chmod`, which keeps the permission bits `mode & 0o7777` (setuid, setgid and sticky
/// included). `mtime_seconds` is the archive's unsigned 32-bit field (it "breaks in y2106", as
/// Linux's `parse_header` notes); Linux sets it as both atime and mtime when built with
/// `CONFIG_INITRAMFS_PRESERVE_MTIME` (the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    /// `mkdir(path, mode)` (an existing directory is kept), then `chown`, `chmod`. Linux sets
    /// directory mtimes only after the whole initrd is unpacked (`dir_add`, `dir_utime`), since
    /// creating entries inside a directory changes its mtime.
    Directory {
        path: &'a [u8],
        mode: u32,
        uid: u32,
        gid: u32,
        mtime_seconds: u32,
    },
    /// `open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)`, `fchown`, `fchmod`, write `data`, then
    /// set the mtime. An earlier file at the path (from an earlier archive) is replaced.
    File {
        path: &'a [u8],
        mode: u32,
        uid: u32,
        gid: u32,
        mtime_seconds: u32,
        data: &'a [u8],
    },
    /// `symlink(target, path)`, `lchown`, then set the mtime. Symlinks have no mode of their
    /// own. `target` is the entry's data up to its first NUL (Linux reads it as a C string, and
    /// its own `usr/gen_init_cpio` stores the NUL); an empty target makes Linux's `symlink` fail
    /// with `ENOENT`, so nothing is created.
    Symlink {
        path: &'a [u8],
        target: &'a [u8],
        uid: u32,
        gid: u32,
        mtime_seconds: u32,
    },
    /// A later entry of a hard-link set: `link(existing_path, path)`, where `existing_path` is
    /// the path of the set's first entry (see [`LinkedFile`] for what follows for regular files).
    /// If the link fails, Linux skips the rest of the entry.
    HardLink {
        path: &'a [u8],
        existing_path: &'a [u8],
        /// `Some` for regular files, `None` for device nodes, fifos and sockets (for those Linux
        /// only links).
        file: Option<LinkedFile<'a>>,
    },
    /// `mknod(path, mode, makedev(rdev_major, rdev_minor))`, `chown`, `chmod`, then set the
    /// mtime. `rdev_*` are the archive's `c_rdevmajor`/`c_rdevminor`; Linux encodes them with
    /// `MKDEV`, which keeps 12 bits of major and 20 of minor.
    Node {
        path: &'a [u8],
        kind: NodeKind,
        mode: u32,
        rdev_major: u32,
        rdev_minor: u32,
        uid: u32,
        gid: u32,
        mtime_seconds: u32,
    },
}

impl<'a> Action<'a> {
    /// The path the action creates.
    pub fn path(&self) -> &'a [u8] {
        match *self {
            Self::Directory { path, .. }
            | Self::File { path, .. }
            | Self::Symlink { path, .. }
            | Self::HardLink { path, .. }
            | Self::Node { path, .. } => path,
        }
    }
}

/// What Linux does to a regular file after linking it into a hard-link set.
///
/// Linux (`do_name` after `maybe_link` returned 1) opens the new link `O_WRONLY | O_CREAT`
/// *without* `O_TRUNC`, applies this entry's owner and mode with `fchown`/`fchmod`, and, if
/// `data` is not empty, truncates the shared inode to `data.len()` and writes `data` from offset
/// 0; then it sets the mtime. So the set's contents come from whichever entry carries data: GNU
/// cpio and Linux's `usr/gen_init_cpio` store the data with the *last* entry of a set and give
/// the earlier ones size 0, so the first entry arrives as an empty [`Action::File`] and the data
/// arrives here. An entry with empty `data` leaves the contents as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkedFile<'a> {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime_seconds: u32,
    pub data: &'a [u8],
}
