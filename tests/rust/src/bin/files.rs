//! Files through Rust's std: `std::fs`, `File`, directories, links and permissions.
//!
//! std calls the same system calls as C programs (`statx` for metadata, falling back to
//! `newfstatat`; `getdents64` for `read_dir`; `copy_file_range`, then `sendfile`, then read
//! and write for `fs::copy`), and turns errno values into `io::ErrorKind`s, so this checks
//! both that std works on the kernel and that the errors arrive with the right kinds.

use std::{
    fs::{self, File, OpenOptions},
    io::{BufRead, BufReader, ErrorKind, Read, Seek, SeekFrom, Write},
    os::unix::fs::{MetadataExt, PermissionsExt, symlink},
    path::Path,
};

use loam_guest_tests::{Test, check, check_equal, check_errno, check_ok, errno};

const SCRATCH: &str = "/tmp/rust-files";

fn writing_and_reading(test: &mut Test) {
    let path = Path::new(SCRATCH).join("notes.txt");
    if let Some(mut file) = check_ok!(test, File::create(&path)) {
        check_ok!(test, file.write_all(b"first line\nsecond line\n"));
        check_ok!(test, file.sync_all());
    }
    let text = check_ok!(test, fs::read_to_string(&path)).unwrap_or_default();
    check_equal!(test, text.as_str(), "first line\nsecond line\n");
    if let Some(file) = check_ok!(test, File::open(&path)) {
        let lines: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
        check_equal!(
            test,
            lines,
            ["first line", "second line"].map(String::from).to_vec()
        );
    }
    let appender = OpenOptions::new().append(true).open(&path);
    if let Some(mut file) = check_ok!(test, appender) {
        check_ok!(test, file.write_all(b"third\n"));
    }
    let length = check_ok!(test, fs::metadata(&path)).map(|metadata| metadata.len());
    check_equal!(test, length, Some(29));
    check_errno!(
        test,
        OpenOptions::new().write(true).create_new(true).open(&path),
        errno::EEXIST
    );
    let missing = File::open(Path::new(SCRATCH).join("missing"));
    check!(
        test,
        missing
            .as_ref()
            .is_err_and(|error| error.kind() == ErrorKind::NotFound)
    );
}

fn seeking_and_resizing(test: &mut Test) {
    let path = Path::new(SCRATCH).join("sized");
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path);
    let Some(mut file) = check_ok!(test, opened) else {
        return;
    };
    check_ok!(test, file.write_all(b"0123456789"));
    let position = check_ok!(test, file.seek(SeekFrom::End(-4)));
    check_equal!(test, position, Some(6));
    let mut tail = String::new();
    check_ok!(test, file.read_to_string(&mut tail));
    check_equal!(test, tail.as_str(), "6789");
    check_ok!(test, file.set_len(3));
    check_ok!(test, file.set_len(4096));
    check_ok!(test, file.seek(SeekFrom::Start(0)));
    let mut contents = Vec::new();
    check_ok!(test, file.read_to_end(&mut contents));
    check_equal!(test, contents.len(), 4096);
    check!(test, contents.starts_with(b"012\0"));
    check_errno!(test, file.seek(SeekFrom::Current(-10000)), errno::EINVAL);
}

fn directories(test: &mut Test) {
    let directory = Path::new(SCRATCH).join("listing");
    check_ok!(test, fs::create_dir_all(directory.join("nested/deeper")));
    for name in ["b", "a", "c"] {
        check_ok!(test, fs::write(directory.join(name), name));
    }
    let mut names: Vec<String> = fs::read_dir(&directory)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    check_equal!(
        test,
        names,
        ["a", "b", "c", "nested"].map(String::from).to_vec()
    );
    let is_directory = fs::read_dir(&directory).ok().and_then(|mut entries| {
        entries
            .find(|entry| {
                entry
                    .as_ref()
                    .is_ok_and(|entry| entry.file_name() == "nested")
            })
            .and_then(|entry| entry.ok()?.file_type().ok())
            .map(|file_type| file_type.is_dir())
    });
    check_equal!(test, is_directory, Some(true));
    check_errno!(
        test,
        fs::remove_dir(directory.join("nested")),
        errno::ENOTEMPTY
    );
    check_errno!(test, fs::create_dir(directory.join("a")), errno::EEXIST);
    check_errno!(test, fs::read_dir(directory.join("a")), errno::ENOTDIR);
    check_ok!(
        test,
        fs::rename(directory.join("a"), directory.join("nested/moved"))
    );
    check!(test, !directory.join("a").exists());
    check_ok!(test, fs::remove_dir_all(directory.join("nested")));
    check!(test, !directory.join("nested").exists());
}

fn links_and_copies(test: &mut Test) {
    let directory = Path::new(SCRATCH);
    let original = directory.join("notes.txt");
    check_ok!(test, symlink("notes.txt", directory.join("symbolic")));
    let target = check_ok!(test, fs::read_link(directory.join("symbolic")));
    check_equal!(test, target.as_deref(), Some(Path::new("notes.txt")));
    let link_metadata = check_ok!(test, fs::symlink_metadata(directory.join("symbolic")));
    check!(
        test,
        link_metadata.is_some_and(|metadata| metadata.is_symlink())
    );
    check_ok!(test, fs::hard_link(&original, directory.join("hard")));
    let links = check_ok!(test, fs::metadata(&original)).map(|metadata| metadata.nlink());
    check_equal!(test, links, Some(2));
    let copied = check_ok!(test, fs::copy(&original, directory.join("copy")));
    check_equal!(test, copied, Some(29));
    let copy = fs::read(directory.join("copy")).unwrap_or_default();
    check_equal!(test, copy.len(), 29);
    check_errno!(test, fs::read_link(&original), errno::EINVAL);
    check_ok!(test, fs::remove_file(directory.join("symbolic")));
    check_errno!(
        test,
        fs::remove_file(directory.join("symbolic")),
        errno::ENOENT
    );
}

fn permissions_and_working_directory(test: &mut Test) {
    let path = Path::new(SCRATCH).join("notes.txt");
    check_ok!(
        test,
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640))
    );
    let mode = check_ok!(test, fs::metadata(&path)).map(|metadata| metadata.mode() & 0o7777);
    check_equal!(test, mode, Some(0o640));
    let metadata = check_ok!(test, fs::metadata(&path));
    check!(
        test,
        metadata.is_some_and(|metadata| metadata.modified().is_ok())
    );
    check_ok!(test, std::env::set_current_dir(SCRATCH));
    let current = check_ok!(test, std::env::current_dir());
    check_equal!(test, current.as_deref(), Some(Path::new(SCRATCH)));
    check!(test, Path::new("notes.txt").is_file());
    check_errno!(test, std::env::set_current_dir("notes.txt"), errno::ENOTDIR);
}

fn main() {
    let mut test = Test::start();
    check_ok!(test, fs::create_dir(SCRATCH));
    writing_and_reading(&mut test);
    seeking_and_resizing(&mut test);
    directories(&mut test);
    links_and_copies(&mut test);
    permissions_and_working_directory(&mut test);
    test.finish();
}
