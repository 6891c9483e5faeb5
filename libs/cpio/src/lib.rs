//! Initramfs reader: newc cpio archives, plain or gzip, concatenated, read with Linux's rules.
//!
//! At boot the kernel unpacks the initrd into a tmpfs at `/`, as Linux's `init/initramfs.c`
//! does. This crate does the reading: [`unpack`] walks the initrd and hands the kernel one
//! [`Action`] per archive entry (make this directory, write this file, link this path to that
//! one, ...), in archive order; the kernel applies them to its file system. `docs/initramfs.md`
//! describes the format handling and the choices made.
//!
//! Design principles:
//! - **Linux's answer, including its quirks.** Concatenation, zero padding, `TRAILER!!!`,
//!   hard-link bookkeeping (`maybe_link`, with the data written by whichever entry carries it),
//!   which entries are skipped: all as `init/initramfs.c` does, each rule cited where it lives.
//!   Where we are stricter (truncated entries, malformed names, bad hex digits), the departure
//!   is documented at the check.
//! - **Errors after the good part.** The sink receives every action for the entries before a bad
//!   one; then [`unpack`] returns an [`UnpackError`] naming the entry, its byte offset and the
//!   problem. The kernel keeps what was unpacked, as Linux does.
//! - **Bounded, fallible memory.** Decompression stops at the caller's `limit_bytes`, and every
//!   buffer grows with `try_reserve`, so a gzip bomb or a full heap is an error, not an abort.
//! - **No panic on any input.** Offsets use checked arithmetic and slices use `get`; a
//!   mutation fuzzer (`tests/fuzz.rs`) runs on every `cargo test`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod action;
mod compression;
mod crc32;
mod entry;
mod error;
mod gzip;
mod header;
mod links;
mod unpack;

pub use action::{Action, LinkedFile, NodeKind};
pub use compression::CompressionFormat;
pub use error::{ErrorKind, GzipProblem, Location, UnpackError};
pub use header::HeaderField;
pub use unpack::{Summary, unpack};
