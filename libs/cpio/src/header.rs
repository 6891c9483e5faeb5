//! The 110-byte newc cpio header: magic, thirteen 8-digit hex fields, and the file type in `mode`.
//!
//! Layout (cpio(5), "New ASCII Format"; Linux's `init/initramfs.c`: `parse_header`): the magic
//! `070701` (or `070702` when `check` carries a data checksum), then `ino mode uid gid nlink mtime
//! filesize devmajor devminor rdevmajor rdevminor namesize check`, each eight ASCII hex digits.

use core::fmt;

use linux_raw_sys::general::{
    S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK,
};

use crate::error::ErrorKind;

/// Bytes in a newc header, magic included.
pub const HEADER_SIZE: usize = 110;

/// Bytes of magic at the start of every header.
pub const MAGIC_SIZE: usize = 6;

/// Digits in each numeric header field.
const FIELD_DIGITS: usize = 8;

/// The magic of the newc format without checksums.
const NEWC_MAGIC: &[u8; MAGIC_SIZE] = b"070701";

/// The magic of the newc format whose `check` field is the sum of the data bytes.
const NEWC_CHECKSUM_MAGIC: &[u8; MAGIC_SIZE] = b"070702";

/// Which header field a problem is in, in archive order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderField {
    Inode,
    Mode,
    Uid,
    Gid,
    LinkCount,
    Mtime,
    FileSize,
    DeviceMajor,
    DeviceMinor,
    RdevMajor,
    RdevMinor,
    NameSize,
    Check,
}

impl HeaderField {
    /// Every field, in the order the header stores them.
    const ALL: [HeaderField; 13] = [
        Self::Inode,
        Self::Mode,
        Self::Uid,
        Self::Gid,
        Self::LinkCount,
        Self::Mtime,
        Self::FileSize,
        Self::DeviceMajor,
        Self::DeviceMinor,
        Self::RdevMajor,
        Self::RdevMinor,
        Self::NameSize,
        Self::Check,
    ];

    /// The field's name as cpio(5) spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Inode => "c_ino",
            Self::Mode => "c_mode",
            Self::Uid => "c_uid",
            Self::Gid => "c_gid",
            Self::LinkCount => "c_nlink",
            Self::Mtime => "c_mtime",
            Self::FileSize => "c_filesize",
            Self::DeviceMajor => "c_devmajor",
            Self::DeviceMinor => "c_devminor",
            Self::RdevMajor => "c_rdevmajor",
            Self::RdevMinor => "c_rdevminor",
            Self::NameSize => "c_namesize",
            Self::Check => "c_check",
        }
    }
}

impl fmt::Display for HeaderField {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Whether the `check` field is meaningful.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksum {
    /// `070701`: `check` is ignored.
    Absent,
    /// `070702`: `check` must equal the 32-bit sum of a regular file's data bytes.
    Present,
}

/// The file type bits of `mode` (inode(7)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    /// Type bits no Linux file has; Linux's `do_name` creates nothing for these.
    Unknown,
}

impl FileType {
    fn from_mode(mode: u32) -> Self {
        match mode & S_IFMT {
            S_IFREG => Self::Regular,
            S_IFDIR => Self::Directory,
            S_IFLNK => Self::Symlink,
            S_IFCHR => Self::CharacterDevice,
            S_IFBLK => Self::BlockDevice,
            S_IFIFO => Self::Fifo,
            S_IFSOCK => Self::Socket,
            _ => Self::Unknown,
        }
    }
}

/// A decoded newc header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub checksum: Checksum,
    pub inode: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub link_count: u32,
    pub mtime_seconds: u32,
    pub file_size: u32,
    pub device_major: u32,
    pub device_minor: u32,
    pub rdev_major: u32,
    pub rdev_minor: u32,
    pub name_size: u32,
    pub check: u32,
}

impl Header {
    /// Decodes the header at the start of `bytes`.
    ///
    /// The magic is checked first, on whatever bytes there are, so a stray byte reads as "bad
    /// magic" rather than "truncated". Linux gives `070707` (the old portable format) its own
    /// message, "incorrect cpio method used: use -H newc option"; [`ErrorKind::BadMagic`] keeps
    /// the bytes found so its `Display` can do the same.
    pub fn parse(bytes: &[u8]) -> Result<Self, ErrorKind> {
        let checksum = parse_magic(bytes)?;
        let fields = bytes
            .get(MAGIC_SIZE..HEADER_SIZE)
            .ok_or(ErrorKind::TruncatedHeader)?;
        let mut values = [0_u32; 13];
        for ((value, field), digits) in values
            .iter_mut()
            .zip(HeaderField::ALL)
            .zip(fields.chunks_exact(FIELD_DIGITS))
        {
            *value = parse_hex_field(digits).ok_or(ErrorKind::BadHexDigit { field })?;
        }
        Ok(Self::from_fields(checksum, values))
    }

    /// Builds the header from the thirteen fields in archive order.
    fn from_fields(checksum: Checksum, fields: [u32; 13]) -> Self {
        let [
            inode,
            mode,
            uid,
            gid,
            link_count,
            mtime_seconds,
            file_size,
            device_major,
            device_minor,
            rdev_major,
            rdev_minor,
            name_size,
            check,
        ] = fields;
        Self {
            checksum,
            inode,
            mode,
            uid,
            gid,
            link_count,
            mtime_seconds,
            file_size,
            device_major,
            device_minor,
            rdev_major,
            rdev_minor,
            name_size,
            check,
        }
    }

    /// The file type from `mode`.
    pub fn file_type(&self) -> FileType {
        FileType::from_mode(self.mode)
    }
}

fn parse_magic(bytes: &[u8]) -> Result<Checksum, ErrorKind> {
    let available = bytes.get(..MAGIC_SIZE.min(bytes.len())).unwrap_or_default();
    let is_prefix_of = |magic: &[u8]| magic.starts_with(available);
    if available.len() < MAGIC_SIZE {
        // Too short to tell: "truncated" if it could still become a valid magic.
        return if is_prefix_of(NEWC_MAGIC) || is_prefix_of(NEWC_CHECKSUM_MAGIC) {
            Err(ErrorKind::TruncatedHeader)
        } else {
            Err(ErrorKind::BadMagic {
                found: padded_magic(available),
            })
        };
    }
    match available {
        magic if magic == NEWC_MAGIC => Ok(Checksum::Absent),
        magic if magic == NEWC_CHECKSUM_MAGIC => Ok(Checksum::Present),
        _ => Err(ErrorKind::BadMagic {
            found: padded_magic(available),
        }),
    }
}

/// The magic bytes found, zero-filled when fewer than six were there.
fn padded_magic(available: &[u8]) -> [u8; MAGIC_SIZE] {
    let mut found = [0_u8; MAGIC_SIZE];
    for (slot, byte) in found.iter_mut().zip(available) {
        *slot = *byte;
    }
    found
}

/// Decodes eight hex digits, or `None` if any byte is not one.
///
/// Linux reads each field with `simple_strntoul(s, NULL, 16, 8)` (`lib/vsprintf.c`), which
/// accepts a leading `0x`, stops at the first non-hex byte and keeps the digits before it, so
/// `0000001G` reads as 1 and `GGGGGGGG` as 0. No archiver writes such fields: they only come from
/// corruption, and reading them as small numbers would silently misplace everything after. We
/// reject them instead, naming the field; this is the one place a header Linux accepts fails here.
fn parse_hex_field(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0_u32, |value, &digit| {
        let nibble = char::from(digit).to_digit(16)?;
        Some((value << 4) | nibble)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_bytes(magic: &[u8; 6], fields: [u32; 13]) -> Vec<u8> {
        let mut bytes = magic.to_vec();
        for field in fields {
            bytes.extend_from_slice(format!("{field:08X}").as_bytes());
        }
        bytes
    }

    #[test]
    fn decodes_every_field_in_order() {
        let fields = [1, 0o100644, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xDEADBEEF];
        let header = Header::parse(&header_bytes(b"070702", fields)).unwrap();
        assert_eq!(header.checksum, Checksum::Present);
        assert_eq!(header.inode, 1);
        assert_eq!(header.mode, 0o100644);
        assert_eq!(header.file_type(), FileType::Regular);
        assert_eq!((header.uid, header.gid, header.link_count), (3, 4, 5));
        assert_eq!((header.mtime_seconds, header.file_size), (6, 7));
        assert_eq!((header.device_major, header.device_minor), (8, 9));
        assert_eq!((header.rdev_major, header.rdev_minor), (10, 11));
        assert_eq!((header.name_size, header.check), (12, 0xDEADBEEF));
    }

    #[test]
    fn lower_case_hex_is_accepted() {
        let mut bytes = header_bytes(b"070701", [0; 13]);
        bytes[6..14].copy_from_slice(b"0000abcd");
        assert_eq!(Header::parse(&bytes).unwrap().inode, 0xabcd);
    }

    #[test]
    fn non_hex_digit_names_the_field() {
        let mut bytes = header_bytes(b"070701", [0; 13]);
        bytes[6 + 8 * 6 + 7] = b'G';
        assert_eq!(
            Header::parse(&bytes),
            Err(ErrorKind::BadHexDigit {
                field: HeaderField::FileSize
            })
        );
        bytes[6..14].copy_from_slice(b"0x000001");
        assert_eq!(
            Header::parse(&bytes),
            Err(ErrorKind::BadHexDigit {
                field: HeaderField::Inode
            })
        );
    }

    #[test]
    fn old_portable_magic_is_bad_magic() {
        let bytes = header_bytes(b"070707", [0; 13]);
        assert_eq!(
            Header::parse(&bytes),
            Err(ErrorKind::BadMagic { found: *b"070707" })
        );
    }

    #[test]
    fn short_input_is_truncated_only_if_it_could_be_a_magic() {
        assert_eq!(Header::parse(b"0707"), Err(ErrorKind::TruncatedHeader));
        assert_eq!(Header::parse(b"070701000"), Err(ErrorKind::TruncatedHeader));
        assert_eq!(
            Header::parse(b"0x"),
            Err(ErrorKind::BadMagic {
                found: *b"0x\0\0\0\0"
            })
        );
    }
}
