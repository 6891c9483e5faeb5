//! An initrd made by other tools than ours: GNU cpio 2.13 and GNU gzip.
//!
//! `tests/data/gnu_cpio_newc_then_crc_gzip.bin` was built from a tree holding directories (one
//! setuid), a symlink, a fifo, a file with three hard links and an executable:
//!
//! ```text
//! find . | sort | cpio -o -H newc > plain.cpio      # padded with zeros to 512-byte blocks
//! find . | sort | cpio -o -H crc > crc.cpio         # the 070702 format
//! gzip -9 -c crc.cpio > crc.cpio.gz                 # FNAME header field set
//! cat plain.cpio crc.cpio.gz > gnu_cpio_newc_then_crc_gzip.bin
//! ```
//!
//! GNU cpio writes a hard-link set when it has seen all its links, with the data on the last
//! entry and size 0 on the others: the case Linux's `maybe_link` handles by writing whichever
//! entry carries data into the shared inode.

mod common;

use common::*;
use cpio::NodeKind;

const INITRD: &[u8] = include_bytes!("data/gnu_cpio_newc_then_crc_gzip.bin");

const PATHS: [&str; 10] = [
    ".",
    "bin",
    "bin/link",
    "dev",
    "dev/fifo",
    "etc",
    "etc/motd",
    "bin/motd3",
    "etc/motd2",
    "init",
];

#[test]
fn both_archives_unpack_to_the_same_tree() {
    let (actions, result) = collect(INITRD, LIMIT);
    let summary = result.unwrap();
    assert_eq!((summary.trailers, summary.compressed_members), (2, 1));
    assert_eq!(actions.len(), 20);
    assert_eq!(paths(&actions[..10]), PATHS);
    assert_eq!(actions[..10], actions[10..]);
}

#[test]
fn entry_types_and_modes_survive() {
    let actions = actions_of(INITRD);
    assert!(matches!(&actions[1], Owned::Directory { mode, .. } if *mode == S_IFDIR | 0o4755));
    assert!(matches!(&actions[2], Owned::Symlink { target, .. } if target == b"../etc/motd"));
    assert!(matches!(
        &actions[4],
        Owned::Node {
            kind: NodeKind::Fifo,
            ..
        }
    ));
    assert!(matches!(&actions[9], Owned::File { mode, data, .. }
        if *mode == S_IFREG | 0o755 && data == b"#!/bin/sh\n"));
}

#[test]
fn hard_link_data_arrives_with_the_last_link() {
    let actions = actions_of(INITRD);
    assert!(matches!(&actions[6], Owned::File { data, .. } if data.is_empty()));
    assert!(matches!(
        &actions[7],
        Owned::HardLink { existing_path, file: Some((.., data)), .. }
            if existing_path == b"etc/motd" && data.is_empty()
    ));
    assert!(matches!(
        &actions[8],
        Owned::HardLink { existing_path, file: Some((.., data)), .. }
            if existing_path == b"etc/motd" && data == b"hello\n"
    ));
}
