//! Uncompressed newc archives: every entry type, metadata, skipped entries and checksums.

mod common;

use common::*;
use cpio::{ErrorKind, NodeKind};

#[test]
fn every_entry_type_becomes_its_action_in_archive_order() {
    let actions = actions_of(&sample_archive().finish());
    assert_eq!(
        paths(&actions),
        [
            ".",
            "bin",
            "bin/busybox",
            "bin/sh",
            "dev",
            "dev/console",
            "etc/a",
            "etc/b",
            "init"
        ]
    );
    assert!(matches!(&actions[0], Owned::Directory { mode, .. } if *mode == S_IFDIR | 0o755));
    assert!(matches!(&actions[2], Owned::File { data, .. } if data == b"\x7fELF\x01\x02\x03"));
    assert!(matches!(&actions[3], Owned::Symlink { target, .. } if target == b"busybox"));
    assert!(matches!(
        &actions[5],
        Owned::Node {
            kind: NodeKind::CharacterDevice,
            rdev: (5, 1),
            ..
        }
    ));
    assert!(matches!(&actions[8], Owned::File { data, .. } if data == b"#!/bin/sh\necho hello\n"));
}

#[test]
fn mode_owner_and_mtime_are_preserved() {
    let mut writer = ArchiveWriter::new();
    writer
        .entry(
            &Entry::new("d", S_IFDIR | 0o1777)
                .owner(1, 2)
                .mtime(1_700_000_000),
        )
        .entry(
            &Entry::new("f", S_IFREG | 0o4755)
                .owner(3, 4)
                .mtime(5)
                .data(b"x"),
        )
        .entry(
            &Entry::new("l", S_IFLNK | 0o777)
                .owner(6, 7)
                .mtime(8)
                .data(b"f"),
        )
        .entry(
            &Entry::new("n", S_IFBLK | 0o660)
                .owner(9, 10)
                .mtime(11)
                .rdev(8, 17),
        );
    let actions = actions_of(&writer.finish());
    assert_eq!(
        actions,
        [
            Owned::Directory {
                path: b"d".to_vec(),
                mode: S_IFDIR | 0o1777,
                uid: 1,
                gid: 2,
                mtime: 1_700_000_000
            },
            Owned::File {
                path: b"f".to_vec(),
                mode: S_IFREG | 0o4755,
                uid: 3,
                gid: 4,
                mtime: 5,
                data: b"x".to_vec()
            },
            Owned::Symlink {
                path: b"l".to_vec(),
                target: b"f".to_vec(),
                uid: 6,
                gid: 7,
                mtime: 8
            },
            Owned::Node {
                path: b"n".to_vec(),
                kind: NodeKind::BlockDevice,
                mode: S_IFBLK | 0o660,
                rdev: (8, 17),
                uid: 9,
                gid: 10,
                mtime: 11,
            },
        ]
    );
}

#[test]
fn fifos_and_sockets_are_nodes() {
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&Entry::new("fifo", S_IFIFO | 0o644))
        .entry(&Entry::new("socket", S_IFSOCK | 0o755));
    let kinds: Vec<_> = actions_of(&writer.finish())
        .into_iter()
        .map(|action| match action {
            Owned::Node { kind, .. } => kind,
            other => panic!("not a node: {other:?}"),
        })
        .collect();
    assert_eq!(kinds, [NodeKind::Fifo, NodeKind::Socket]);
}

#[test]
fn paths_are_handed_over_as_written() {
    let mut writer = ArchiveWriter::new();
    writer
        .file("./etc/passwd", b"")
        .file("/init", b"")
        .file("a//b/../c", b"");
    let actions = actions_of(&writer.finish());
    assert_eq!(paths(&actions), ["./etc/passwd", "/init", "a//b/../c"]);
}

#[test]
fn symlink_target_stops_at_its_nul_as_gen_init_cpio_writes_it() {
    let mut writer = ArchiveWriter::new();
    writer.entry(&Entry::new("sh", S_IFLNK | 0o777).data(b"/bin/busybox\0"));
    let actions = actions_of(&writer.finish());
    assert!(matches!(&actions[0], Owned::Symlink { target, .. } if target == b"/bin/busybox"));
}

#[test]
fn entries_linux_skips_create_nothing_and_are_counted() {
    let long_target = vec![b'x'; 4097];
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&Entry::new("dir-with-body", S_IFDIR | 0o755).data(b"junk"))
        .entry(&Entry::new("device-with-body", S_IFCHR | 0o600).data(b"junk"))
        .entry(&Entry::new("unknown-type", 0o170644))
        .entry(&Entry::new("long-symlink", S_IFLNK | 0o777).data(&long_target))
        .file("kept", b"yes");
    let (actions, result) = collect(&writer.finish(), LIMIT);
    let summary = result.unwrap();
    assert_eq!(paths(&actions), ["kept"]);
    assert_eq!(summary.skipped_entries, 4);
    assert_eq!(summary.actions, 1);
}

#[test]
fn a_symlink_target_of_exactly_path_max_is_kept() {
    let target = "y".repeat(4096);
    let mut writer = ArchiveWriter::new();
    writer.symlink("link", &target);
    let actions = actions_of(&writer.finish());
    assert!(matches!(&actions[0], Owned::Symlink { target: found, .. } if found.len() == 4096));
}

#[test]
fn trailer_is_counted_and_creates_nothing() {
    let mut writer = ArchiveWriter::new();
    writer.file("a", b"1").trailer();
    let (actions, result) = collect(&writer.finish(), LIMIT);
    assert_eq!(paths(&actions), ["a"]);
    assert_eq!(result.unwrap().trailers, 1);
}

#[test]
fn archive_without_trailer_is_complete() {
    let mut writer = ArchiveWriter::new();
    writer.file("a", b"1").file("b", b"2");
    assert_eq!(paths(&actions_of(&writer.finish())), ["a", "b"]);
}

#[test]
fn empty_initrd_and_all_zero_initrd_unpack_nothing() {
    assert!(actions_of(b"").is_empty());
    assert!(actions_of(&[0; 4096]).is_empty());
}

#[test]
fn checksummed_format_is_accepted_when_the_sum_matches() {
    let mut writer = ArchiveWriter::new();
    writer.entry(
        &Entry::new("f", S_IFREG | 0o644)
            .data(&[0xff; 300])
            .with_checksum(),
    );
    let actions = actions_of(&writer.finish());
    assert!(matches!(&actions[0], Owned::File { data, .. } if data.len() == 300));
}

#[test]
fn checksummed_file_with_wrong_sum_is_an_error_after_the_earlier_entries() {
    let mut bad = Entry::new("bad", S_IFREG | 0o644)
        .data(b"abc")
        .with_checksum();
    bad.check += 1;
    let mut writer = ArchiveWriter::new();
    writer.file("good", b"1").entry(&bad).file("after", b"2");
    let (actions, result) = collect(&writer.finish(), LIMIT);
    assert_eq!(paths(&actions), ["good"]);
    let error = result.unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::BadChecksum {
            expected: 295,
            computed: 294
        }
    );
    assert_eq!(error.entry_name.as_deref(), Some(&b"bad"[..]));
}

#[test]
fn checksum_field_is_ignored_in_the_plain_format() {
    let mut entry = Entry::new("f", S_IFREG | 0o644).data(b"abc");
    entry.check = 12345;
    let mut writer = ArchiveWriter::new();
    writer.entry(&entry);
    assert_eq!(paths(&actions_of(&writer.finish())), ["f"]);
}
