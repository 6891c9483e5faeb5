//! chmod, chown, utimensat, relatime, and the value types `stat(2)` and `mknod(2)` need.

mod common;

use common::{mkdir, mkfile, new_filesystem, time};
use errno::Errno;
use tmpfs::{DeviceNumber, FileType, ROOT_INODE, TimeChange, Timestamp};

const ROOT: u64 = ROOT_INODE;

#[test]
fn set_mode_keeps_the_type_and_stamps_ctime() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    filesystem
        .set_mode(file, 0o040000 | 0o6711, time(4))
        .unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.mode, metadata.changed, metadata.modified),
        (0o106711, time(4), time(1))
    );
    assert_eq!(filesystem.set_mode(99, 0o644, time(4)), Err(Errno::ESTALE));
}

#[test]
fn set_owner_changes_what_is_given_and_always_stamps_ctime() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    filesystem.set_owner(file, Some(5), None, time(2)).unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.uid, metadata.gid, metadata.changed),
        (5, 100, time(2))
    );
    filesystem.set_owner(file, None, None, time(3)).unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.uid, metadata.gid, metadata.changed),
        (5, 100, time(3))
    );
}

#[test]
fn chown_clears_set_id_bits_of_files_but_not_directories() {
    let mut filesystem = new_filesystem();
    let executable = mkfile(&mut filesystem, ROOT, "exe");
    let locked = mkfile(&mut filesystem, ROOT, "locked");
    let directory = mkdir(&mut filesystem, ROOT, "dir");
    filesystem.set_mode(executable, 0o6755, time(2)).unwrap();
    filesystem.set_mode(locked, 0o6745, time(2)).unwrap();
    filesystem.set_mode(directory, 0o3775, time(2)).unwrap();
    for inode in [executable, locked, directory] {
        filesystem.set_owner(inode, None, Some(7), time(3)).unwrap();
    }
    let mode = |inode| filesystem.metadata(inode).unwrap().mode & 0o7777;
    assert_eq!(
        mode(executable),
        0o0755,
        "set-user-ID and group-executable set-group-ID go"
    );
    assert_eq!(
        mode(locked),
        0o2745,
        "set-group-ID without group-execute stays"
    );
    assert_eq!(mode(directory), 0o3775);
}

#[test]
fn set_times_follows_utimensat() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    let chosen = Timestamp::new(-5, 999_999_999);
    filesystem
        .set_times(file, TimeChange::Set(chosen), TimeChange::Now, time(8))
        .unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.accessed, metadata.modified, metadata.changed),
        (chosen, time(8), time(8))
    );
    filesystem
        .set_times(file, TimeChange::Omit, TimeChange::Set(time(3)), time(9))
        .unwrap();
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.accessed, metadata.modified, metadata.changed),
        (chosen, time(3), time(9))
    );
    filesystem
        .set_times(file, TimeChange::Omit, TimeChange::Omit, time(10))
        .unwrap();
    assert_eq!(
        filesystem.metadata(file).unwrap().changed,
        time(9),
        "both omitted: no change"
    );
}

#[test]
fn access_marks_follow_relatime() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    assert_eq!(
        filesystem.mark_accessed(file, time(5)),
        Ok(true),
        "atime not after mtime"
    );
    assert_eq!(
        filesystem.mark_accessed(file, time(6)),
        Ok(false),
        "atime already newer"
    );
    assert_eq!(filesystem.metadata(file).unwrap().accessed, time(5));
    filesystem.write(file, 0, b"x", time(7)).unwrap();
    assert_eq!(filesystem.mark_accessed(file, time(8)), Ok(true));
    let a_day_later = time(8 + 24 * 60 * 60);
    assert_eq!(filesystem.mark_accessed(file, a_day_later), Ok(true));
    let metadata = filesystem.metadata(file).unwrap();
    assert_eq!(
        (metadata.accessed, metadata.changed),
        (a_day_later, time(7))
    );
}

#[test]
fn device_numbers_use_linux_encoding() {
    let console = DeviceNumber::new(5, 1);
    assert_eq!(console.to_linux_encoding(), 0x0501);
    let large = DeviceNumber::new(0xabc, 0x12345);
    assert_eq!(large.to_linux_encoding(), 0x123a_bc45);
    assert_eq!(DeviceNumber::from_linux_encoding(0x123a_bc45), large);
    assert_eq!(DeviceNumber::from_linux_encoding(0x0501), console);
}

#[test]
fn file_types_convert_to_and_from_mode_and_dirent_type() {
    let all = [
        (FileType::Regular, 0o100000, 8),
        (FileType::Directory, 0o040000, 4),
        (FileType::Symlink, 0o120000, 10),
        (FileType::CharDevice, 0o020000, 2),
        (FileType::BlockDevice, 0o060000, 6),
        (FileType::Fifo, 0o010000, 1),
        (FileType::Socket, 0o140000, 12),
    ];
    for (file_type, mode_bits, dirent_type) in all {
        assert_eq!(file_type.mode_bits(), mode_bits);
        assert_eq!(file_type.directory_entry_type(), dirent_type);
        assert_eq!(FileType::from_mode(mode_bits | 0o644), Some(file_type));
    }
    assert_eq!(FileType::from_mode(0o644), None);
    assert_eq!(FileType::from_mode(0o170000), None);
}
