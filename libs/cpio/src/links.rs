//! The hard-link table: which path first carried each (device, inode, file type).
//!
//! Linux's `find_link` (`init/initramfs.c`) keys entries on `c_devmajor`, `c_devminor`, `c_ino`
//! and the file-type bits of `c_mode`, and only for entries with `c_nlink >= 2` that are regular
//! files or special files (`maybe_link`). The first entry with a key is created normally and its
//! name remembered; each later one becomes a link to that name. `TRAILER!!!` empties the table,
//! so inode numbers may repeat across concatenated archives.
//!
//! Linux hashes into 32 buckets; we keep a vector sorted by key, grown with `try_reserve` so a
//! huge archive of links fails with an error rather than an allocation abort.

use alloc::vec::Vec;

use linux_raw_sys::general::S_IFMT;

use crate::{error::ErrorKind, header::Header};

/// What makes two entries the same file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinkKey {
    device_major: u32,
    device_minor: u32,
    inode: u32,
    file_type_bits: u32,
}

impl LinkKey {
    pub fn of(header: &Header) -> Self {
        Self {
            device_major: header.device_major,
            device_minor: header.device_minor,
            inode: header.inode,
            file_type_bits: header.mode & S_IFMT,
        }
    }
}

#[derive(Debug)]
struct LinkRecord {
    key: LinkKey,
    path: Vec<u8>,
}

/// Linux's link hash, as a sorted vector.
#[derive(Debug, Default)]
pub struct LinkTable {
    records: Vec<LinkRecord>,
}

impl LinkTable {
    /// The path of the first entry seen with `key`; or, if there was none, remembers `path` as
    /// that first entry and returns `None`.
    pub fn find_or_insert(
        &mut self,
        key: LinkKey,
        path: &[u8],
    ) -> Result<Option<&[u8]>, ErrorKind> {
        match self.records.binary_search_by_key(&key, |record| record.key) {
            Ok(index) => Ok(self.records.get(index).map(|record| record.path.as_slice())),
            Err(index) => {
                let mut owned_path = Vec::new();
                owned_path
                    .try_reserve_exact(path.len())
                    .map_err(|_| ErrorKind::OutOfMemory)?;
                owned_path.extend_from_slice(path);
                self.records
                    .try_reserve(1)
                    .map_err(|_| ErrorKind::OutOfMemory)?;
                self.records.insert(
                    index,
                    LinkRecord {
                        key,
                        path: owned_path,
                    },
                );
                Ok(None)
            }
        }
    }

    /// Forgets every set, as Linux's `free_hash` does at `TRAILER!!!`.
    pub fn clear(&mut self) {
        self.records = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(inode: u32, file_type_bits: u32) -> LinkKey {
        LinkKey {
            device_major: 8,
            device_minor: 1,
            inode,
            file_type_bits,
        }
    }

    #[test]
    fn first_path_is_remembered_and_returned_for_later_entries() {
        let mut table = LinkTable::default();
        assert_eq!(table.find_or_insert(key(7, 0o100000), b"a"), Ok(None));
        assert_eq!(
            table.find_or_insert(key(7, 0o100000), b"b"),
            Ok(Some(&b"a"[..]))
        );
        assert_eq!(
            table.find_or_insert(key(7, 0o100000), b"c"),
            Ok(Some(&b"a"[..]))
        );
    }

    #[test]
    fn same_inode_with_another_type_is_another_file() {
        let mut table = LinkTable::default();
        assert_eq!(table.find_or_insert(key(7, 0o100000), b"file"), Ok(None));
        assert_eq!(table.find_or_insert(key(7, 0o020000), b"device"), Ok(None));
        assert_eq!(
            table.find_or_insert(key(7, 0o020000), b"again"),
            Ok(Some(&b"device"[..]))
        );
    }

    #[test]
    fn clear_forgets_every_set() {
        let mut table = LinkTable::default();
        assert_eq!(table.find_or_insert(key(1, 0o100000), b"a"), Ok(None));
        table.clear();
        assert_eq!(table.find_or_insert(key(1, 0o100000), b"b"), Ok(None));
    }
}
