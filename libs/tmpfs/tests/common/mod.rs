//! Helpers shared by the host tests: a fresh filesystem, clocks, and short-hand creators.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]

use tmpfs::{FileType, InodeNumber, NewNode, Owner, Timestamp, Tmpfs};

/// The owner most tests create inodes as.
pub const OWNER: Owner = Owner::new(1000, 100);

/// A timestamp `seconds` after the epoch.
pub fn time(seconds: i64) -> Timestamp {
    Timestamp::new(seconds, 0)
}

/// A filesystem created at time 1 with a 0755 root owned by root.
pub fn new_filesystem() -> Tmpfs {
    Tmpfs::new(0o755, 0, 0, time(1))
}

/// Creates directory `name` in `directory` at time 1.
pub fn mkdir(filesystem: &mut Tmpfs, directory: InodeNumber, name: &str) -> InodeNumber {
    let node = NewNode::new(FileType::Directory, 0o755, OWNER);
    filesystem
        .create(directory, name.as_bytes(), node, time(1))
        .expect("mkdir")
}

/// Creates regular file `name` in `directory` at time 1.
pub fn mkfile(filesystem: &mut Tmpfs, directory: InodeNumber, name: &str) -> InodeNumber {
    let node = NewNode::new(FileType::Regular, 0o644, OWNER);
    filesystem
        .create(directory, name.as_bytes(), node, time(1))
        .expect("create")
}

/// Every name `directory` lists, "." and ".." included, in listing order.
pub fn names(filesystem: &Tmpfs, directory: InodeNumber) -> Vec<String> {
    let mut listed = Vec::new();
    filesystem
        .read_directory(directory, 0, |entry| {
            listed.push(String::from_utf8_lossy(entry.name).into_owned());
            true
        })
        .expect("read_directory");
    listed
}

/// The link count of `inode`.
pub fn links(filesystem: &Tmpfs, inode: InodeNumber) -> u32 {
    filesystem.metadata(inode).expect("metadata").link_count
}
