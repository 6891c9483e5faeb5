//! `rename(2)` and `renameat2(2)`: moves, replacements, exchanges, and every refusal.

mod common;

use common::{links, mkdir, mkfile, names, new_filesystem, time};
use errno::Errno;
use tmpfs::{ROOT_INODE, RenameMode, Tmpfs};

const ROOT: u64 = ROOT_INODE;

/// Renames at time 9.
fn rename(
    filesystem: &mut Tmpfs,
    from: (u64, &str),
    to: (u64, &str),
    mode: RenameMode,
) -> Result<(), Errno> {
    let (old_directory, old_name) = from;
    let (new_directory, new_name) = to;
    filesystem.rename(
        old_directory,
        old_name.as_bytes(),
        new_directory,
        new_name.as_bytes(),
        mode,
        time(9),
    )
}

#[test]
fn moving_a_file_stamps_both_directories_and_the_file() {
    let mut filesystem = new_filesystem();
    let source = mkdir(&mut filesystem, ROOT, "a");
    let destination = mkdir(&mut filesystem, ROOT, "b");
    let file = mkfile(&mut filesystem, source, "f");
    rename(
        &mut filesystem,
        (source, "f"),
        (destination, "g"),
        RenameMode::Replace,
    )
    .unwrap();
    assert_eq!(filesystem.lookup(destination, b"g"), Ok(file));
    assert_eq!(filesystem.lookup(source, b"f"), Err(Errno::ENOENT));
    for directory in [source, destination] {
        let metadata = filesystem.metadata(directory).unwrap();
        assert_eq!((metadata.modified, metadata.changed), (time(9), time(9)));
    }
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.changed, metadata.modified, metadata.link_count),
        (time(9), time(1), 1)
    );
    assert_eq!(filesystem.metadata(source).unwrap().size, 40);
    assert_eq!(filesystem.metadata(destination).unwrap().size, 60);
}

#[test]
fn moving_a_directory_moves_its_parent_link_and_dot_dot() {
    let mut filesystem = new_filesystem();
    let source = mkdir(&mut filesystem, ROOT, "a");
    let destination = mkdir(&mut filesystem, ROOT, "b");
    let moved = mkdir(&mut filesystem, source, "d");
    rename(
        &mut filesystem,
        (source, "d"),
        (destination, "d"),
        RenameMode::Replace,
    )
    .unwrap();
    assert_eq!(
        (links(&filesystem, source), links(&filesystem, destination)),
        (2, 3)
    );
    assert_eq!(filesystem.lookup(moved, b".."), Ok(destination));
    rename(
        &mut filesystem,
        (destination, "d"),
        (destination, "e"),
        RenameMode::Replace,
    )
    .unwrap();
    assert_eq!(
        links(&filesystem, destination),
        3,
        "a rename within one directory keeps counts"
    );
}

#[test]
fn replacing_a_file_drops_the_old_one() {
    let mut filesystem = new_filesystem();
    let kept = mkfile(&mut filesystem, ROOT, "new");
    let replaced = mkfile(&mut filesystem, ROOT, "old");
    filesystem.write(replaced, 0, &[1; 5000], time(1)).unwrap();
    rename(
        &mut filesystem,
        (ROOT, "new"),
        (ROOT, "old"),
        RenameMode::Replace,
    )
    .unwrap();
    assert_eq!(filesystem.lookup(ROOT, b"old"), Ok(kept));
    assert_eq!(filesystem.metadata(replaced), Err(Errno::ESTALE));
    assert_eq!(
        (filesystem.usage().inodes, filesystem.usage().bytes),
        (2, 0)
    );
}

#[test]
fn a_replaced_file_that_is_open_lives_on_with_no_links() {
    let mut filesystem = new_filesystem();
    mkfile(&mut filesystem, ROOT, "new");
    let replaced = mkfile(&mut filesystem, ROOT, "old");
    filesystem.open_reference(replaced).unwrap();
    rename(
        &mut filesystem,
        (ROOT, "new"),
        (ROOT, "old"),
        RenameMode::Replace,
    )
    .unwrap();
    let metadata = filesystem.metadata(replaced).unwrap();
    assert_eq!((metadata.link_count, metadata.changed), (0, time(9)));
    filesystem.release_reference(replaced).unwrap();
    assert_eq!(filesystem.metadata(replaced), Err(Errno::ESTALE));
}

#[test]
fn replacing_an_empty_directory_keeps_the_parent_count_right() {
    let mut filesystem = new_filesystem();
    let moved = mkdir(&mut filesystem, ROOT, "a");
    let replaced = mkdir(&mut filesystem, ROOT, "b");
    assert_eq!(links(&filesystem, ROOT), 4);
    rename(
        &mut filesystem,
        (ROOT, "a"),
        (ROOT, "b"),
        RenameMode::Replace,
    )
    .unwrap();
    assert_eq!(links(&filesystem, ROOT), 3);
    assert_eq!(filesystem.lookup(ROOT, b"b"), Ok(moved));
    assert_eq!(filesystem.metadata(replaced), Err(Errno::ESTALE));
}

#[test]
fn replacement_must_keep_the_kind_and_find_the_directory_empty() {
    let mut filesystem = new_filesystem();
    mkdir(&mut filesystem, ROOT, "dir");
    let full = mkdir(&mut filesystem, ROOT, "full");
    mkfile(&mut filesystem, full, "x");
    mkfile(&mut filesystem, ROOT, "file");
    let replace = RenameMode::Replace;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "dir"), (ROOT, "file"), replace),
        Err(Errno::ENOTDIR)
    );
    assert_eq!(
        rename(&mut filesystem, (ROOT, "file"), (ROOT, "dir"), replace),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        rename(&mut filesystem, (ROOT, "dir"), (ROOT, "full"), replace),
        Err(Errno::ENOTEMPTY)
    );
    assert_eq!(names(&filesystem, ROOT), [".", "..", "dir", "full", "file"]);
}

#[test]
fn a_directory_cannot_move_into_its_own_subtree() {
    let mut filesystem = new_filesystem();
    let top = mkdir(&mut filesystem, ROOT, "a");
    let middle = mkdir(&mut filesystem, top, "b");
    let bottom = mkdir(&mut filesystem, middle, "c");
    for mode in [RenameMode::Replace, RenameMode::NoReplace] {
        assert_eq!(
            rename(&mut filesystem, (ROOT, "a"), (bottom, "x"), mode),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            rename(&mut filesystem, (ROOT, "a"), (top, "x"), mode),
            Err(Errno::EINVAL)
        );
    }
    mkfile(&mut filesystem, bottom, "x");
    let exchange = RenameMode::Exchange;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "a"), (bottom, "x"), exchange),
        Err(Errno::EINVAL)
    );
}

#[test]
fn a_name_cannot_be_replaced_by_something_inside_it() {
    let mut filesystem = new_filesystem();
    let top = mkdir(&mut filesystem, ROOT, "a");
    let middle = mkdir(&mut filesystem, top, "b");
    mkfile(&mut filesystem, middle, "f");
    let replace = RenameMode::Replace;
    // The trap check comes before the type check: a file onto its ancestor is ENOTEMPTY.
    assert_eq!(
        rename(&mut filesystem, (middle, "f"), (ROOT, "a"), replace),
        Err(Errno::ENOTEMPTY)
    );
    assert_eq!(
        rename(&mut filesystem, (top, "b"), (ROOT, "a"), replace),
        Err(Errno::ENOTEMPTY)
    );
    let exchange = RenameMode::Exchange;
    assert_eq!(
        rename(&mut filesystem, (middle, "f"), (ROOT, "a"), exchange),
        Err(Errno::EINVAL)
    );
    let no_replace = RenameMode::NoReplace;
    assert_eq!(
        rename(&mut filesystem, (middle, "f"), (ROOT, "a"), no_replace),
        Err(Errno::EEXIST)
    );
}

#[test]
fn renaming_onto_the_same_inode_does_nothing() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "x");
    filesystem.link(file, ROOT, b"y", time(2)).unwrap();
    rename(
        &mut filesystem,
        (ROOT, "x"),
        (ROOT, "y"),
        RenameMode::Replace,
    )
    .unwrap();
    rename(
        &mut filesystem,
        (ROOT, "x"),
        (ROOT, "x"),
        RenameMode::Replace,
    )
    .unwrap();
    rename(
        &mut filesystem,
        (ROOT, "x"),
        (ROOT, "y"),
        RenameMode::Exchange,
    )
    .unwrap();
    assert_eq!(names(&filesystem, ROOT), [".", "..", "x", "y"]);
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!((metadata.link_count, metadata.changed), (2, time(2)));
    assert_eq!(filesystem.metadata(ROOT).unwrap().modified, time(2));
    let no_replace = RenameMode::NoReplace;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "x"), (ROOT, "x"), no_replace),
        Err(Errno::EEXIST)
    );
}

#[test]
fn no_replace_refuses_an_existing_target_only() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "a");
    mkfile(&mut filesystem, ROOT, "b");
    let no_replace = RenameMode::NoReplace;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "a"), (ROOT, "b"), no_replace),
        Err(Errno::EEXIST)
    );
    rename(&mut filesystem, (ROOT, "a"), (ROOT, "c"), no_replace).unwrap();
    assert_eq!(filesystem.lookup(ROOT, b"c"), Ok(file));
}

#[test]
fn exchange_swaps_names_in_place_and_fixes_links_and_parents() {
    let mut filesystem = new_filesystem();
    let left = mkdir(&mut filesystem, ROOT, "left");
    let right = mkdir(&mut filesystem, ROOT, "right");
    mkfile(&mut filesystem, left, "first");
    let subdirectory = mkdir(&mut filesystem, left, "sub");
    mkfile(&mut filesystem, left, "last");
    let file = mkfile(&mut filesystem, right, "file");
    rename(
        &mut filesystem,
        (left, "sub"),
        (right, "file"),
        RenameMode::Exchange,
    )
    .unwrap();
    assert_eq!(filesystem.lookup(left, b"sub"), Ok(file));
    assert_eq!(filesystem.lookup(right, b"file"), Ok(subdirectory));
    assert_eq!(
        names(&filesystem, left),
        [".", "..", "first", "sub", "last"],
        "positions kept"
    );
    assert_eq!(
        (links(&filesystem, left), links(&filesystem, right)),
        (2, 3)
    );
    assert_eq!(filesystem.lookup(subdirectory, b".."), Ok(right));
    for inode in [left, right] {
        assert_eq!(filesystem.metadata(inode).unwrap().modified, time(9));
    }
    for inode in [file, subdirectory] {
        assert_eq!(filesystem.metadata(inode).unwrap().changed, time(9));
    }
}

#[test]
fn exchanged_entries_report_their_new_types() {
    let mut filesystem = new_filesystem();
    mkdir(&mut filesystem, ROOT, "dir");
    mkfile(&mut filesystem, ROOT, "file");
    rename(
        &mut filesystem,
        (ROOT, "dir"),
        (ROOT, "file"),
        RenameMode::Exchange,
    )
    .unwrap();
    let mut types = Vec::new();
    filesystem
        .read_directory(ROOT, 2, |entry| {
            types.push((entry.name.to_vec(), entry.file_type));
            true
        })
        .unwrap();
    let expected = [
        (b"dir".to_vec(), tmpfs::FileType::Regular),
        (b"file".to_vec(), tmpfs::FileType::Directory),
    ];
    assert_eq!(types, expected);
}

#[test]
fn exchange_needs_both_names() {
    let mut filesystem = new_filesystem();
    mkfile(&mut filesystem, ROOT, "a");
    let exchange = RenameMode::Exchange;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "a"), (ROOT, "b"), exchange),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        rename(&mut filesystem, (ROOT, "b"), (ROOT, "a"), exchange),
        Err(Errno::ENOENT)
    );
}

#[test]
fn dot_names_are_busy_or_exist() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT, "d");
    mkfile(&mut filesystem, ROOT, "f");
    for mode in [
        RenameMode::Replace,
        RenameMode::NoReplace,
        RenameMode::Exchange,
    ] {
        assert_eq!(
            rename(&mut filesystem, (directory, "."), (ROOT, "x"), mode),
            Err(Errno::EBUSY)
        );
        assert_eq!(
            rename(&mut filesystem, (directory, ".."), (ROOT, "x"), mode),
            Err(Errno::EBUSY)
        );
    }
    let replace = RenameMode::Replace;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "f"), (directory, "."), replace),
        Err(Errno::EBUSY)
    );
    assert_eq!(
        rename(&mut filesystem, (ROOT, "f"), (directory, ".."), replace),
        Err(Errno::EBUSY)
    );
    let no_replace = RenameMode::NoReplace;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "f"), (directory, "."), no_replace),
        Err(Errno::EEXIST)
    );
    let exchange = RenameMode::Exchange;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "f"), (directory, ".."), exchange),
        Err(Errno::EBUSY)
    );
}

#[test]
fn missing_sources_removed_directories_and_non_directories_are_refused() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    let removed = mkdir(&mut filesystem, ROOT, "gone");
    filesystem.open_reference(removed).unwrap();
    filesystem.rmdir(ROOT, b"gone", time(2)).unwrap();
    let replace = RenameMode::Replace;
    assert_eq!(
        rename(&mut filesystem, (ROOT, "none"), (ROOT, "x"), replace),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        rename(&mut filesystem, (ROOT, "f"), (removed, "x"), replace),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        rename(&mut filesystem, (removed, "x"), (ROOT, "y"), replace),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        rename(&mut filesystem, (file, "x"), (ROOT, "y"), replace),
        Err(Errno::ENOTDIR)
    );
    assert_eq!(
        rename(&mut filesystem, (ROOT, "f"), (file, "y"), replace),
        Err(Errno::ENOTDIR)
    );
    let long = "x".repeat(256);
    assert_eq!(
        rename(&mut filesystem, (ROOT, "f"), (ROOT, &long), replace),
        Err(Errno::ENAMETOOLONG)
    );
    assert_eq!(
        rename(&mut filesystem, (ROOT, &long), (ROOT, "f"), replace),
        Err(Errno::ENAMETOOLONG)
    );
}

#[test]
fn renameat2_flags_map_to_modes() {
    assert_eq!(RenameMode::from_linux_flags(0), Ok(RenameMode::Replace));
    assert_eq!(RenameMode::from_linux_flags(1), Ok(RenameMode::NoReplace));
    assert_eq!(RenameMode::from_linux_flags(2), Ok(RenameMode::Exchange));
    assert_eq!(RenameMode::from_linux_flags(3), Err(Errno::EINVAL));
    assert_eq!(
        RenameMode::from_linux_flags(4),
        Err(Errno::EINVAL),
        "whiteout unsupported"
    );
    assert_eq!(RenameMode::from_linux_flags(8), Err(Errno::EINVAL));
}
