//! File data and symlink targets: sparse pages, truncation, limits, offsets, timestamps.

mod common;

use common::{OWNER, mkdir, mkfile, new_filesystem, time};
use errno::Errno;
use tmpfs::{DeviceNumber, FileType, Limits, MAX_FILE_SIZE, NewNode, PAGE_SIZE, ROOT_INODE, Tmpfs};

const ROOT: u64 = ROOT_INODE;

/// Reads `length` bytes at `offset`, returning what was read.
fn read(filesystem: &Tmpfs, inode: u64, offset: u64, length: usize) -> Vec<u8> {
    let mut buffer = vec![0xaa; length];
    let count = filesystem.read(inode, offset, &mut buffer).unwrap();
    buffer.truncate(count);
    buffer
}

#[test]
fn writes_read_back_across_page_boundaries() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    let data: Vec<u8> = (0..10_000u32).map(|index| (index % 251) as u8).collect();
    assert_eq!(filesystem.write(file, 100, &data, time(2)), Ok(10_000));
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!((metadata.size, metadata.blocks), (10_100, 24));
    assert_eq!(read(&filesystem, file, 100, 10_000), data);
    assert_eq!(read(&filesystem, file, 0, 100), vec![0; 100]);
    assert_eq!(filesystem.usage().bytes, 3 * PAGE_SIZE as u64);
}

#[test]
fn reads_stop_at_the_end_of_the_file() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    filesystem.write(file, 0, b"hello", time(2)).unwrap();
    assert_eq!(read(&filesystem, file, 3, 100), b"lo");
    assert_eq!(read(&filesystem, file, 5, 100), b"");
    assert_eq!(read(&filesystem, file, 1 << 40, 100), b"");
}

#[test]
fn holes_read_as_zeros_and_take_no_pages() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    let far = 1u64 << 30;
    assert_eq!(filesystem.write(file, far, b"x", time(2)), Ok(1));
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!((metadata.size, metadata.blocks), (far + 1, 8));
    assert_eq!(read(&filesystem, file, far - 3, 4), b"\0\0\0x");
    assert_eq!(read(&filesystem, file, 12_345, 10), vec![0; 10]);
}

#[test]
fn writing_stamps_mtime_and_ctime_unless_nothing_is_written() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    filesystem.write(file, 0, b"", time(2)).unwrap();
    assert_eq!(filesystem.metadata(file).unwrap().modified, time(1));
    filesystem.write(file, 0, b"data", time(3)).unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.accessed, metadata.modified, metadata.changed),
        (time(1), time(3), time(3))
    );
}

#[test]
fn truncating_down_frees_pages_and_growing_again_shows_zeros() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    filesystem
        .write(file, 0, &[0xff; 3 * PAGE_SIZE], time(2))
        .unwrap();
    filesystem.truncate(file, 5000, time(3)).unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!((metadata.size, metadata.blocks), (5000, 16));
    assert_eq!((metadata.modified, metadata.changed), (time(3), time(3)));
    filesystem
        .truncate(file, 3 * PAGE_SIZE as u64, time(4))
        .unwrap();
    assert_eq!(
        filesystem.metadata(file).unwrap().blocks,
        16,
        "growing makes a hole"
    );
    assert_eq!(read(&filesystem, file, 4990, 10), vec![0xff; 10]);
    assert_eq!(read(&filesystem, file, 5000, 7288), vec![0; 7288]);
    filesystem.truncate(file, 0, time(5)).unwrap();
    assert_eq!(filesystem.metadata(file).unwrap().blocks, 0);
    assert_eq!(filesystem.usage().bytes, 0);
}

#[test]
fn truncating_to_the_same_size_changes_nothing() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    filesystem.write(file, 0, b"abc", time(2)).unwrap();
    filesystem.truncate(file, 3, time(3)).unwrap();
    assert_eq!(filesystem.metadata(file).unwrap().changed, time(2));
}

#[test]
fn truncate_refuses_negative_sizes_and_non_files() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    let directory = mkdir(&mut filesystem, ROOT, "d");
    let link = filesystem
        .symlink(ROOT, b"l", b"f", OWNER, time(1))
        .unwrap();
    assert_eq!(
        filesystem.truncate(file, MAX_FILE_SIZE + 1, time(2)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        filesystem.truncate(directory, 0, time(2)),
        Err(Errno::EISDIR)
    );
    assert_eq!(filesystem.truncate(link, 0, time(2)), Err(Errno::EINVAL));
    assert_eq!(filesystem.truncate(99, 0, time(2)), Err(Errno::ESTALE));
    filesystem.truncate(file, MAX_FILE_SIZE, time(2)).unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!((metadata.size, metadata.blocks), (MAX_FILE_SIZE, 0));
}

#[test]
fn offsets_beyond_the_largest_file_are_einval() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    let mut buffer = [0u8; 4];
    assert_eq!(
        filesystem.write(file, MAX_FILE_SIZE + 1, b"", time(2)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        filesystem.write(file, MAX_FILE_SIZE - 1, b"ab", time(2)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        filesystem.write(file, u64::MAX, b"ab", time(2)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        filesystem.read(file, MAX_FILE_SIZE - 1, &mut buffer),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        filesystem.write(file, MAX_FILE_SIZE - 1, b"z", time(2)),
        Ok(1)
    );
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!((metadata.size, metadata.blocks), (MAX_FILE_SIZE, 8));
    assert_eq!(filesystem.read(file, MAX_FILE_SIZE - 4, &mut buffer), Ok(4));
    assert_eq!(buffer, *b"\0\0\0z");
}

#[test]
fn only_regular_files_hold_data() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT, "d");
    let node = NewNode::device(FileType::CharDevice, 0o600, OWNER, DeviceNumber::new(1, 3));
    let device = filesystem.create(ROOT, b"null", node, time(1)).unwrap();
    let mut buffer = [0u8; 4];
    assert_eq!(
        filesystem.read(directory, 0, &mut buffer),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        filesystem.write(directory, 0, b"x", time(2)),
        Err(Errno::EISDIR)
    );
    assert_eq!(filesystem.read(device, 0, &mut buffer), Err(Errno::EINVAL));
    assert_eq!(
        filesystem.write(device, 0, b"x", time(2)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        filesystem.read(directory, u64::MAX, &mut buffer),
        Err(Errno::EINVAL),
        "offset first"
    );
    assert_eq!(filesystem.read(4242, 0, &mut buffer), Err(Errno::ESTALE));
    assert_eq!(filesystem.file_type(device), Ok(FileType::CharDevice));
}

#[test]
fn the_size_limit_gives_short_writes_then_enospc() {
    let limits = Limits {
        max_bytes: Some(3 * PAGE_SIZE as u64),
        max_inodes: None,
    };
    let mut filesystem = Tmpfs::with_limits(0o755, 0, 0, time(1), limits);
    let file = mkfile(&mut filesystem, ROOT, "f");
    let written = filesystem.write(file, 0, &[1; 4 * PAGE_SIZE], time(2));
    assert_eq!(written, Ok(3 * PAGE_SIZE));
    assert_eq!(
        filesystem.metadata(file).unwrap().size,
        3 * PAGE_SIZE as u64
    );
    assert_eq!(
        filesystem.write(file, 3 * PAGE_SIZE as u64, b"x", time(3)),
        Err(Errno::ENOSPC)
    );
    assert_eq!(
        filesystem.write(file, 10, b"overwrite", time(3)),
        Ok(9),
        "existing pages are free"
    );
    let long_target = [b'a'; 200];
    assert_eq!(
        filesystem.symlink(ROOT, b"long", &long_target, OWNER, time(3)),
        Err(Errno::ENOSPC)
    );
    assert_eq!(
        filesystem.usage().inodes,
        2,
        "the failed symlink left no inode"
    );
    filesystem
        .truncate(file, PAGE_SIZE as u64, time(4))
        .unwrap();
    assert_eq!(
        filesystem.write(file, 1 << 20, &[2; 2 * PAGE_SIZE], time(5)),
        Ok(2 * PAGE_SIZE)
    );
}

#[test]
fn an_unlinked_open_file_keeps_its_data_until_released() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    filesystem
        .write(file, 0, &[7; 2 * PAGE_SIZE], time(2))
        .unwrap();
    filesystem.open_reference(file).unwrap();
    filesystem.open_reference(file).unwrap();
    filesystem.unlink(ROOT, b"f", time(3)).unwrap();
    assert_eq!(filesystem.metadata(file).unwrap().link_count, 0);
    assert_eq!(
        filesystem.write(file, 2 * PAGE_SIZE as u64, b"more", time(4)),
        Ok(4)
    );
    assert_eq!(
        read(&filesystem, file, 2 * PAGE_SIZE as u64 - 1, 10),
        b"\x07more"
    );
    assert_eq!(filesystem.usage().bytes, 3 * PAGE_SIZE as u64);
    filesystem.release_reference(file).unwrap();
    assert_eq!(filesystem.usage().inodes, 2, "one reference still open");
    filesystem.release_reference(file).unwrap();
    assert_eq!(filesystem.metadata(file), Err(Errno::ESTALE));
    assert_eq!(
        (filesystem.usage().inodes, filesystem.usage().bytes),
        (1, 0)
    );
    assert_eq!(filesystem.release_reference(file), Err(Errno::ESTALE));
}

#[test]
fn releasing_an_unreferenced_inode_is_einval() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    assert_eq!(filesystem.release_reference(file), Err(Errno::EINVAL));
    assert_eq!(
        filesystem.metadata(file).unwrap().link_count,
        1,
        "still there"
    );
    filesystem.open_reference(file).unwrap();
    filesystem.release_reference(file).unwrap();
    assert!(
        filesystem.metadata(file).is_ok(),
        "a linked inode outlives its references"
    );
}
