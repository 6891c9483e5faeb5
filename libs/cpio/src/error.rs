//! What went wrong, where, and in which entry.
//!
//! Linux's `init/initramfs.c` keeps only a message ("no cpio magic", "broken padding", "junk
//! within compressed archive", ...) and prints "Initramfs unpacking failed: %s". We keep
//! the same distinctions as an enum, plus the byte offset and the entry's name, so a broken
//! initrd can be found without a hex editor. Offsets count from the start of the initrd for
//! uncompressed data, and from the start of a gzip member's decompressed output otherwise, as
//! Linux's `this_header` does.

use alloc::vec::Vec;
use core::fmt;

use errno::Errno;

use crate::{compression::CompressionFormat, header::HeaderField};

/// An initrd could not be unpacked past some point. Every action for the entries before that
/// point has already been delivered to the sink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnpackError {
    pub kind: ErrorKind,
    pub location: Location,
    /// The bad entry's name (without its NUL), when the name itself could be read.
    pub entry_name: Option<Vec<u8>>,
}

impl UnpackError {
    /// The Linux errno closest to this error: `ENOMEM` for the decompression limit and for
    /// allocation failures, the sink's own errno when the sink refused an action, and `EINVAL`
    /// for a malformed or unsupported initrd.
    pub fn errno(&self) -> Errno {
        match self.kind {
            ErrorKind::LimitExceeded { .. } | ErrorKind::OutOfMemory => Errno::ENOMEM,
            ErrorKind::Rejected(errno) => errno,
            _ => Errno::EINVAL,
        }
    }
}

impl fmt::Display for UnpackError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} at {}", self.kind, self.location)?;
        if let Some(name) = &self.entry_name {
            write!(formatter, " (entry \"{}\")", name.escape_ascii())?;
        }
        Ok(())
    }
}

/// Where in the initrd an error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// In uncompressed data, `offset` bytes from the start of the initrd.
    Initrd { offset: usize },
    /// `offset` bytes into the decompressed output of the gzip member that starts
    /// `member_offset` bytes into the initrd.
    Decompressed { member_offset: usize, offset: usize },
}

impl fmt::Display for Location {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Initrd { offset } => write!(formatter, "initrd offset {offset}"),
            Self::Decompressed {
                member_offset,
                offset,
            } => write!(
                formatter,
                "offset {offset} of the gzip member at initrd offset {member_offset}"
            ),
        }
    }
}

/// What is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A header does not start with `070701` or `070702` (`found` is zero-filled when fewer than
    /// six bytes were left). Linux: "no cpio magic", or for `070707` "incorrect cpio method used:
    /// use -H newc option".
    BadMagic { found: [u8; 6] },
    /// The data ends inside a 110-byte header.
    TruncatedHeader,
    /// The data ends inside an entry's name.
    TruncatedName,
    /// The data ends inside an entry's body (file data or symlink target).
    TruncatedData,
    /// A header field holds a byte that is not a hex digit (see `Header::parse` on why this is
    /// rejected although Linux's `simple_strntoul` would stop there).
    BadHexDigit { field: HeaderField },
    /// `c_namesize` is 0 or 1: no name at all, or only its NUL.
    EmptyName,
    /// `c_namesize` is over `PATH_MAX` (4096, NUL included).
    NameTooLong { name_size: u32 },
    /// The name's last byte (at `c_namesize - 1`) is not NUL. Linux: "malformed archive".
    NameNotTerminated,
    /// The name has a NUL before its last byte.
    NameContainsNul,
    /// A `070702` regular file whose bytes do not sum to `c_check`. Linux: "bad data checksum".
    BadChecksum { expected: u32, computed: u32 },
    /// After an entry and its zero padding, the next data does not start on a 4-byte boundary.
    /// Linux: "broken padding".
    BrokenPadding,
    /// Uncompressed data that is neither a cpio header, zero padding, nor a known compression
    /// format. Linux: "invalid magic at start of compressed archive".
    UnrecognisedData,
    /// Decompressed data that is neither a cpio header nor zero padding (a compressed member
    /// inside a compressed member, say). Linux: "junk within compressed archive".
    JunkInCompressedArchive,
    /// A compression format Loam does not decompress. Linux: "compression method %s not
    /// configured" when its kernel was built without that decompressor.
    UnsupportedCompression(CompressionFormat),
    /// A gzip member could not be decompressed. Linux: "decompressor failed".
    Gzip(GzipProblem),
    /// Decompressing would exceed the caller's `limit_bytes`.
    LimitExceeded { limit_bytes: usize },
    /// An allocation failed.
    OutOfMemory,
    /// The sink refused an action with this errno.
    Rejected(Errno),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BadMagic { found } if &found == b"070707" => formatter
                .write_str("old portable cpio format (070707); Linux needs newc (cpio -H newc)"),
            Self::BadMagic { found } => {
                write!(
                    formatter,
                    "no cpio magic (found \"{}\")",
                    found.escape_ascii()
                )
            }
            Self::TruncatedHeader => formatter.write_str("truncated cpio header"),
            Self::TruncatedName => formatter.write_str("truncated entry name"),
            Self::TruncatedData => formatter.write_str("truncated entry data"),
            Self::BadHexDigit { field } => write!(formatter, "bad hex digit in {field}"),
            Self::EmptyName => formatter.write_str("empty entry name"),
            Self::NameTooLong { name_size } => {
                write!(formatter, "name of {name_size} bytes exceeds PATH_MAX")
            }
            Self::NameNotTerminated => formatter.write_str("name without NUL terminator"),
            Self::NameContainsNul => formatter.write_str("name contains NUL"),
            Self::BadChecksum { expected, computed } => write!(
                formatter,
                "bad data checksum (header {expected:#010x}, data {computed:#010x})"
            ),
            Self::BrokenPadding => formatter.write_str("broken padding"),
            Self::UnrecognisedData => formatter.write_str("neither cpio nor compressed data"),
            Self::JunkInCompressedArchive => formatter.write_str("junk within compressed archive"),
            Self::UnsupportedCompression(format) => {
                write!(formatter, "unsupported compression: {format}")
            }
            Self::Gzip(problem) => write!(formatter, "gzip: {problem}"),
            Self::LimitExceeded { limit_bytes } => write!(
                formatter,
                "decompressed initramfs exceeds the limit of {limit_bytes} bytes"
            ),
            Self::OutOfMemory => formatter.write_str("out of memory"),
            Self::Rejected(errno) => write!(formatter, "action failed: {errno:?}"),
        }
    }
}

/// Why a gzip member (RFC 1952) could not be decompressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GzipProblem {
    /// The member ends inside its header (fixed part or an optional field).
    TruncatedHeader,
    /// `CM` is not 8 (deflate), the only method RFC 1952 defines.
    UnsupportedMethod(u8),
    /// `FLG` has a reserved bit (0xE0) set.
    ReservedFlags(u8),
    /// The `FHCRC` header checksum does not match the header.
    HeaderChecksumMismatch,
    /// The deflate data is invalid.
    CorruptDeflate,
    /// The member ends before its deflate data does.
    TruncatedDeflate,
    /// The member ends inside its 8-byte CRC32/ISIZE trailer.
    TruncatedTrailer,
    /// The CRC32 of the decompressed data does not match the trailer.
    CrcMismatch { expected: u32, computed: u32 },
    /// The decompressed size modulo 2^32 does not match the trailer's ISIZE.
    SizeMismatch { expected: u32, computed: u32 },
}

impl fmt::Display for GzipProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::TruncatedHeader => formatter.write_str("truncated header"),
            Self::UnsupportedMethod(method) => write!(formatter, "unsupported method {method}"),
            Self::ReservedFlags(flags) => write!(formatter, "reserved flags set ({flags:#04x})"),
            Self::HeaderChecksumMismatch => formatter.write_str("header checksum mismatch"),
            Self::CorruptDeflate => formatter.write_str("corrupt deflate data"),
            Self::TruncatedDeflate => formatter.write_str("truncated deflate data"),
            Self::TruncatedTrailer => formatter.write_str("truncated trailer"),
            Self::CrcMismatch { expected, computed } => write!(
                formatter,
                "CRC32 mismatch (trailer {expected:#010x}, data {computed:#010x})"
            ),
            Self::SizeMismatch { expected, computed } => write!(
                formatter,
                "size mismatch (trailer {expected}, data {computed} modulo 2^32)"
            ),
        }
    }
}
