//! Malformed entries: each error names the problem, the entry and the offset, after the actions
//! for everything before it.

mod common;

use common::*;
use cpio::{ErrorKind, HeaderField, Location};
use errno::Errno;

/// An archive with one good file, then `bad` bytes as the second entry, then another file.
fn with_bad_second_entry(bad: &[u8]) -> (Vec<u8>, usize) {
    let mut writer = ArchiveWriter::new();
    writer.file("good", b"1");
    let bad_at = writer.bytes.len();
    writer.raw(bad).file("after", b"2");
    (writer.finish(), bad_at)
}

fn header_and_name(entry: &Entry, name_size: u32, name: &[u8]) -> Vec<u8> {
    let mut bytes = header_bytes(entry, name_size);
    bytes.extend_from_slice(name);
    while !bytes.len().is_multiple_of(4) {
        bytes.push(0);
    }
    bytes.extend_from_slice(&entry.data);
    while !bytes.len().is_multiple_of(4) {
        bytes.push(0);
    }
    bytes
}

fn assert_fails_after_good(initrd: &[u8], kind: ErrorKind, offset: usize, name: Option<&[u8]>) {
    let (actions, result) = collect(initrd, LIMIT);
    assert_eq!(paths(&actions), ["good"]);
    let error = result.unwrap_err();
    assert_eq!(error.kind, kind, "{error}");
    assert_eq!(error.location, Location::Initrd { offset });
    assert_eq!(error.entry_name.as_deref(), name);
    assert_eq!(error.errno(), Errno::EINVAL);
}

#[test]
fn bad_magic() {
    let mut bad = header_and_name(&Entry::new("x", S_IFREG), 2, b"x\0");
    bad[..6].copy_from_slice(b"070799");
    let (initrd, bad_at) = with_bad_second_entry(&bad);
    assert_fails_after_good(
        &initrd,
        ErrorKind::BadMagic { found: *b"070799" },
        bad_at,
        None,
    );
}

#[test]
fn old_portable_format_gets_linux_advice() {
    let mut bad = header_and_name(&Entry::new("x", S_IFREG), 2, b"x\0");
    bad[..6].copy_from_slice(b"070707");
    let (initrd, _) = with_bad_second_entry(&bad);
    let error = collect(&initrd, LIMIT).1.unwrap_err();
    assert!(error.to_string().contains("-H newc"), "{error}");
}

#[test]
fn bad_hex_digit_names_the_field() {
    let mut bad = header_and_name(&Entry::new("x", S_IFREG), 2, b"x\0");
    bad[6 + 8 * 3] = b'z';
    let (initrd, bad_at) = with_bad_second_entry(&bad);
    let kind = ErrorKind::BadHexDigit {
        field: HeaderField::Gid,
    };
    assert_fails_after_good(&initrd, kind, bad_at, None);
    let error = collect(&initrd, LIMIT).1.unwrap_err();
    assert!(error.to_string().contains("c_gid"), "{error}");
}

#[test]
fn name_size_zero_is_empty_name() {
    let bad = header_and_name(&Entry::new("", S_IFREG), 0, b"");
    let (initrd, bad_at) = with_bad_second_entry(&bad);
    assert_fails_after_good(&initrd, ErrorKind::EmptyName, bad_at, None);
}

#[test]
fn name_over_path_max_is_too_long() {
    let name = vec![b'n'; 4097];
    let bad = header_and_name(&Entry::new("", S_IFREG), 4097, &name);
    let (initrd, bad_at) = with_bad_second_entry(&bad);
    assert_fails_after_good(
        &initrd,
        ErrorKind::NameTooLong { name_size: 4097 },
        bad_at,
        None,
    );
}

#[test]
fn name_of_exactly_path_max_with_its_nul_is_accepted() {
    let name = "n".repeat(4095);
    let mut writer = ArchiveWriter::new();
    writer.file(&name, b"");
    assert_eq!(paths(&actions_of(&writer.finish())), [name]);
}

#[test]
fn name_without_terminator() {
    let bad = header_and_name(&Entry::new("", S_IFREG), 3, b"abc");
    let (initrd, bad_at) = with_bad_second_entry(&bad);
    assert_fails_after_good(&initrd, ErrorKind::NameNotTerminated, bad_at, Some(b"abc"));
}

#[test]
fn name_with_nul_inside() {
    let bad = header_and_name(&Entry::new("", S_IFREG), 4, b"a\0b\0");
    let (initrd, bad_at) = with_bad_second_entry(&bad);
    assert_fails_after_good(&initrd, ErrorKind::NameContainsNul, bad_at, Some(b"a\0b"));
}

#[test]
fn misaligned_header_after_the_first_archive_is_broken_padding() {
    let mut writer = ArchiveWriter::new();
    writer.file("good", b"1").raw(&[0, 0]).file("late", b"2");
    let (actions, result) = collect(&writer.finish(), LIMIT);
    assert_eq!(paths(&actions), ["good"]);
    assert_eq!(result.unwrap_err().kind, ErrorKind::BrokenPadding);
}

#[test]
fn sink_refusal_stops_unpacking_with_its_errno() {
    let mut writer = ArchiveWriter::new();
    writer.file("a", b"1").file("b", b"2").file("c", b"3");
    let mut seen = Vec::new();
    let result = cpio::unpack(&writer.finish(), LIMIT, |action| {
        seen.push(action.path().to_vec());
        if action.path() == b"b" {
            Err(Errno::ENOSPC)
        } else {
            Ok(())
        }
    });
    let error = result.unwrap_err();
    assert_eq!(seen, [b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(error.kind, ErrorKind::Rejected(Errno::ENOSPC));
    assert_eq!(error.errno(), Errno::ENOSPC);
    assert_eq!(error.entry_name.as_deref(), Some(&b"b"[..]));
}

#[test]
fn error_display_names_problem_place_and_entry() {
    let writer = sample_archive();
    let archive = writer.finish();
    let cut = writer.spans[2].body_end - 1;
    let error = collect(&archive[..cut], LIMIT).1.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("truncated entry data"), "{text}");
    assert!(
        text.contains(&format!("initrd offset {}", writer.spans[2].start)),
        "{text}"
    );
    assert!(text.contains("bin/busybox"), "{text}");
}
