//! Directory contents: entries with stable cookies, found by name or by position.
//!
//! Every entry gets a cookie when it is inserted, from a counter that only grows, so a reader
//! that resumes `getdents64(2)` at a cookie neither repeats nor skips the entries that stayed,
//! whatever was added or removed meanwhile. This is what Linux's tmpfs does since 6.6 with
//! "stable offsets" (fs/libfs.c `simple_offset_add`): offsets 0 and 1 are "." and "..", entries
//! start at 2. Two maps hold the entries: by cookie for reading in order, by name for lookup.

use alloc::{collections::BTreeMap, vec::Vec};

use errno::Errno;

use crate::metadata::{FileType, InodeNumber};

/// The cookie of ".".
pub(crate) const DOT_COOKIE: u64 = 0;
/// The cookie of "..".
pub(crate) const DOT_DOT_COOKIE: u64 = 1;
/// The first cookie an entry can get (fs/libfs.c `DIR_OFFSET_MIN`).
pub(crate) const FIRST_ENTRY_COOKIE: u64 = 2;

/// One name in a directory.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The name.
    pub(crate) name: Vec<u8>,
    /// The inode it names.
    pub(crate) inode: InodeNumber,
    /// That inode's type, kept here so listing needs no inode lookups (a type never changes).
    pub(crate) file_type: FileType,
}

/// The entries of one directory and its parent.
#[derive(Debug)]
pub(crate) struct Directory {
    /// What ".." names: the parent, or the directory itself for the root. A removed directory
    /// keeps its last parent, as a removed Linux dentry keeps `d_parent`.
    pub(crate) parent: InodeNumber,
    /// Entries by cookie, in insertion order.
    by_cookie: BTreeMap<u64, Entry>,
    /// Cookies by name.
    by_name: BTreeMap<Vec<u8>, u64>,
    /// The cookie the next inserted entry gets.
    next_cookie: u64,
}

impl Directory {
    /// An empty directory under `parent`.
    pub(crate) fn new(parent: InodeNumber) -> Self {
        Self {
            parent,
            by_cookie: BTreeMap::new(),
            by_name: BTreeMap::new(),
            next_cookie: FIRST_ENTRY_COOKIE,
        }
    }

    /// The entry called `name`.
    pub(crate) fn get(&self, name: &[u8]) -> Option<&Entry> {
        self.by_name
            .get(name)
            .and_then(|cookie| self.by_cookie.get(cookie))
    }

    /// Whether the directory has no entries besides "." and "..".
    pub(crate) fn is_empty(&self) -> bool {
        self.by_cookie.is_empty()
    }

    /// Entries besides "." and "..".
    pub(crate) fn len(&self) -> usize {
        self.by_cookie.len()
    }

    /// The cookie the next inserted entry will get; every entry present now has a smaller one.
    pub(crate) fn next_cookie(&self) -> u64 {
        self.next_cookie
    }

    /// Fails with `ENOSPC` if no cookie is left, as Linux does when the offset range is
    /// exhausted (fs/libfs.c `simple_offset_add`). Checked before any change so that an
    /// operation can fail without undoing anything; with 64-bit cookies it never happens.
    pub(crate) fn check_room(&self) -> Result<(), Errno> {
        match self.next_cookie.checked_add(1) {
            Some(_) => Ok(()),
            None => Err(Errno::ENOSPC),
        }
    }

    /// Adds an entry under a fresh cookie. The caller has checked that `name` is absent and
    /// that [`check_room`](Self::check_room) passes.
    pub(crate) fn insert(&mut self, name: &[u8], inode: InodeNumber, file_type: FileType) {
        debug_assert!(
            !self.by_name.contains_key(name),
            "duplicate directory entry"
        );
        let cookie = self.next_cookie;
        self.next_cookie = cookie.saturating_add(1);
        self.by_name.insert(name.to_vec(), cookie);
        let entry = Entry {
            name: name.to_vec(),
            inode,
            file_type,
        };
        self.by_cookie.insert(cookie, entry);
    }

    /// Removes and returns the entry called `name`.
    pub(crate) fn remove(&mut self, name: &[u8]) -> Option<Entry> {
        let cookie = self.by_name.remove(name)?;
        self.by_cookie.remove(&cookie)
    }

    /// Points the entry called `name` at another inode, keeping its cookie; for
    /// `RENAME_EXCHANGE`, where each name keeps its position, as Linux swaps the two offsets
    /// (fs/libfs.c `simple_offset_rename_exchange`).
    pub(crate) fn repoint(&mut self, name: &[u8], inode: InodeNumber, file_type: FileType) {
        let entry = self
            .by_name
            .get(name)
            .and_then(|cookie| self.by_cookie.get_mut(cookie));
        debug_assert!(entry.is_some(), "repointing a missing entry");
        if let Some(entry) = entry {
            entry.inode = inode;
            entry.file_type = file_type;
        }
    }

    /// Entries whose cookie is at least `cookie`, in cookie order.
    pub(crate) fn entries_from(&self, cookie: u64) -> impl Iterator<Item = (u64, &Entry)> {
        self.by_cookie
            .range(cookie.max(FIRST_ENTRY_COOKIE)..)
            .map(|(&cookie, entry)| (cookie, entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_only_grow_and_survive_removals() {
        let mut directory = Directory::new(1);
        directory.insert(b"a", 10, FileType::Regular);
        directory.insert(b"b", 11, FileType::Regular);
        assert!(directory.remove(b"a").is_some());
        directory.insert(b"a", 12, FileType::Directory);
        let listed: Vec<(u64, &[u8])> = directory
            .entries_from(0)
            .map(|(cookie, entry)| (cookie, entry.name.as_slice()))
            .collect();
        assert_eq!(listed, [(3, &b"b"[..]), (4, &b"a"[..])]);
        assert_eq!(directory.next_cookie(), 5);
    }

    #[test]
    fn repointing_keeps_the_position() {
        let mut directory = Directory::new(1);
        directory.insert(b"x", 10, FileType::Regular);
        directory.repoint(b"x", 20, FileType::Directory);
        let entry = directory
            .get(b"x")
            .map(|entry| (entry.inode, entry.file_type));
        assert_eq!(entry, Some((20, FileType::Directory)));
        assert_eq!(
            directory.entries_from(2).next().map(|(cookie, _)| cookie),
            Some(2)
        );
    }
}
