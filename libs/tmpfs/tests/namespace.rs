//! Creating, looking up, linking and removing names, with Linux's errno for each misuse.

mod common;

use common::{OWNER, links, mkdir, mkfile, new_filesystem, time};
use errno::Errno;
use tmpfs::{
    DeviceNumber, FileType, Limits, NAME_MAX, NewNode, ROOT_INODE, SYMLINK_MAX, Timestamp, Tmpfs,
};

#[test]
fn root_is_inode_one_an_empty_directory_of_forty_bytes() {
    let filesystem = new_filesystem();
    assert_eq!(filesystem.root(), ROOT_INODE);
    assert_eq!(ROOT_INODE, 1);
    let root = filesystem.metadata(ROOT_INODE).unwrap();
    assert_eq!(root.file_type, FileType::Directory);
    assert_eq!(root.mode, 0o040755);
    assert_eq!((root.link_count, root.size, root.blocks), (2, 40, 0));
    assert_eq!((root.uid, root.gid), (0, 0));
    assert_eq!(
        (root.accessed, root.modified, root.changed),
        (time(1), time(1), time(1))
    );
    assert_eq!(filesystem.lookup(ROOT_INODE, b"..").unwrap(), ROOT_INODE);
    assert_eq!(filesystem.lookup(ROOT_INODE, b".").unwrap(), ROOT_INODE);
}

#[test]
fn root_mode_type_bits_are_ignored() {
    let filesystem = Tmpfs::new(0o100000 | 0o1777, 0, 0, time(1));
    assert_eq!(filesystem.metadata(ROOT_INODE).unwrap().mode, 0o041777);
}

#[test]
fn creating_a_file_stamps_it_and_its_directory() {
    let mut filesystem = new_filesystem();
    let node = NewNode::new(FileType::Regular, 0o100644 | 0o4755, OWNER);
    let file = filesystem
        .create(ROOT_INODE, b"file", node, time(5))
        .unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        metadata.mode, 0o104755,
        "type bits come from the type, not the mode"
    );
    assert_eq!(
        (metadata.link_count, metadata.size, metadata.blocks),
        (1, 0, 0)
    );
    assert_eq!((metadata.uid, metadata.gid), (1000, 100));
    assert_eq!(
        (metadata.accessed, metadata.modified, metadata.changed),
        (time(5), time(5), time(5))
    );
    let root = filesystem.metadata(ROOT_INODE).unwrap();
    assert_eq!(
        (root.accessed, root.modified, root.changed),
        (time(1), time(5), time(5))
    );
    assert_eq!(root.size, 60);
    assert_eq!(filesystem.lookup(ROOT_INODE, b"file"), Ok(file));
}

#[test]
fn a_new_directory_counts_in_its_parent_and_points_back() {
    let mut filesystem = new_filesystem();
    let parent = mkdir(&mut filesystem, ROOT_INODE, "parent");
    let child = mkdir(&mut filesystem, parent, "child");
    mkfile(&mut filesystem, parent, "file");
    assert_eq!(links(&filesystem, ROOT_INODE), 3);
    assert_eq!(
        links(&filesystem, parent),
        3,
        "2 plus one subdirectory; files do not count"
    );
    assert_eq!(links(&filesystem, child), 2);
    assert_eq!(filesystem.lookup(child, b".."), Ok(parent));
    assert_eq!(filesystem.lookup(parent, b".."), Ok(ROOT_INODE));
}

#[test]
fn inode_numbers_grow_and_are_never_reused() {
    let mut filesystem = new_filesystem();
    let first = mkfile(&mut filesystem, ROOT_INODE, "a");
    assert_eq!(first, 2);
    filesystem.unlink(ROOT_INODE, b"a", time(2)).unwrap();
    let second = mkfile(&mut filesystem, ROOT_INODE, "a");
    assert_eq!(second, 3);
    assert_eq!(filesystem.metadata(first), Err(Errno::ESTALE));
}

#[test]
fn creating_refuses_bad_and_taken_names() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT_INODE, "taken");
    let node = NewNode::new(FileType::Regular, 0o644, OWNER);
    let mut create = |directory, name: &[u8]| filesystem.create(directory, name, node, time(2));
    assert_eq!(create(ROOT_INODE, b"taken"), Err(Errno::EEXIST));
    assert_eq!(create(ROOT_INODE, b"."), Err(Errno::EEXIST));
    assert_eq!(create(ROOT_INODE, b".."), Err(Errno::EEXIST));
    assert_eq!(create(ROOT_INODE, b""), Err(Errno::ENOENT));
    assert_eq!(
        create(ROOT_INODE, &[b'n'; NAME_MAX + 1]),
        Err(Errno::ENAMETOOLONG)
    );
    assert_eq!(create(ROOT_INODE, b"a/b"), Err(Errno::EINVAL));
    assert_eq!(create(file, b"inside"), Err(Errno::ENOTDIR));
    assert_eq!(create(99, b"x"), Err(Errno::ESTALE));
    assert!(create(ROOT_INODE, &[b'n'; NAME_MAX]).is_ok());
    let symlink = NewNode::new(FileType::Symlink, 0o777, OWNER);
    assert_eq!(
        filesystem.create(ROOT_INODE, b"l", symlink, time(2)),
        Err(Errno::EINVAL)
    );
}

#[test]
fn device_nodes_keep_their_number_and_other_types_ignore_it() {
    let mut filesystem = new_filesystem();
    let console = DeviceNumber::new(5, 1);
    let node = NewNode::device(FileType::CharDevice, 0o600, OWNER, console);
    let device = filesystem
        .create(ROOT_INODE, b"console", node, time(1))
        .unwrap();
    let metadata = filesystem.metadata(device).unwrap();
    assert_eq!(
        (metadata.mode, metadata.rdev, metadata.size),
        (0o020600, console, 0)
    );
    let block = NewNode::device(FileType::BlockDevice, 0o660, OWNER, DeviceNumber::new(8, 0));
    let disk = filesystem
        .create(ROOT_INODE, b"sda", block, time(1))
        .unwrap();
    assert_eq!(filesystem.metadata(disk).unwrap().mode, 0o060660);
    for (name, file_type, mode) in [
        (&b"fifo"[..], FileType::Fifo, 0o010644),
        (b"socket", FileType::Socket, 0o140644),
        (b"file", FileType::Regular, 0o100644),
    ] {
        let node = NewNode::device(file_type, 0o644, OWNER, console);
        let inode = filesystem.create(ROOT_INODE, name, node, time(1)).unwrap();
        let metadata = filesystem.metadata(inode).unwrap();
        assert_eq!((metadata.mode, metadata.rdev), (mode, DeviceNumber::NONE));
    }
}

#[test]
fn lookup_reports_missing_long_and_misplaced_names() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT_INODE, "file");
    assert_eq!(
        filesystem.lookup(ROOT_INODE, b"missing"),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        filesystem.lookup(ROOT_INODE, &[b'x'; 256]),
        Err(Errno::ENAMETOOLONG)
    );
    assert_eq!(filesystem.lookup(ROOT_INODE, b""), Err(Errno::ENOENT));
    assert_eq!(filesystem.lookup(file, b"x"), Err(Errno::ENOTDIR));
    assert_eq!(filesystem.lookup(file, b"."), Err(Errno::ENOTDIR));
    assert_eq!(filesystem.lookup(1234, b"x"), Err(Errno::ESTALE));
}

#[test]
fn unlink_removes_a_name_and_stamps_inode_and_directory() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT_INODE, "a");
    filesystem.link(file, ROOT_INODE, b"b", time(2)).unwrap();
    filesystem.unlink(ROOT_INODE, b"a", time(3)).unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.link_count, metadata.changed, metadata.modified),
        (1, time(3), time(1))
    );
    let root = filesystem.metadata(ROOT_INODE).unwrap();
    assert_eq!(
        (root.modified, root.changed, root.size),
        (time(3), time(3), 60)
    );
    assert_eq!(filesystem.lookup(ROOT_INODE, b"a"), Err(Errno::ENOENT));
    filesystem.unlink(ROOT_INODE, b"b", time(4)).unwrap();
    assert_eq!(
        filesystem.metadata(file),
        Err(Errno::ESTALE),
        "no names, no references: gone"
    );
}

#[test]
fn unlink_refuses_directories_dot_names_and_missing_names() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT_INODE, "dir");
    let file = mkfile(&mut filesystem, ROOT_INODE, "file");
    assert_eq!(
        filesystem.unlink(ROOT_INODE, b"dir", time(2)),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        filesystem.unlink(directory, b".", time(2)),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        filesystem.unlink(directory, b"..", time(2)),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        filesystem.unlink(ROOT_INODE, b"missing", time(2)),
        Err(Errno::ENOENT)
    );
    assert_eq!(filesystem.unlink(file, b"x", time(2)), Err(Errno::ENOTDIR));
    assert_eq!(
        filesystem.unlink(ROOT_INODE, &[b'x'; 256], time(2)),
        Err(Errno::ENAMETOOLONG)
    );
    assert_eq!(
        filesystem.metadata(ROOT_INODE).unwrap().modified,
        time(1),
        "failures change nothing"
    );
}

#[test]
fn rmdir_removes_an_empty_directory_and_drops_the_parent_link() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT_INODE, "dir");
    assert_eq!(links(&filesystem, ROOT_INODE), 3);
    filesystem.rmdir(ROOT_INODE, b"dir", time(7)).unwrap();
    assert_eq!(links(&filesystem, ROOT_INODE), 2);
    assert_eq!(filesystem.metadata(directory), Err(Errno::ESTALE));
    let root = filesystem.metadata(ROOT_INODE).unwrap();
    assert_eq!(
        (root.modified, root.changed, root.size),
        (time(7), time(7), 40)
    );
}

#[test]
fn rmdir_refuses_as_linux_does() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT_INODE, "dir");
    mkfile(&mut filesystem, directory, "inside");
    mkfile(&mut filesystem, ROOT_INODE, "file");
    assert_eq!(
        filesystem.rmdir(ROOT_INODE, b"dir", time(2)),
        Err(Errno::ENOTEMPTY)
    );
    assert_eq!(
        filesystem.rmdir(directory, b".", time(2)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        filesystem.rmdir(directory, b"..", time(2)),
        Err(Errno::ENOTEMPTY)
    );
    assert_eq!(
        filesystem.rmdir(ROOT_INODE, b"file", time(2)),
        Err(Errno::ENOTDIR)
    );
    assert_eq!(
        filesystem.rmdir(ROOT_INODE, b"missing", time(2)),
        Err(Errno::ENOENT)
    );
    assert_eq!(links(&filesystem, directory), 2);
}

#[test]
fn link_adds_a_name_and_changes_ctime() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT_INODE, "dir");
    let file = mkfile(&mut filesystem, ROOT_INODE, "file");
    filesystem.link(file, directory, b"again", time(4)).unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.link_count, metadata.changed, metadata.modified),
        (2, time(4), time(1))
    );
    let dir = filesystem.metadata(directory).unwrap();
    assert_eq!(
        (dir.modified, dir.changed, dir.link_count),
        (time(4), time(4), 2)
    );
    assert_eq!(filesystem.lookup(directory, b"again"), Ok(file));
}

#[test]
fn link_refuses_directories_taken_names_and_unlinked_files() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT_INODE, "dir");
    let file = mkfile(&mut filesystem, ROOT_INODE, "file");
    assert_eq!(
        filesystem.link(directory, ROOT_INODE, b"alias", time(2)),
        Err(Errno::EPERM)
    );
    assert_eq!(
        filesystem.link(file, ROOT_INODE, b"dir", time(2)),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        filesystem.link(directory, ROOT_INODE, b"file", time(2)),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        filesystem.link(file, ROOT_INODE, b".", time(2)),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        filesystem.link(file, file, b"x", time(2)),
        Err(Errno::ENOTDIR)
    );
    filesystem.open_reference(file).unwrap();
    filesystem.unlink(ROOT_INODE, b"file", time(2)).unwrap();
    assert_eq!(
        filesystem.link(file, ROOT_INODE, b"back", time(3)),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        filesystem.link(777, ROOT_INODE, b"x", time(3)),
        Err(Errno::ESTALE)
    );
}

#[test]
fn symlinks_store_their_target_with_mode_0777() {
    let mut filesystem = new_filesystem();
    let link = filesystem
        .symlink(ROOT_INODE, b"link", b"/some/where", OWNER, time(3))
        .unwrap();
    let metadata = filesystem.metadata(link).unwrap();
    assert_eq!(
        (metadata.mode, metadata.size, metadata.blocks),
        (0o120777, 11, 0)
    );
    assert_eq!((metadata.uid, metadata.changed), (1000, time(3)));
    assert_eq!(filesystem.read_link(link), Ok(&b"/some/where"[..]));
    assert_eq!(filesystem.read_link(ROOT_INODE), Err(Errno::EINVAL));
    assert_eq!(filesystem.lookup(ROOT_INODE, b"link"), Ok(link));
}

#[test]
fn symlink_targets_are_checked_before_the_name() {
    let mut filesystem = new_filesystem();
    mkfile(&mut filesystem, ROOT_INODE, "taken");
    let mut symlink =
        |name: &[u8], target: &[u8]| filesystem.symlink(ROOT_INODE, name, target, OWNER, time(2));
    assert_eq!(symlink(b"taken", b""), Err(Errno::ENOENT));
    assert_eq!(
        symlink(b"taken", &[b'x'; SYMLINK_MAX + 1]),
        Err(Errno::ENAMETOOLONG)
    );
    assert_eq!(symlink(b"taken", b"target"), Err(Errno::EEXIST));
    assert_eq!(symlink(b"..", b"target"), Err(Errno::EEXIST));
    assert!(symlink(b"longest", &[b'x'; SYMLINK_MAX]).is_ok());
}

#[test]
fn long_symlink_targets_occupy_a_page() {
    let mut filesystem = new_filesystem();
    let short = filesystem
        .symlink(ROOT_INODE, b"short", &[b'a'; 127], OWNER, time(1))
        .unwrap();
    let long = filesystem
        .symlink(ROOT_INODE, b"long", &[b'a'; 128], OWNER, time(1))
        .unwrap();
    assert_eq!(filesystem.metadata(short).unwrap().blocks, 0);
    assert_eq!(filesystem.metadata(long).unwrap().blocks, 8);
    assert_eq!(filesystem.usage().bytes, 4096);
    filesystem.unlink(ROOT_INODE, b"long", time(2)).unwrap();
    assert_eq!(filesystem.usage().bytes, 0);
}

/// A filesystem with `/parent/doomed` removed while referenced, and a file `/file`; returns
/// (filesystem, parent, removed directory, file).
fn with_removed_directory() -> (Tmpfs, u64, u64, u64) {
    let mut filesystem = new_filesystem();
    let parent = mkdir(&mut filesystem, ROOT_INODE, "parent");
    let directory = mkdir(&mut filesystem, parent, "doomed");
    let file = mkfile(&mut filesystem, ROOT_INODE, "file");
    filesystem.open_reference(directory).unwrap();
    filesystem.rmdir(parent, b"doomed", time(5)).unwrap();
    (filesystem, parent, directory, file)
}

#[test]
fn a_removed_directory_refuses_new_entries() {
    let (mut filesystem, _, directory, file) = with_removed_directory();
    let metadata = filesystem.metadata(directory).unwrap();
    assert_eq!((metadata.link_count, metadata.changed), (0, time(5)));
    let node = NewNode::new(FileType::Regular, 0o644, OWNER);
    assert_eq!(
        filesystem.create(directory, b"new", node, time(6)),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        filesystem.create(directory, b".", node, time(6)),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        filesystem.link(file, directory, b"new", time(6)),
        Err(Errno::ENOENT)
    );
    let symlink = filesystem.symlink(directory, b"l", b"t", OWNER, time(6));
    assert_eq!(symlink, Err(Errno::ENOENT));
    assert_eq!(
        filesystem.unlink(directory, b"x", time(6)),
        Err(Errno::ENOENT)
    );
    assert_eq!(
        filesystem.rmdir(directory, b".", time(6)),
        Err(Errno::EINVAL)
    );
}

#[test]
fn a_removed_directory_keeps_dot_and_dot_dot_until_released() {
    let (mut filesystem, parent, directory, _) = with_removed_directory();
    assert_eq!(filesystem.lookup(directory, b"x"), Err(Errno::ENOENT));
    assert_eq!(filesystem.lookup(directory, b"."), Ok(directory));
    assert_eq!(filesystem.lookup(directory, b".."), Ok(parent));
    let listing = filesystem.read_directory(directory, 0, |_| true);
    assert_eq!(listing, Err(Errno::ENOENT));
    filesystem.release_reference(directory).unwrap();
    assert_eq!(filesystem.metadata(directory), Err(Errno::ESTALE));
    assert_eq!(filesystem.usage().inodes, 3);
}

#[test]
fn the_inode_limit_is_enospc() {
    let limits = Limits {
        max_bytes: None,
        max_inodes: Some(3),
    };
    let mut filesystem = Tmpfs::with_limits(0o755, 0, 0, Timestamp::default(), limits);
    mkfile(&mut filesystem, ROOT_INODE, "one");
    mkdir(&mut filesystem, ROOT_INODE, "two");
    let node = NewNode::new(FileType::Regular, 0o644, OWNER);
    assert_eq!(
        filesystem.create(ROOT_INODE, b"three", node, time(1)),
        Err(Errno::ENOSPC)
    );
    assert_eq!(
        filesystem.symlink(ROOT_INODE, b"three", b"t", OWNER, time(1)),
        Err(Errno::ENOSPC)
    );
    assert_eq!(
        links(&filesystem, ROOT_INODE),
        3,
        "a failed mkdir leaves the parent alone"
    );
    filesystem.unlink(ROOT_INODE, b"one", time(2)).unwrap();
    assert!(
        filesystem
            .create(ROOT_INODE, b"three", node, time(2))
            .is_ok()
    );
    assert_eq!(filesystem.limits(), limits);
}
