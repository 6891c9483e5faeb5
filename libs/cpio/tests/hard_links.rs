//! Hard links, bookkept as Linux's `maybe_link` and `find_link` do.

mod common;

use common::*;

fn linked_file(name: &str, inode: u32, data: &[u8]) -> Entry {
    Entry::new(name, S_IFREG | 0o644)
        .linked(inode, 3)
        .data(data)
}

#[test]
fn data_on_the_last_link_as_gnu_cpio_writes_it() {
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&linked_file("a", 9, b""))
        .entry(&linked_file("b", 9, b""))
        .entry(&linked_file("c", 9, b"contents").owner(5, 6).mtime(77));
    let actions = actions_of(&writer.finish());
    assert!(
        matches!(&actions[0], Owned::File { path, data, .. } if path == b"a" && data.is_empty())
    );
    assert_eq!(
        actions[1],
        Owned::HardLink {
            path: b"b".to_vec(),
            existing_path: b"a".to_vec(),
            file: Some((S_IFREG | 0o644, 0, 0, 0, Vec::new())),
        }
    );
    assert_eq!(
        actions[2],
        Owned::HardLink {
            path: b"c".to_vec(),
            existing_path: b"a".to_vec(),
            file: Some((S_IFREG | 0o644, 5, 6, 77, b"contents".to_vec())),
        }
    );
}

#[test]
fn data_on_the_first_link_stays_with_the_created_file() {
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&linked_file("a", 9, b"first"))
        .entry(&linked_file("b", 9, b""));
    let actions = actions_of(&writer.finish());
    assert!(matches!(&actions[0], Owned::File { data, .. } if data == b"first"));
    assert!(matches!(
        &actions[1],
        Owned::HardLink { existing_path, file: Some((.., data)), .. }
            if existing_path == b"a" && data.is_empty()
    ));
}

#[test]
fn a_single_link_count_never_links_even_with_the_same_inode() {
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&Entry::new("a", S_IFREG | 0o644).linked(9, 1))
        .entry(&Entry::new("b", S_IFREG | 0o644).linked(9, 1));
    let actions = actions_of(&writer.finish());
    assert!(
        actions
            .iter()
            .all(|action| matches!(action, Owned::File { .. }))
    );
}

#[test]
fn devices_link_without_file_contents() {
    let device = |name: &str| Entry::new(name, S_IFCHR | 0o600).linked(4, 2).rdev(1, 3);
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&device("dev/null"))
        .entry(&device("dev/null2"));
    let actions = actions_of(&writer.finish());
    assert!(matches!(&actions[0], Owned::Node { rdev: (1, 3), .. }));
    assert_eq!(
        actions[1],
        Owned::HardLink {
            path: b"dev/null2".to_vec(),
            existing_path: b"dev/null".to_vec(),
            file: None
        }
    );
}

#[test]
fn same_inode_on_another_device_or_of_another_type_is_another_file() {
    let mut other_device = linked_file("b", 9, b"");
    other_device.device_minor = 2;
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&linked_file("a", 9, b""))
        .entry(&other_device)
        .entry(&Entry::new("fifo", S_IFIFO | 0o644).linked(9, 2));
    let actions = actions_of(&writer.finish());
    assert!(matches!(&actions[0], Owned::File { .. }));
    assert!(matches!(&actions[1], Owned::File { .. }));
    assert!(matches!(&actions[2], Owned::Node { .. }));
}

#[test]
fn trailer_forgets_links_so_inodes_may_repeat_in_the_next_archive() {
    let mut writer = ArchiveWriter::new();
    writer
        .entry(&linked_file("first/a", 9, b"1"))
        .trailer()
        .entry(&linked_file("second/a", 9, b"2"))
        .entry(&linked_file("second/b", 9, b""));
    let actions = actions_of(&writer.finish());
    assert!(matches!(&actions[0], Owned::File { .. }));
    assert!(matches!(&actions[1], Owned::File { path, .. } if path == b"second/a"));
    assert!(matches!(
        &actions[2],
        Owned::HardLink { existing_path, .. } if existing_path == b"second/a"
    ));
}

#[test]
fn links_persist_across_members_when_no_trailer_separates_them() {
    let mut first = ArchiveWriter::new();
    first.entry(&linked_file("a", 9, b""));
    let mut second = ArchiveWriter::new();
    second.entry(&linked_file("b", 9, b"data"));
    let mut initrd = gzip(&first.finish());
    initrd.extend_from_slice(&gzip(&second.finish()));
    let actions = actions_of(&initrd);
    assert!(matches!(
        &actions[1],
        Owned::HardLink { existing_path, file: Some((.., data)), .. }
            if existing_path == b"a" && data == b"data"
    ));
}
