//! The driver: walks the initrd, decompresses members, and turns entries into actions.
//!
//! This follows `unpack_to_rootfs` and its state machine in Linux's `init/initramfs.c`:
//! - At the top level, a `0` byte on a 4-byte boundary starts a cpio entry, a zero byte is
//!   skipped, and anything else must be a compressed member (`decompress_method`). After a
//!   member, the top level goes on where the member's trailer ends.
//! - Inside a member's decompressed output, entries follow each other with optional zero padding;
//!   anything else is "junk within compressed archive".
//! - After an entry (`do_reset`), zero bytes are skipped, and if data follows, it must start on a
//!   4-byte boundary ("broken padding").
//! - `TRAILER!!!` empties the hard-link table; whatever follows it is read by the same rules, so
//!   archives simply concatenate.
//!
//! Departures, each to report a problem that Linux passes over in silence: an entry cut short by
//! the end of the initrd is an error (Linux stops quietly, leaving a file of the declared size
//! with zeros for the missing data), and so are the header and name defects listed on
//! [`ErrorKind`].

use alloc::{boxed::Box, vec::Vec};

use errno::Errno;
use miniz_oxide::inflate::core::DecompressorOxide;

use crate::{
    action::{Action, LinkedFile, NodeKind},
    compression::CompressionFormat,
    entry::{Entry, align_up_to_4, parse_entry},
    error::{ErrorKind, Location, UnpackError},
    gzip::{Budget, Inflated, inflate_member},
    header::{Checksum, FileType},
    links::{LinkKey, LinkTable},
};

/// The name of the entry that ends an archive.
const TRAILER_NAME: &[u8] = b"TRAILER!!!";

/// What an unpacking did, when it finished without error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Actions delivered to the sink.
    pub actions: usize,
    /// Entries Linux would skip without creating anything: a directory, device or entry of
    /// unknown type with a non-empty body, or a symlink whose target is over `PATH_MAX`.
    pub skipped_entries: usize,
    /// `TRAILER!!!` entries seen.
    pub trailers: usize,
    /// Gzip members decompressed.
    pub compressed_members: usize,
    /// Bytes those members decompressed to, in total.
    pub decompressed_bytes: usize,
}

/// Unpacks `initrd` (one or more newc archives, plain or gzip-compressed, concatenated with
/// optional zero padding), handing each action to `sink` in archive order.
///
/// At most `limit_bytes` are decompressed in total, across all members; past that unpacking fails
/// with [`ErrorKind::LimitExceeded`]. The decompressed data of one member is held in memory while
/// its actions are delivered, so peak memory is about the largest member's decompressed size.
///
/// On error, every action for the entries before the bad one has been delivered, as Linux keeps
/// the files it created before a failure. `sink` returns `Err` to stop unpacking (the error is
/// then [`ErrorKind::Rejected`]); like Linux, it should ignore the failure of single steps (see
/// [`Action`]) and stop only for something like running out of memory.
pub fn unpack<Sink>(initrd: &[u8], limit_bytes: usize, sink: Sink) -> Result<Summary, UnpackError>
where
    Sink: FnMut(Action<'_>) -> Result<(), Errno>,
{
    let mut unpacker = Unpacker {
        sink,
        links: LinkTable::default(),
        summary: Summary::default(),
        limit_bytes,
        decompressor: None,
    };
    unpacker.unpack_initrd(initrd)?;
    Ok(unpacker.summary)
}

/// Which stream an offset is in.
#[derive(Clone, Copy, Debug)]
enum Origin {
    Initrd,
    Decompressed { member_offset: usize },
}

impl Origin {
    fn at(self, offset: usize) -> Location {
        match self {
            Self::Initrd => Location::Initrd { offset },
            Self::Decompressed { member_offset } => Location::Decompressed {
                member_offset,
                offset,
            },
        }
    }

    fn error(self, kind: ErrorKind, offset: usize, name: Option<&[u8]>) -> UnpackError {
        UnpackError {
            kind,
            location: self.at(offset),
            entry_name: name.and_then(owned_name),
        }
    }
}

/// A copy of an entry's name for an error, or `None` if even that allocation fails.
fn owned_name(name: &[u8]) -> Option<Vec<u8>> {
    let mut owned = Vec::new();
    owned.try_reserve_exact(name.len()).ok()?;
    owned.extend_from_slice(name);
    Some(owned)
}

struct Unpacker<Sink> {
    sink: Sink,
    links: LinkTable,
    summary: Summary,
    limit_bytes: usize,
    /// miniz_oxide's inflate state (about 10 KiB), allocated at the first gzip member and reused.
    decompressor: Option<Box<DecompressorOxide>>,
}

impl<Sink> Unpacker<Sink>
where
    Sink: FnMut(Action<'_>) -> Result<(), Errno>,
{
    fn unpack_initrd(&mut self, initrd: &[u8]) -> Result<(), UnpackError> {
        let mut offset = 0;
        loop {
            offset = self.unpack_entries(initrd, offset, Origin::Initrd)?;
            if offset >= initrd.len() {
                return Ok(());
            }
            let member_size = self.unpack_compressed(initrd, offset)?;
            offset = offset.saturating_add(member_size);
        }
    }

    /// Unpacks the compressed member at `member_offset`, returning its size in the initrd.
    fn unpack_compressed(
        &mut self,
        initrd: &[u8],
        member_offset: usize,
    ) -> Result<usize, UnpackError> {
        let member = initrd.get(member_offset..).unwrap_or_default();
        let kind = match CompressionFormat::detect(member) {
            Some(CompressionFormat::Gzip) => return self.unpack_gzip(member, member_offset),
            Some(format) => ErrorKind::UnsupportedCompression(format),
            None => ErrorKind::UnrecognisedData,
        };
        Err(Origin::Initrd.error(kind, member_offset, None))
    }

    fn unpack_gzip(&mut self, member: &[u8], member_offset: usize) -> Result<usize, UnpackError> {
        let budget = Budget {
            limit_bytes: self.limit_bytes,
            available_bytes: self
                .limit_bytes
                .saturating_sub(self.summary.decompressed_bytes),
        };
        let decompressor = self.decompressor.get_or_insert_with(Box::default);
        let Inflated { output, outcome } = inflate_member(member, budget, decompressor);
        self.summary.compressed_members = self.summary.compressed_members.saturating_add(1);
        self.summary.decompressed_bytes =
            self.summary.decompressed_bytes.saturating_add(output.len());
        // Unpack what was decompressed even if decompression then failed: Linux unpacks its output
        // as it comes, so it has created those files by the time the decompressor gives up.
        let origin = Origin::Decompressed { member_offset };
        let unpacked = self.unpack_entries(&output, 0, origin);
        match (outcome, unpacked) {
            (Ok(member_size), Ok(stop)) if stop >= output.len() => Ok(member_size),
            (Ok(_), Ok(stop)) => Err(origin.error(ErrorKind::JunkInCompressedArchive, stop, None)),
            (Err(kind), Ok(stop)) => Err(origin.error(kind, stop, None)),
            // The entry was cut short because decompression stopped: report why it stopped.
            (Err(kind), Err(error)) if is_truncation(error.kind) => {
                Err(UnpackError { kind, ..error })
            }
            (_, Err(error)) => Err(error),
        }
    }

    /// Unpacks the entries of `stream` from `offset` on, with the zero padding around them, and
    /// returns the offset of the first byte that is neither (or the stream's length).
    fn unpack_entries(
        &mut self,
        stream: &[u8],
        mut offset: usize,
        origin: Origin,
    ) -> Result<usize, UnpackError> {
        loop {
            offset = skip_zeros(stream, offset);
            match stream.get(offset) {
                Some(b'0') if offset.is_multiple_of(4) => {}
                Some(b'0') => return Err(origin.error(ErrorKind::BrokenPadding, offset, None)),
                Some(_) | None => return Ok(offset),
            }
            let entry = parse_entry(stream, offset)
                .map_err(|error| origin.error(error.kind, offset, error.name))?;
            self.apply(&entry)
                .map_err(|kind| origin.error(kind, offset, Some(entry.name)))?;
            let padded_end = align_up_to_4(entry.body_end).unwrap_or(usize::MAX);
            offset = skip_zeros(stream, padded_end.min(stream.len()));
            if offset < stream.len() && !offset.is_multiple_of(4) {
                return Err(origin.error(ErrorKind::BrokenPadding, offset, None));
            }
        }
    }

    /// Delivers the action for one entry, as Linux's `do_header`, `do_name` and `do_symlink`
    /// decide it.
    fn apply(&mut self, entry: &Entry<'_>) -> Result<(), ErrorKind> {
        let file_type = entry.header.file_type();
        if file_type == FileType::Symlink {
            return self.apply_symlink(entry);
        }
        // `do_header` reads the name, and so acts on the entry at all, only for regular files
        // and for entries without a body; it skips anything else whole.
        if file_type != FileType::Regular && !entry.body.is_empty() {
            return self.skip();
        }
        if entry.name == TRAILER_NAME {
            self.links.clear();
            self.summary.trailers = self.summary.trailers.saturating_add(1);
            return Ok(());
        }
        let node_kind = match file_type {
            FileType::Regular => return self.apply_regular(entry),
            FileType::Directory => return self.apply_directory(entry),
            FileType::Symlink | FileType::Unknown => return self.skip(),
            FileType::CharacterDevice => NodeKind::CharacterDevice,
            FileType::BlockDevice => NodeKind::BlockDevice,
            FileType::Fifo => NodeKind::Fifo,
            FileType::Socket => NodeKind::Socket,
        };
        self.apply_node(entry, node_kind)
    }

    fn skip(&mut self) -> Result<(), ErrorKind> {
        self.summary.skipped_entries = self.summary.skipped_entries.saturating_add(1);
        Ok(())
    }

    fn apply_directory(&mut self, entry: &Entry<'_>) -> Result<(), ErrorKind> {
        let header = &entry.header;
        let action = Action::Directory {
            path: entry.name,
            mode: header.mode,
            uid: header.uid,
            gid: header.gid,
            mtime_seconds: header.mtime_seconds,
        };
        deliver(&mut self.sink, &mut self.summary, action)
    }

    /// Linux's `do_symlink`: the target is the body up to its first NUL, and a target longer
    /// than `PATH_MAX` makes `do_header` skip the entry. Symlinks never join hard-link sets.
    fn apply_symlink(&mut self, entry: &Entry<'_>) -> Result<(), ErrorKind> {
        if entry.body.len() > linux_raw_sys::general::PATH_MAX as usize {
            return self.skip();
        }
        let header = &entry.header;
        let target_end = entry.body.iter().position(|&byte| byte == 0);
        let action = Action::Symlink {
            path: entry.name,
            target: entry
                .body
                .get(..target_end.unwrap_or(entry.body.len()))
                .unwrap_or_default(),
            uid: header.uid,
            gid: header.gid,
            mtime_seconds: header.mtime_seconds,
        };
        deliver(&mut self.sink, &mut self.summary, action)
    }

    /// A regular file, or a later link to one (`maybe_link`, then `do_copy`).
    ///
    /// A `070702` file whose data does not sum to `c_check` is an error before its action is
    /// delivered; Linux writes the file first and reports "bad data checksum" after.
    fn apply_regular(&mut self, entry: &Entry<'_>) -> Result<(), ErrorKind> {
        let header = &entry.header;
        if header.checksum == Checksum::Present {
            let computed = entry
                .body
                .iter()
                .fold(0_u32, |sum, &byte| sum.wrapping_add(u32::from(byte)));
            if computed != header.check {
                return Err(ErrorKind::BadChecksum {
                    expected: header.check,
                    computed,
                });
            }
        }
        let existing_path = find_link(&mut self.links, entry)?;
        let action = match existing_path {
            Some(existing_path) => Action::HardLink {
                path: entry.name,
                existing_path,
                file: Some(LinkedFile {
                    mode: header.mode,
                    uid: header.uid,
                    gid: header.gid,
                    mtime_seconds: header.mtime_seconds,
                    data: entry.body,
                }),
            },
            None => Action::File {
                path: entry.name,
                mode: header.mode,
                uid: header.uid,
                gid: header.gid,
                mtime_seconds: header.mtime_seconds,
                data: entry.body,
            },
        };
        deliver(&mut self.sink, &mut self.summary, action)
    }

    fn apply_node(&mut self, entry: &Entry<'_>, kind: NodeKind) -> Result<(), ErrorKind> {
        let header = &entry.header;
        let action = match find_link(&mut self.links, entry)? {
            Some(existing_path) => Action::HardLink {
                path: entry.name,
                existing_path,
                file: None,
            },
            None => Action::Node {
                path: entry.name,
                kind,
                mode: header.mode,
                rdev_major: header.rdev_major,
                rdev_minor: header.rdev_minor,
                uid: header.uid,
                gid: header.gid,
                mtime_seconds: header.mtime_seconds,
            },
        };
        deliver(&mut self.sink, &mut self.summary, action)
    }
}

/// Linux's `maybe_link`: only entries with `c_nlink >= 2` take part in hard-link sets.
fn find_link<'table>(
    links: &'table mut LinkTable,
    entry: &Entry<'_>,
) -> Result<Option<&'table [u8]>, ErrorKind> {
    if entry.header.link_count < 2 {
        return Ok(None);
    }
    links.find_or_insert(LinkKey::of(&entry.header), entry.name)
}

fn deliver<Sink>(
    sink: &mut Sink,
    summary: &mut Summary,
    action: Action<'_>,
) -> Result<(), ErrorKind>
where
    Sink: FnMut(Action<'_>) -> Result<(), Errno>,
{
    sink(action).map_err(ErrorKind::Rejected)?;
    summary.actions = summary.actions.saturating_add(1);
    Ok(())
}

fn skip_zeros(stream: &[u8], offset: usize) -> usize {
    let rest = stream.get(offset..).unwrap_or_default();
    let zeros = rest.iter().take_while(|&&byte| byte == 0).count();
    offset.saturating_add(zeros)
}

fn is_truncation(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::TruncatedHeader | ErrorKind::TruncatedName | ErrorKind::TruncatedData
    )
}
