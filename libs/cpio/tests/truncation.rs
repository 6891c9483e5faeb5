//! Cutting a valid initrd at every byte: an error for every cut inside an entry, never a panic,
//! and always every action of the entries wholly before the cut.

mod common;

use common::*;
use cpio::ErrorKind;

/// What a prefix of `writer`'s archive must unpack to: the actions of the entries whose bodies
/// end at or before `cut`, and whether the cut falls inside an entry.
fn expected_for_cut(
    writer: &ArchiveWriter,
    all_actions: &[Owned],
    cut: usize,
) -> (Vec<Owned>, bool) {
    // Entries and actions line up except for the trailer, which has no action and is last.
    let complete = writer
        .spans
        .iter()
        .filter(|span| span.body_end <= cut)
        .count();
    let is_inside_entry = writer
        .spans
        .iter()
        .any(|span| span.start < cut && cut < span.body_end);
    (
        all_actions.iter().take(complete).cloned().collect(),
        is_inside_entry,
    )
}

#[test]
fn plain_archive_cut_anywhere_keeps_the_complete_entries() {
    let writer = sample_archive();
    let archive = writer.finish();
    let all_actions = actions_of(&archive);
    for cut in 0..=archive.len() {
        let (actions, result) = collect(&archive[..cut], LIMIT);
        let (expected, is_inside_entry) = expected_for_cut(&writer, &all_actions, cut);
        assert_eq!(actions, expected, "cut at {cut}");
        match result {
            Ok(_) => assert!(!is_inside_entry, "cut at {cut} should fail"),
            Err(error) => {
                assert!(is_inside_entry, "cut at {cut} failed: {error}");
                assert!(
                    matches!(
                        error.kind,
                        ErrorKind::TruncatedHeader
                            | ErrorKind::TruncatedName
                            | ErrorKind::TruncatedData
                    ),
                    "cut at {cut}: {error}"
                );
            }
        }
    }
}

#[test]
fn truncated_data_error_names_the_entry_and_its_offset() {
    let writer = sample_archive();
    let archive = writer.finish();
    let init = writer.spans[8];
    let (_, result) = collect(&archive[..init.body_end - 1], LIMIT);
    let error = result.unwrap_err();
    assert_eq!(error.kind, ErrorKind::TruncatedData);
    assert_eq!(error.entry_name.as_deref(), Some(&b"init"[..]));
    assert_eq!(
        error.location,
        cpio::Location::Initrd { offset: init.start }
    );
}

#[test]
fn gzip_member_cut_anywhere_fails_after_the_entries_it_decompressed() {
    let writer = sample_archive();
    let archive = writer.finish();
    let all_actions = actions_of(&archive);
    let member = gzip(&archive);
    for cut in 1..member.len() {
        let (actions, result) = collect(&member[..cut], LIMIT);
        assert!(result.is_err(), "cut at {cut} of the member should fail");
        // Whatever was delivered is a prefix of the full archive's actions.
        assert!(actions.len() <= all_actions.len(), "cut at {cut}");
        assert_eq!(actions, all_actions[..actions.len()], "cut at {cut}");
    }
    // With only the trailer cut, everything was decompressed and delivered.
    let (actions, result) = collect(&member[..member.len() - 1], LIMIT);
    assert_eq!(actions, all_actions);
    assert!(matches!(result.unwrap_err().kind, ErrorKind::Gzip(_)));
}

#[test]
fn plain_archive_then_cut_gzip_member_keeps_the_plain_part() {
    let mut initrd = sample_archive().finish();
    let plain_actions = actions_of(&initrd);
    initrd.extend_from_slice(&gzip(&sample_archive().finish()));
    let (actions, result) = collect(&initrd[..initrd.len() - 20], LIMIT);
    assert!(result.is_err());
    assert_eq!(actions[..plain_actions.len()], plain_actions[..]);
}

#[test]
fn deflate_data_cut_in_the_middle_keeps_the_files_decompressed_before_the_cut() {
    let mut writer = ArchiveWriter::new();
    for index in 0..300 {
        let contents = format!("file {index} has contents {}\n", index * 7919);
        writer.file(&format!("dir/file{index}"), contents.as_bytes());
    }
    writer.trailer();
    let archive = writer.finish();
    let all_actions = actions_of(&archive);
    let member = gzip(&archive);
    let (actions, result) = collect(&member[..member.len() / 2], LIMIT);
    assert!(
        !actions.is_empty() && actions.len() < all_actions.len(),
        "{}",
        actions.len()
    );
    assert_eq!(actions, all_actions[..actions.len()]);
    let error = result.unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::Gzip(cpio::GzipProblem::TruncatedDeflate)
    );
    assert!(matches!(
        error.location,
        cpio::Location::Decompressed {
            member_offset: 0,
            ..
        }
    ));
    // The cut entry is named unless decompression stopped inside its header.
    if let Some(name) = &error.entry_name {
        assert_eq!(name, all_actions[actions.len()].path(), "{error}");
    }
}
