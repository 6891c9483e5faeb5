//! Locating one entry in a stream: its header, its name, its body, and where it ends.
//!
//! An entry is the 110-byte header, `c_namesize` bytes of name (NUL included) padded so that
//! header and name end on a 4-byte boundary, then `c_filesize` bytes of body padded to 4 bytes.
//! Linux's `N_ALIGN(len)` is that name padding for a header that starts 4-byte aligned, which
//! entries always do (the caller checks).

use linux_raw_sys::general::PATH_MAX;

use crate::{
    error::ErrorKind,
    header::{HEADER_SIZE, Header},
};

/// One entry, borrowed from the stream it was found in.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub header: Header,
    /// The name without its terminating NUL.
    pub name: &'a [u8],
    pub body: &'a [u8],
    /// The stream offset just past the body, where its padding starts.
    pub body_end: usize,
}

/// A malformed entry: what is wrong, and its name when that could be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryError<'a> {
    pub kind: ErrorKind,
    pub name: Option<&'a [u8]>,
}

impl EntryError<'_> {
    fn unnamed(kind: ErrorKind) -> Self {
        Self { kind, name: None }
    }
}

/// Rounds `offset` up to a multiple of 4, or `None` on overflow.
pub fn align_up_to_4(offset: usize) -> Option<usize> {
    offset.checked_add(3).map(|sum| sum & !3)
}

/// Parses the entry whose header starts at `offset` in `stream`.
pub fn parse_entry(stream: &[u8], offset: usize) -> Result<Entry<'_>, EntryError<'_>> {
    let header_bytes = stream.get(offset..).unwrap_or_default();
    let header = Header::parse(header_bytes).map_err(EntryError::unnamed)?;
    let name_start = offset
        .checked_add(HEADER_SIZE)
        .ok_or(EntryError::unnamed(ErrorKind::TruncatedHeader))?;
    let name = read_name(stream, name_start, header.name_size)?;
    let truncated_data = EntryError {
        kind: ErrorKind::TruncatedData,
        name: Some(name),
    };
    let body_start = name_start
        .checked_add(name.len())
        .and_then(|end| end.checked_add(1))
        .and_then(align_up_to_4)
        .ok_or(truncated_data)?;
    let body_end = usize::try_from(header.file_size)
        .ok()
        .and_then(|size| body_start.checked_add(size))
        .ok_or(truncated_data)?;
    let body = stream.get(body_start..body_end).ok_or(truncated_data)?;
    Ok(Entry {
        header,
        name,
        body,
        body_end,
    })
}

/// Reads and checks the name at `start`, returning it without its NUL.
///
/// Linux's `do_header` silently skips an entry whose `c_namesize` is 0 or over `PATH_MAX`, and
/// its `do_name` rejects a name whose last byte is not NUL ("malformed archive") but reads the
/// rest as a C string, so `a\0b\0` names `a`. No archiver writes such names; we reject them all,
/// and also the name that is only a NUL, which Linux passes on to calls that all fail with
/// `ENOENT`.
fn read_name(stream: &[u8], start: usize, name_size: u32) -> Result<&[u8], EntryError<'_>> {
    if name_size <= 1 {
        return Err(EntryError::unnamed(ErrorKind::EmptyName));
    }
    if name_size > PATH_MAX {
        return Err(EntryError::unnamed(ErrorKind::NameTooLong { name_size }));
    }
    let truncated = EntryError::unnamed(ErrorKind::TruncatedName);
    let end = usize::try_from(name_size)
        .ok()
        .and_then(|size| start.checked_add(size))
        .ok_or(truncated)?;
    let raw = stream.get(start..end).ok_or(truncated)?;
    let Some((&last, name)) = raw.split_last() else {
        return Err(truncated);
    };
    if last != 0 {
        return Err(EntryError {
            kind: ErrorKind::NameNotTerminated,
            name: Some(raw),
        });
    }
    if name.contains(&0) {
        return Err(EntryError {
            kind: ErrorKind::NameContainsNul,
            name: Some(name),
        });
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_bytes(name: &[u8], name_size: usize, body: &[u8]) -> Vec<u8> {
        let mut bytes = b"070701".to_vec();
        let fields = [
            1,
            0o100644,
            0,
            0,
            1,
            0,
            body.len(),
            0,
            0,
            0,
            0,
            name_size,
            0,
        ];
        for field in fields {
            bytes.extend_from_slice(format!("{field:08X}").as_bytes());
        }
        bytes.extend_from_slice(name);
        while !bytes.len().is_multiple_of(4) {
            bytes.push(0);
        }
        bytes.extend_from_slice(body);
        bytes
    }

    #[test]
    fn name_is_padded_so_the_body_starts_aligned() {
        // 110 + 4 = 114 bytes of header and name: the body starts at 116.
        let bytes = entry_bytes(b"abc\0", 4, b"xyz");
        let entry = parse_entry(&bytes, 0).unwrap();
        assert_eq!(entry.name, b"abc");
        assert_eq!(entry.body, b"xyz");
        assert_eq!(entry.body_end, 119);
    }

    #[test]
    fn name_problems_are_reported() {
        let cases: [(&[u8], usize, ErrorKind); 5] = [
            (b"", 0, ErrorKind::EmptyName),
            (b"\0", 1, ErrorKind::EmptyName),
            (b"ab", 2, ErrorKind::NameNotTerminated),
            (b"a\0b\0", 4, ErrorKind::NameContainsNul),
            (b"ab\0", 4097, ErrorKind::NameTooLong { name_size: 4097 }),
        ];
        for (name, name_size, kind) in cases {
            let bytes = entry_bytes(name, name_size, b"");
            assert_eq!(parse_entry(&bytes, 0).unwrap_err().kind, kind);
        }
    }

    #[test]
    fn short_name_and_body_are_truncation() {
        let bytes = entry_bytes(b"abc\0", 4, b"xyz");
        let error = parse_entry(&bytes[..118], 0).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TruncatedData);
        assert_eq!(error.name, Some(&b"abc"[..]));
        let error = parse_entry(&bytes[..113], 0).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TruncatedName);
    }
}
