//! newc cpio writer: builds the initramfs archives that Linux and Loam unpack at boot.
//!
//! The format is the "new ASCII" cpio that Linux's initramfs unpacker reads (Linux
//! `Documentation/driver-api/early-userspace/buffer-format.rst`): each entry is a 110-byte header
//! (the magic `070701` and thirteen 8-digit hex fields), the NUL-terminated name, padding to a
//! multiple of 4 bytes, the data, and padding again; an entry named `TRAILER!!!` ends the archive.
//!
//! Every entry gets its own inode number and a link count of 1 (2 for directories), because Linux
//! treats regular files with a higher link count and equal inode numbers as hard links of each
//! other. Owners are root and times are 0, so the same inputs always give the same archive.
//! Missing parent directories are added automatically (mode 0755) before their first child.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail, ensure};

const MAGIC: &str = "070701";
const TRAILER_NAME: &str = "TRAILER!!!";
const ALIGNMENT: usize = 4;
/// Traditional cpio archives are padded to a multiple of this block size.
const ARCHIVE_BLOCK_SIZE: usize = 512;

const FILE_TYPE_DIRECTORY: u32 = 0o040_000;
const FILE_TYPE_REGULAR: u32 = 0o100_000;
const FILE_TYPE_SYMLINK: u32 = 0o120_000;
const FILE_TYPE_CHARACTER_DEVICE: u32 = 0o020_000;
const PERMISSION_BITS: u32 = 0o7777;
const PARENT_DIRECTORY_PERMISSIONS: u32 = 0o755;

/// A device number as `ls -l` shows it: major and minor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceNumber {
    pub major: u32,
    pub minor: u32,
}

/// Builds a newc archive in memory; [`CpioWriter::finish`] adds the trailer and returns it.
pub struct CpioWriter {
    archive: Vec<u8>,
    next_inode: u32,
    directories: BTreeSet<String>,
    other_names: BTreeSet<String>,
}

/// One archive member, before it is encoded.
struct Entry<'a> {
    name: &'a str,
    mode: u32,
    link_count: u32,
    device: DeviceNumber,
    data: &'a [u8],
}

impl CpioWriter {
    pub fn new() -> Self {
        CpioWriter {
            archive: Vec::new(),
            next_inode: 1,
            directories: BTreeSet::new(),
            other_names: BTreeSet::new(),
        }
    }

    /// Adds a directory; adding one that is already there does nothing.
    pub fn add_directory(&mut self, path: &str, permissions: u32) -> Result<()> {
        let name = archive_name(path)?;
        if self.directories.contains(&name) {
            return Ok(());
        }
        self.add_parents(&name)?;
        self.claim_name(&name)?;
        self.directories.insert(name.clone());
        let mode = FILE_TYPE_DIRECTORY | checked_permissions(permissions)?;
        self.push_entry(&Entry::new(&name, mode, 2, &[]))
    }

    /// Adds a regular file with the given contents.
    pub fn add_file(&mut self, path: &str, permissions: u32, contents: &[u8]) -> Result<()> {
        let mode = FILE_TYPE_REGULAR | checked_permissions(permissions)?;
        self.add_leaf(path, mode, DeviceNumber { major: 0, minor: 0 }, contents)
    }

    /// Adds a symbolic link at `path` pointing to `target`.
    pub fn add_symlink(&mut self, path: &str, target: &str) -> Result<()> {
        ensure!(!target.is_empty(), "symlink {path} has an empty target");
        let mode = FILE_TYPE_SYMLINK | 0o777;
        self.add_leaf(
            path,
            mode,
            DeviceNumber { major: 0, minor: 0 },
            target.as_bytes(),
        )
    }

    /// Adds a character device node.
    pub fn add_character_device(
        &mut self,
        path: &str,
        permissions: u32,
        device: DeviceNumber,
    ) -> Result<()> {
        let mode = FILE_TYPE_CHARACTER_DEVICE | checked_permissions(permissions)?;
        self.add_leaf(path, mode, device, &[])
    }

    /// Ends the archive with its trailer and returns the bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let trailer = Entry::new(TRAILER_NAME, 0, 1, &[]);
        self.encode(&trailer, 0);
        let padded_length = self.archive.len().next_multiple_of(ARCHIVE_BLOCK_SIZE);
        self.archive.resize(padded_length, 0);
        self.archive
    }

    fn add_leaf(&mut self, path: &str, mode: u32, device: DeviceNumber, data: &[u8]) -> Result<()> {
        let name = archive_name(path)?;
        self.add_parents(&name)?;
        self.claim_name(&name)?;
        let mut entry = Entry::new(&name, mode, 1, data);
        entry.device = device;
        self.push_entry(&entry)
    }

    /// Adds every missing ancestor directory of `name`, outermost first.
    fn add_parents(&mut self, name: &str) -> Result<()> {
        let parents: Vec<&str> = name
            .match_indices('/')
            .map(|(index, _)| &name[..index])
            .collect();
        for parent in parents {
            if !self.directories.contains(parent) {
                self.add_directory(parent, PARENT_DIRECTORY_PERMISSIONS)?;
            }
        }
        Ok(())
    }

    fn claim_name(&mut self, name: &str) -> Result<()> {
        ensure!(
            !self.directories.contains(name) && self.other_names.insert(name.to_owned()),
            "{name} is already in the archive"
        );
        Ok(())
    }

    fn push_entry(&mut self, entry: &Entry) -> Result<()> {
        ensure!(
            u32::try_from(entry.data.len()).is_ok(),
            "{} is too large for a newc archive (4 GiB at most)",
            entry.name
        );
        let inode = self.next_inode;
        self.next_inode = inode.checked_add(1).context("too many archive entries")?;
        self.encode(entry, inode);
        Ok(())
    }

    /// Appends the entry's header, name and data, each padded to the alignment.
    fn encode(&mut self, entry: &Entry, inode: u32) {
        let fields = [
            inode,
            entry.mode,
            0, // user id: root
            0, // group id: root
            entry.link_count,
            0, // modification time
            field_length(entry.data.len()),
            0, // major number of the device holding the file
            0, // minor number of the device holding the file
            entry.device.major,
            entry.device.minor,
            field_length(entry.name.len() + 1),
            0, // checksum: only the "070702" variant uses it
        ];
        self.archive.extend_from_slice(MAGIC.as_bytes());
        for field in fields {
            self.archive
                .extend_from_slice(format!("{field:08x}").as_bytes());
        }
        self.archive.extend_from_slice(entry.name.as_bytes());
        self.archive.push(0);
        self.pad();
        self.archive.extend_from_slice(entry.data);
        self.pad();
    }

    fn pad(&mut self) {
        let padded_length = self.archive.len().next_multiple_of(ALIGNMENT);
        self.archive.resize(padded_length, 0);
    }
}

impl<'a> Entry<'a> {
    fn new(name: &'a str, mode: u32, link_count: u32, data: &'a [u8]) -> Self {
        Entry {
            name,
            mode,
            link_count,
            device: DeviceNumber { major: 0, minor: 0 },
            data,
        }
    }
}

/// The name stored in the archive: the path without leading slashes, checked to be a plain
/// relative path (no empty, `.` or `..` components, no NUL).
fn archive_name(path: &str) -> Result<String> {
    let name = path.trim_start_matches('/');
    let has_bad_component = name
        .split('/')
        .any(|component| matches!(component, "" | "." | ".."));
    if has_bad_component || name.contains('\0') || name == TRAILER_NAME {
        bail!("{path:?} cannot be stored in an initramfs");
    }
    Ok(name.to_owned())
}

fn checked_permissions(permissions: u32) -> Result<u32> {
    ensure!(
        permissions & !PERMISSION_BITS == 0,
        "permissions {permissions:o} include more than the permission bits"
    );
    Ok(permissions)
}

/// A length that [`CpioWriter::push_entry`] has already checked fits the 32-bit field.
fn field_length(length: usize) -> u32 {
    u32::try_from(length).unwrap_or(u32::MAX)
}

impl Default for CpioWriter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_SIZE: usize = 110;

    /// One member as read back from an archive.
    #[derive(Debug)]
    struct ReadEntry {
        name: String,
        inode: u32,
        mode: u32,
        link_count: u32,
        device: DeviceNumber,
        data: Vec<u8>,
    }

    fn hex_field(header: &[u8], index: usize) -> u32 {
        let start = 6 + index * 8;
        let text = std::str::from_utf8(&header[start..start + 8]).unwrap();
        u32::from_str_radix(text, 16).unwrap()
    }

    /// A strict reader: checks magic, alignment and the trailer while reading every entry.
    fn read_archive(archive: &[u8]) -> Vec<ReadEntry> {
        let mut entries = Vec::new();
        let mut offset = 0;
        loop {
            assert_eq!(offset % ALIGNMENT, 0, "entry at unaligned offset {offset}");
            let header = &archive[offset..offset + HEADER_SIZE];
            assert_eq!(&header[..6], MAGIC.as_bytes());
            let name_size = hex_field(header, 11) as usize;
            let name_start = offset + HEADER_SIZE;
            let name = &archive[name_start..name_start + name_size];
            assert_eq!(name.last(), Some(&0), "name is not NUL-terminated");
            let data_start = (name_start + name_size).next_multiple_of(ALIGNMENT);
            let data_size = hex_field(header, 6) as usize;
            let entry = ReadEntry {
                name: String::from_utf8(name[..name_size - 1].to_vec()).unwrap(),
                inode: hex_field(header, 0),
                mode: hex_field(header, 1),
                link_count: hex_field(header, 4),
                device: DeviceNumber {
                    major: hex_field(header, 9),
                    minor: hex_field(header, 10),
                },
                data: archive[data_start..data_start + data_size].to_vec(),
            };
            offset = (data_start + data_size).next_multiple_of(ALIGNMENT);
            if entry.name == TRAILER_NAME {
                assert!(archive[offset..].iter().all(|&byte| byte == 0));
                return entries;
            }
            entries.push(entry);
        }
    }

    fn names(entries: &[ReadEntry]) -> Vec<&str> {
        entries.iter().map(|entry| entry.name.as_str()).collect()
    }

    #[test]
    fn regular_file_header_has_the_newc_layout() {
        let mut writer = CpioWriter::new();
        writer.add_file("init", 0o755, b"#!/bin/sh\n").unwrap();
        let archive = writer.finish();
        let expected_header = concat!(
            "070701", "00000001", "000081ed", "00000000", "00000000", "00000001", "00000000",
            "0000000a", "00000000", "00000000", "00000000", "00000000", "00000005", "00000000",
        );
        assert_eq!(&archive[..HEADER_SIZE], expected_header.as_bytes());
        // 110 + "init\0" = 115, padded to 116; then the 10 data bytes.
        assert_eq!(&archive[HEADER_SIZE..116], b"init\0\0");
        assert_eq!(&archive[116..126], b"#!/bin/sh\n");
    }

    #[test]
    fn empty_archive_is_only_the_trailer_padded_to_a_block() {
        let archive = CpioWriter::new().finish();
        assert_eq!(archive.len(), ARCHIVE_BLOCK_SIZE);
        assert!(read_archive(&archive).is_empty());
        assert_eq!(&archive[HEADER_SIZE..HEADER_SIZE + 11], b"TRAILER!!!\0");
    }

    #[test]
    fn data_of_every_length_stays_aligned_and_intact() {
        let mut writer = CpioWriter::new();
        for length in 0..9 {
            let contents = vec![b'x'; length];
            writer
                .add_file(&format!("file{length}"), 0o644, &contents)
                .unwrap();
        }
        let entries = read_archive(&writer.finish());
        for (length, entry) in entries.iter().enumerate() {
            assert_eq!(entry.data, vec![b'x'; length]);
            assert_eq!(entry.mode, FILE_TYPE_REGULAR | 0o644);
            assert_eq!(entry.link_count, 1);
        }
    }

    #[test]
    fn parent_directories_come_first_and_only_once() {
        let mut writer = CpioWriter::new();
        writer
            .add_file("/tests/busybox/pipes.sh", 0o644, b"")
            .unwrap();
        writer.add_directory("tests", 0o700).unwrap();
        writer
            .add_file("tests/busybox/files.sh", 0o644, b"")
            .unwrap();
        let entries = read_archive(&writer.finish());
        let expected = [
            "tests",
            "tests/busybox",
            "tests/busybox/pipes.sh",
            "tests/busybox/files.sh",
        ];
        assert_eq!(names(&entries), expected);
        assert_eq!(entries[0].mode, FILE_TYPE_DIRECTORY | 0o755);
        assert_eq!(entries[0].link_count, 2);
    }

    #[test]
    fn character_device_records_its_device_number() {
        let mut writer = CpioWriter::new();
        let console = DeviceNumber { major: 5, minor: 1 };
        writer
            .add_character_device("dev/console", 0o600, console)
            .unwrap();
        let entries = read_archive(&writer.finish());
        let node = &entries[1];
        assert_eq!(node.name, "dev/console");
        assert_eq!(node.mode, 0o020_600);
        assert_eq!(node.device, console);
        assert!(node.data.is_empty());
    }

    #[test]
    fn symlink_stores_its_target_as_data() {
        let mut writer = CpioWriter::new();
        writer.add_symlink("bin/sh", "busybox").unwrap();
        let entries = read_archive(&writer.finish());
        assert_eq!(entries[1].mode, 0o120_777);
        assert_eq!(entries[1].data, b"busybox");
    }

    #[test]
    fn every_entry_has_its_own_inode() {
        let mut writer = CpioWriter::new();
        writer.add_file("a/one", 0o644, b"1").unwrap();
        writer.add_file("a/two", 0o644, b"1").unwrap();
        writer.add_symlink("a/three", "one").unwrap();
        let entries = read_archive(&writer.finish());
        let inodes: BTreeSet<u32> = entries.iter().map(|entry| entry.inode).collect();
        assert_eq!(inodes.len(), entries.len());
        assert!(!inodes.contains(&0));
    }

    #[test]
    fn duplicate_and_malformed_names_are_refused() {
        let mut writer = CpioWriter::new();
        writer.add_file("etc/motd", 0o644, b"").unwrap();
        assert!(writer.add_file("etc/motd", 0o644, b"").is_err());
        assert!(writer.add_directory("etc/motd", 0o755).is_err());
        assert!(writer.add_file("etc", 0o644, b"").is_err());
        for bad in [
            "",
            "/",
            "a//b",
            "a/../b",
            "./a",
            "a/",
            "nul\0byte",
            "TRAILER!!!",
        ] {
            assert!(
                writer.add_file(bad, 0o644, b"").is_err(),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn file_type_bits_are_not_permissions() {
        let mut writer = CpioWriter::new();
        assert!(writer.add_file("x", 0o100_644, b"").is_err());
        assert!(writer.add_directory("d", 0o4_0755).is_err());
        assert!(writer.add_file("setuid", 0o4755, b"").is_ok());
    }
}
