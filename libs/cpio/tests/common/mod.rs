//! Test helpers: a newc archive writer, gzip wrappers, and a sink that keeps owned actions.
//!
//! The writer follows cpio(5)'s "New ASCII Format" independently of the crate's reader, and
//! records where each entry starts and where its body ends, so truncation tests know which
//! entries a prefix of the archive holds completely.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use std::io::Write;

use cpio::{Action, LinkedFile, NodeKind, Summary, UnpackError, unpack};
use flate2::{Compression, GzBuilder, write::GzEncoder};

pub const S_IFREG: u32 = 0o100000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFCHR: u32 = 0o020000;
pub const S_IFBLK: u32 = 0o060000;
pub const S_IFIFO: u32 = 0o010000;
pub const S_IFSOCK: u32 = 0o140000;

/// A generous decompression limit for tests that are not about the limit.
pub const LIMIT: usize = 64 << 20;

/// One entry to write; `name` is written with a NUL after it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub magic: [u8; 6],
    pub inode: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub link_count: u32,
    pub mtime: u32,
    pub device_major: u32,
    pub device_minor: u32,
    pub rdev_major: u32,
    pub rdev_minor: u32,
    pub check: u32,
    pub name: Vec<u8>,
    pub data: Vec<u8>,
}

impl Entry {
    pub fn new(name: &str, mode: u32) -> Self {
        Self {
            magic: *b"070701",
            inode: 0,
            mode,
            uid: 0,
            gid: 0,
            link_count: 1,
            mtime: 0,
            device_major: 8,
            device_minor: 1,
            rdev_major: 0,
            rdev_minor: 0,
            check: 0,
            name: name.as_bytes().to_vec(),
            data: Vec::new(),
        }
    }

    pub fn data(mut self, data: &[u8]) -> Self {
        self.data = data.to_vec();
        self
    }

    pub fn owner(mut self, uid: u32, gid: u32) -> Self {
        (self.uid, self.gid) = (uid, gid);
        self
    }

    pub fn mtime(mut self, mtime: u32) -> Self {
        self.mtime = mtime;
        self
    }

    pub fn linked(mut self, inode: u32, link_count: u32) -> Self {
        (self.inode, self.link_count) = (inode, link_count);
        self
    }

    pub fn rdev(mut self, major: u32, minor: u32) -> Self {
        (self.rdev_major, self.rdev_minor) = (major, minor);
        self
    }

    /// The `070702` format, with `check` the sum of the data bytes.
    pub fn with_checksum(mut self) -> Self {
        self.magic = *b"070702";
        self.check = self.data.iter().map(|&byte| u32::from(byte)).sum();
        self
    }
}

/// Where an entry lies in the written stream.
#[derive(Clone, Copy, Debug)]
pub struct EntrySpan {
    pub start: usize,
    pub body_end: usize,
}

/// Builds newc archives.
#[derive(Debug, Default)]
pub struct ArchiveWriter {
    pub bytes: Vec<u8>,
    pub spans: Vec<EntrySpan>,
    next_inode: u32,
}

impl ArchiveWriter {
    pub fn new() -> Self {
        Self {
            next_inode: 100,
            ..Self::default()
        }
    }

    /// Writes `entry`, giving it a fresh inode number unless it has one.
    pub fn entry(&mut self, entry: &Entry) -> &mut Self {
        let mut entry = entry.clone();
        if entry.inode == 0 {
            entry.inode = self.next_inode;
            self.next_inode += 1;
        }
        let start = self.bytes.len();
        let name_size = u32::try_from(entry.name.len() + 1).unwrap();
        self.bytes
            .extend_from_slice(&header_bytes(&entry, name_size));
        self.bytes.extend_from_slice(&entry.name);
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(&entry.data);
        let body_end = self.bytes.len();
        self.pad();
        self.spans.push(EntrySpan { start, body_end });
        self
    }

    pub fn directory(&mut self, name: &str) -> &mut Self {
        self.entry(&Entry::new(name, S_IFDIR | 0o755))
    }

    pub fn file(&mut self, name: &str, data: &[u8]) -> &mut Self {
        self.entry(&Entry::new(name, S_IFREG | 0o644).data(data))
    }

    pub fn symlink(&mut self, name: &str, target: &str) -> &mut Self {
        self.entry(&Entry::new(name, S_IFLNK | 0o777).data(target.as_bytes()))
    }

    pub fn trailer(&mut self) -> &mut Self {
        let mut trailer = Entry::new("TRAILER!!!", 0);
        trailer.inode = u32::MAX;
        trailer.device_major = 0;
        trailer.device_minor = 0;
        self.entry(&trailer)
    }

    /// Appends bytes that are not an entry (padding, junk, another archive).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.bytes.extend_from_slice(bytes);
        self
    }

    pub fn finish(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }
}

/// The 110-byte header for `entry` with the given `c_namesize`.
pub fn header_bytes(entry: &Entry, name_size: u32) -> Vec<u8> {
    let fields = [
        entry.inode,
        entry.mode,
        entry.uid,
        entry.gid,
        entry.link_count,
        entry.mtime,
        u32::try_from(entry.data.len()).unwrap(),
        entry.device_major,
        entry.device_minor,
        entry.rdev_major,
        entry.rdev_minor,
        name_size,
        entry.check,
    ];
    let mut bytes = entry.magic.to_vec();
    for field in fields {
        bytes.extend_from_slice(format!("{field:08X}").as_bytes());
    }
    assert_eq!(bytes.len(), 110);
    bytes
}

/// A gzip member of `data` with a plain 10-byte header.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A gzip member of `data` whose header has FEXTRA, FNAME and FCOMMENT (written by flate2).
pub fn gzip_with_named_header(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzBuilder::new()
        .filename("initramfs.cpio")
        .comment("made by the cpio tests")
        .extra(vec![b'L', b'o', 4, 0, 1, 2, 3, 4])
        .write(Vec::new(), Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A gzip member of `data` whose header also carries FHCRC, built by hand around raw deflate.
pub fn gzip_with_header_crc(data: &[u8]) -> Vec<u8> {
    let mut member = vec![0x1f, 0x8b, 8, 0x02 | 0x08, 0, 0, 0, 0, 0, 3];
    member.extend_from_slice(b"name\0");
    let mut header_crc = flate2::Crc::new();
    header_crc.update(&member);
    member.extend_from_slice(&(header_crc.sum() as u16).to_le_bytes());
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
    deflater.write_all(data).unwrap();
    member.extend_from_slice(&deflater.finish().unwrap());
    let mut data_crc = flate2::Crc::new();
    data_crc.update(data);
    member.extend_from_slice(&data_crc.sum().to_le_bytes());
    member.extend_from_slice(&(data.len() as u32).to_le_bytes());
    member
}

/// An action with owned data, for comparing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owned {
    Directory {
        path: Vec<u8>,
        mode: u32,
        uid: u32,
        gid: u32,
        mtime: u32,
    },
    File {
        path: Vec<u8>,
        mode: u32,
        uid: u32,
        gid: u32,
        mtime: u32,
        data: Vec<u8>,
    },
    Symlink {
        path: Vec<u8>,
        target: Vec<u8>,
        uid: u32,
        gid: u32,
        mtime: u32,
    },
    HardLink {
        path: Vec<u8>,
        existing_path: Vec<u8>,
        /// `(mode, uid, gid, mtime, data)` for regular files.
        file: Option<(u32, u32, u32, u32, Vec<u8>)>,
    },
    Node {
        path: Vec<u8>,
        kind: NodeKind,
        mode: u32,
        rdev: (u32, u32),
        uid: u32,
        gid: u32,
        mtime: u32,
    },
}

impl From<Action<'_>> for Owned {
    fn from(action: Action<'_>) -> Self {
        match action {
            Action::Directory {
                path,
                mode,
                uid,
                gid,
                mtime_seconds,
            } => Self::Directory {
                path: path.to_vec(),
                mode,
                uid,
                gid,
                mtime: mtime_seconds,
            },
            Action::File {
                path,
                mode,
                uid,
                gid,
                mtime_seconds,
                data,
            } => Self::File {
                path: path.to_vec(),
                mode,
                uid,
                gid,
                mtime: mtime_seconds,
                data: data.to_vec(),
            },
            Action::Symlink {
                path,
                target,
                uid,
                gid,
                mtime_seconds,
            } => Self::Symlink {
                path: path.to_vec(),
                target: target.to_vec(),
                uid,
                gid,
                mtime: mtime_seconds,
            },
            Action::HardLink {
                path,
                existing_path,
                file,
            } => Self::HardLink {
                path: path.to_vec(),
                existing_path: existing_path.to_vec(),
                file: file.map(
                    |LinkedFile {
                         mode,
                         uid,
                         gid,
                         mtime_seconds,
                         data,
                     }| { (mode, uid, gid, mtime_seconds, data.to_vec()) },
                ),
            },
            Action::Node {
                path,
                kind,
                mode,
                rdev_major,
                rdev_minor,
                uid,
                gid,
                mtime_seconds,
            } => Self::Node {
                path: path.to_vec(),
                kind,
                mode,
                rdev: (rdev_major, rdev_minor),
                uid,
                gid,
                mtime: mtime_seconds,
            },
        }
    }
}

impl Owned {
    pub fn path(&self) -> &[u8] {
        match self {
            Self::Directory { path, .. }
            | Self::File { path, .. }
            | Self::Symlink { path, .. }
            | Self::HardLink { path, .. }
            | Self::Node { path, .. } => path,
        }
    }
}

/// Unpacks `initrd`, keeping every delivered action.
pub fn collect(initrd: &[u8], limit: usize) -> (Vec<Owned>, Result<Summary, UnpackError>) {
    let mut actions = Vec::new();
    let result = unpack(initrd, limit, |action| {
        actions.push(Owned::from(action));
        Ok(())
    });
    (actions, result)
}

/// Unpacks `initrd`, which must succeed, and returns its actions.
pub fn actions_of(initrd: &[u8]) -> Vec<Owned> {
    let (actions, result) = collect(initrd, LIMIT);
    result.unwrap_or_else(|error| panic!("unpacking failed: {error}"));
    actions
}

/// The paths of `actions`, as strings.
pub fn paths(actions: &[Owned]) -> Vec<String> {
    actions
        .iter()
        .map(|action| String::from_utf8_lossy(action.path()).into_owned())
        .collect()
}

/// A plain archive using every entry type, for seeds and comparisons.
pub fn sample_archive() -> ArchiveWriter {
    let mut writer = ArchiveWriter::new();
    writer
        .directory(".")
        .directory("bin")
        .entry(&Entry::new("bin/busybox", S_IFREG | 0o755).data(&[0x7f, b'E', b'L', b'F', 1, 2, 3]))
        .symlink("bin/sh", "busybox")
        .directory("dev")
        .entry(&Entry::new("dev/console", S_IFCHR | 0o600).rdev(5, 1))
        .entry(&Entry::new("etc/a", S_IFREG | 0o644).linked(7, 2))
        .entry(
            &Entry::new("etc/b", S_IFREG | 0o644)
                .linked(7, 2)
                .data(b"shared contents\n"),
        )
        .file("init", b"#!/bin/sh\necho hello\n")
        .trailer();
    writer
}
