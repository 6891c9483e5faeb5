//! Directory-entry names: which are "." and "..", and which are acceptable.
//!
//! Linux's path walk hands a filesystem single components, and classifies the last one as
//! `LAST_DOT`, `LAST_DOTDOT` or `LAST_NORM` before the operation looks at it (fs/namei.c); each
//! operation then has its own errno for the dot names. This module does that classification and
//! the per-name checks that Linux does in the filesystem's `lookup` (fs/libfs.c `simple_lookup`:
//! longer than `NAME_MAX` is `ENAMETOOLONG`).

use errno::Errno;
use linux_raw_sys::general as linux;

/// The longest name, in bytes (`NAME_MAX`).
pub const NAME_MAX: usize = linux::NAME_MAX as usize;

/// How the path walk sees a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameKind<'name> {
    /// ".": the directory itself.
    Dot,
    /// "..": the parent directory.
    DotDot,
    /// Anything else, not yet checked.
    Ordinary(&'name [u8]),
}

/// Classifies `name` as the path walk does.
pub(crate) fn classify(name: &[u8]) -> NameKind<'_> {
    match name {
        b"." => NameKind::Dot,
        b".." => NameKind::DotDot,
        _ => NameKind::Ordinary(name),
    }
}

/// Checks an ordinary name. An empty name is `ENOENT` (what `open("")` gets from the path walk);
/// a name longer than `NAME_MAX` is `ENAMETOOLONG`; a name holding '/' or NUL, which no path
/// walk can produce, is `EINVAL`.
pub(crate) fn check_ordinary(name: &[u8]) -> Result<(), Errno> {
    if name.is_empty() {
        return Err(Errno::ENOENT);
    }
    if name.len() > NAME_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    if name.iter().any(|&byte| byte == b'/' || byte == 0) {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// The errno an operation gives for "." and ".." as its last component.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DotNameErrors {
    /// For ".".
    pub(crate) dot: Errno,
    /// For "..".
    pub(crate) dot_dot: Errno,
}

impl DotNameErrors {
    /// Creating "." or ".." (`mkdir`, `mknod`, `symlink`, `link`'s new name): fs/namei.c
    /// `filename_create` answers `EEXIST` for both.
    pub(crate) const CREATE: DotNameErrors = DotNameErrors {
        dot: Errno::EEXIST,
        dot_dot: Errno::EEXIST,
    };
    /// `unlink(".")`: fs/namei.c `do_unlinkat` answers `EISDIR` for both.
    pub(crate) const UNLINK: DotNameErrors = DotNameErrors {
        dot: Errno::EISDIR,
        dot_dot: Errno::EISDIR,
    };
    /// `rmdir(".")` is `EINVAL` and `rmdir("..")` is `ENOTEMPTY` (fs/namei.c `do_rmdir`;
    /// rmdir(2) documents both).
    pub(crate) const REMOVE_DIRECTORY: DotNameErrors = DotNameErrors {
        dot: Errno::EINVAL,
        dot_dot: Errno::ENOTEMPTY,
    };
}

/// `name` if it is ordinary and acceptable; the operation's errno for a dot name otherwise.
pub(crate) fn ordinary_or(name: &[u8], errors: DotNameErrors) -> Result<&[u8], Errno> {
    match classify(name) {
        NameKind::Dot => Err(errors.dot),
        NameKind::DotDot => Err(errors.dot_dot),
        NameKind::Ordinary(name) => Ok(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_names_are_classified_and_others_are_ordinary() {
        assert_eq!(classify(b"."), NameKind::Dot);
        assert_eq!(classify(b".."), NameKind::DotDot);
        assert_eq!(classify(b"..."), NameKind::Ordinary(b"..."));
        assert_eq!(classify(b".hidden"), NameKind::Ordinary(b".hidden"));
    }

    #[test]
    fn names_are_checked_like_the_path_walk() {
        assert_eq!(check_ordinary(b""), Err(Errno::ENOENT));
        assert_eq!(check_ordinary(&[b'x'; NAME_MAX]), Ok(()));
        assert_eq!(
            check_ordinary(&[b'x'; NAME_MAX + 1]),
            Err(Errno::ENAMETOOLONG)
        );
        assert_eq!(check_ordinary(b"a/b"), Err(Errno::EINVAL));
        assert_eq!(check_ordinary(b"a\0b"), Err(Errno::EINVAL));
    }
}
