//! Recognising compressed members by their first two bytes.
//!
//! Linux's `decompress_method` (`lib/decompress.c`) compares the first two bytes of the data
//! against a table of magics and picks the decompressor. We recognise the same table so that an
//! initrd compressed with something we do not decompress fails with that format's name.

use core::fmt;

/// A compression format Linux's initramfs code can recognise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompressionFormat {
    /// `1f 8b`: gzip (RFC 1952), the one format this crate decompresses.
    Gzip,
    /// `1f 9e`: gzip's pre-1.0 format. Linux's table lists it, but its `gunzip` then fails with
    /// "Not a gzip file", so nothing can actually use it.
    OldGzip,
    /// `42 5a` ("BZ").
    Bzip2,
    /// `5d 00`.
    Lzma,
    /// `fd 37` (from `fd 37 7a 58 5a 00`).
    Xz,
    /// `89 4c` (from `89 4c 5a 4f`, "\x89LZO").
    Lzo,
    /// `02 21` (the lz4 legacy frame Linux's `unlz4` reads).
    Lz4,
    /// `28 b5` (from `28 b5 2f fd`).
    Zstd,
}

impl CompressionFormat {
    /// The format whose magic starts `data`, if any.
    pub fn detect(data: &[u8]) -> Option<Self> {
        match data.get(..2)? {
            [0x1f, 0x8b] => Some(Self::Gzip),
            [0x1f, 0x9e] => Some(Self::OldGzip),
            [0x42, 0x5a] => Some(Self::Bzip2),
            [0x5d, 0x00] => Some(Self::Lzma),
            [0xfd, 0x37] => Some(Self::Xz),
            [0x89, 0x4c] => Some(Self::Lzo),
            [0x02, 0x21] => Some(Self::Lz4),
            [0x28, 0xb5] => Some(Self::Zstd),
            _ => None,
        }
    }

    /// The name Linux's table gives the format.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gzip | Self::OldGzip => "gzip",
            Self::Bzip2 => "bzip2",
            Self::Lzma => "lzma",
            Self::Xz => "xz",
            Self::Lzo => "lzo",
            Self::Lz4 => "lz4",
            Self::Zstd => "zstd",
        }
    }
}

impl fmt::Display for CompressionFormat {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OldGzip => formatter.write_str("gzip (pre-1.0 format)"),
            other => formatter.write_str(other.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_every_magic_in_linux_table() {
        let cases: [(&[u8], CompressionFormat); 8] = [
            (&[0x1f, 0x8b, 8], CompressionFormat::Gzip),
            (&[0x1f, 0x9e], CompressionFormat::OldGzip),
            (b"BZh9", CompressionFormat::Bzip2),
            (&[0x5d, 0, 0, 0x80], CompressionFormat::Lzma),
            (&[0xfd, b'7', b'z', b'X', b'Z', 0], CompressionFormat::Xz),
            (&[0x89, b'L', b'Z', b'O'], CompressionFormat::Lzo),
            (&[0x02, 0x21, 0x4c, 0x18], CompressionFormat::Lz4),
            (&[0x28, 0xb5, 0x2f, 0xfd], CompressionFormat::Zstd),
        ];
        for (bytes, format) in cases {
            assert_eq!(CompressionFormat::detect(bytes), Some(format));
        }
    }

    #[test]
    fn other_bytes_and_short_input_are_not_compressed() {
        assert_eq!(CompressionFormat::detect(b"07"), None);
        assert_eq!(CompressionFormat::detect(&[0x1f]), None);
        assert_eq!(CompressionFormat::detect(b""), None);
    }
}
