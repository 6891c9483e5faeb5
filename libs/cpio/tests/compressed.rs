//! Gzip members, concatenation, padding between archives, limits and unsupported formats.

mod common;

use common::*;
use cpio::{CompressionFormat, ErrorKind, GzipProblem, Location};

fn archive_of(names: &[&str]) -> Vec<u8> {
    let mut writer = ArchiveWriter::new();
    for name in names {
        writer.file(name, name.as_bytes());
    }
    writer.trailer();
    writer.finish()
}

#[test]
fn gzip_archive_unpacks_like_the_plain_one() {
    let plain = sample_archive().finish();
    let (actions, result) = collect(&gzip(&plain), LIMIT);
    let summary = result.unwrap();
    assert_eq!(actions, actions_of(&plain));
    assert_eq!(summary.compressed_members, 1);
    assert_eq!(summary.decompressed_bytes, plain.len());
}

#[test]
fn optional_gzip_header_fields_are_skipped() {
    let plain = sample_archive().finish();
    assert_eq!(
        actions_of(&gzip_with_named_header(&plain)),
        actions_of(&plain)
    );
    assert_eq!(
        actions_of(&gzip_with_header_crc(&plain)),
        actions_of(&plain)
    );
}

#[test]
fn wrong_header_crc_is_reported() {
    let mut member = gzip_with_header_crc(&archive_of(&["a"]));
    member[15] ^= 0xff;
    let (actions, result) = collect(&member, LIMIT);
    assert!(actions.is_empty());
    assert_eq!(
        result.unwrap_err().kind,
        ErrorKind::Gzip(GzipProblem::HeaderChecksumMismatch)
    );
}

#[test]
fn plain_then_gzip_then_plain_concatenate() {
    let mut initrd = archive_of(&["a"]);
    initrd.extend_from_slice(&gzip(&archive_of(&["b", "c"])));
    // Linux only reads a plain archive at a 4-byte-aligned offset: pad after the gzip member.
    while !initrd.len().is_multiple_of(4) {
        initrd.push(0);
    }
    initrd.extend_from_slice(&archive_of(&["d"]));
    let (actions, result) = collect(&initrd, LIMIT);
    assert_eq!(paths(&actions), ["a", "b", "c", "d"]);
    let summary = result.unwrap();
    assert_eq!(summary.trailers, 3);
    assert_eq!(summary.compressed_members, 1);
}

#[test]
fn gzip_members_back_to_back_and_zero_padding_between_archives() {
    let mut initrd = gzip(&archive_of(&["a"]));
    initrd.extend_from_slice(&[0; 13]);
    initrd.extend_from_slice(&gzip(&archive_of(&["b"])));
    initrd.extend_from_slice(&gzip(&archive_of(&["c"])));
    initrd.extend_from_slice(&[0; 512]);
    assert_eq!(paths(&actions_of(&initrd)), ["a", "b", "c"]);
}

#[test]
fn zero_padding_in_whole_words_between_plain_archives_is_skipped() {
    let mut initrd = archive_of(&["a"]);
    initrd.extend_from_slice(&[0; 512]);
    initrd.extend_from_slice(&archive_of(&["b"]));
    assert_eq!(paths(&actions_of(&initrd)), ["a", "b"]);
}

#[test]
fn padding_that_breaks_alignment_after_an_entry_is_broken_padding() {
    let mut initrd = archive_of(&["a"]);
    let misaligned_at = initrd.len() + 3;
    initrd.extend_from_slice(&[0; 3]);
    initrd.extend_from_slice(&archive_of(&["b"]));
    let (actions, result) = collect(&initrd, LIMIT);
    assert_eq!(paths(&actions), ["a"]);
    let error = result.unwrap_err();
    assert_eq!(error.kind, ErrorKind::BrokenPadding);
    assert_eq!(
        error.location,
        Location::Initrd {
            offset: misaligned_at
        }
    );
}

#[test]
fn several_archives_inside_one_member_with_padding() {
    let mut inner = archive_of(&["a"]);
    inner.extend_from_slice(&[0; 8]);
    inner.extend_from_slice(&archive_of(&["b"]));
    assert_eq!(paths(&actions_of(&gzip(&inner))), ["a", "b"]);
}

#[test]
fn junk_inside_a_member_is_reported_after_the_entries_before_it() {
    let mut inner = archive_of(&["a"]);
    let junk_at = inner.len();
    inner.extend_from_slice(b"JUNK");
    let initrd = gzip(&inner);
    let (actions, result) = collect(&initrd, LIMIT);
    assert_eq!(paths(&actions), ["a"]);
    let error = result.unwrap_err();
    assert_eq!(error.kind, ErrorKind::JunkInCompressedArchive);
    assert_eq!(
        error.location,
        Location::Decompressed {
            member_offset: 0,
            offset: junk_at
        }
    );
}

#[test]
fn a_member_inside_a_member_is_junk() {
    let inner = gzip(&archive_of(&["a"]));
    let (_, result) = collect(&gzip(&inner), LIMIT);
    assert_eq!(result.unwrap_err().kind, ErrorKind::JunkInCompressedArchive);
}

#[test]
fn unsupported_compression_names_the_format() {
    let mut initrd = archive_of(&["a"]);
    let member_at = initrd.len();
    initrd.extend_from_slice(&[0xfd, b'7', b'z', b'X', b'Z', 0, 0, 0]);
    let (actions, result) = collect(&initrd, LIMIT);
    assert_eq!(paths(&actions), ["a"]);
    let error = result.unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::UnsupportedCompression(CompressionFormat::Xz)
    );
    assert_eq!(error.location, Location::Initrd { offset: member_at });
    assert!(error.to_string().contains("xz"), "{error}");
    for (magic, format) in [
        (&[0x28, 0xb5, 0x2f, 0xfd][..], CompressionFormat::Zstd),
        (&[0x02, 0x21, 0x4c, 0x18], CompressionFormat::Lz4),
        (b"BZh9", CompressionFormat::Bzip2),
    ] {
        let (_, result) = collect(magic, LIMIT);
        assert_eq!(
            result.unwrap_err().kind,
            ErrorKind::UnsupportedCompression(format)
        );
    }
}

#[test]
fn unknown_data_is_unrecognised() {
    let (_, result) = collect(b"hello world", LIMIT);
    let error = result.unwrap_err();
    assert_eq!(error.kind, ErrorKind::UnrecognisedData);
    assert_eq!(error.location, Location::Initrd { offset: 0 });
}

#[test]
fn gzip_bomb_stops_at_the_limit_after_the_entries_before_it() {
    let mut writer = ArchiveWriter::new();
    writer
        .file("small", b"ok")
        .file("huge", &vec![0; 8 << 20])
        .file("after", b"x");
    let initrd = gzip(&writer.finish());
    assert!(initrd.len() < 64 << 10, "the bomb compresses well");
    let limit = 1 << 20;
    let (actions, result) = collect(&initrd, limit);
    assert_eq!(paths(&actions), ["small"]);
    let error = result.unwrap_err();
    assert_eq!(error.kind, ErrorKind::LimitExceeded { limit_bytes: limit });
    assert_eq!(error.entry_name.as_deref(), Some(&b"huge"[..]));
    assert_eq!(error.errno(), errno::Errno::ENOMEM);
}

#[test]
fn limit_counts_all_members_together() {
    let member = gzip(&archive_of(&["a"]));
    let decompressed = archive_of(&["a"]).len();
    let mut initrd = member.clone();
    initrd.extend_from_slice(&member);
    let (_, result) = collect(&initrd, 2 * decompressed);
    assert_eq!(result.unwrap().decompressed_bytes, 2 * decompressed);
    // The second member gets only 10 bytes of the budget: not even its first header.
    let (actions, result) = collect(&initrd, decompressed + 10);
    assert_eq!(paths(&actions), ["a"]);
    assert!(matches!(
        result.unwrap_err().kind,
        ErrorKind::LimitExceeded { .. }
    ));
}

#[test]
fn corrupt_trailer_crc_is_reported_after_the_member_entries() {
    let mut initrd = gzip(&archive_of(&["a", "b"]));
    let crc_at = initrd.len() - 8;
    initrd[crc_at] ^= 1;
    let (actions, result) = collect(&initrd, LIMIT);
    assert_eq!(paths(&actions), ["a", "b"]);
    assert!(matches!(
        result.unwrap_err().kind,
        ErrorKind::Gzip(GzipProblem::CrcMismatch { .. })
    ));
}

#[test]
fn wrong_size_in_trailer_is_reported() {
    let mut initrd = gzip(&archive_of(&["a"]));
    let size_at = initrd.len() - 4;
    initrd[size_at] ^= 1;
    let (_, result) = collect(&initrd, LIMIT);
    assert!(matches!(
        result.unwrap_err().kind,
        ErrorKind::Gzip(GzipProblem::SizeMismatch { .. })
    ));
}

#[test]
fn gzip_header_problems_are_named() {
    let member = gzip(&archive_of(&["a"]));
    let mut wrong_method = member.clone();
    wrong_method[2] = 7;
    let mut reserved_flag = member.clone();
    reserved_flag[3] = 0x20;
    let cases = [
        (wrong_method, GzipProblem::UnsupportedMethod(7)),
        (reserved_flag, GzipProblem::ReservedFlags(0x20)),
        (member[..5].to_vec(), GzipProblem::TruncatedHeader),
    ];
    for (initrd, problem) in cases {
        let (actions, result) = collect(&initrd, LIMIT);
        assert!(actions.is_empty());
        assert_eq!(result.unwrap_err().kind, ErrorKind::Gzip(problem));
    }
}
