//! An in-memory POSIX filesystem with Linux tmpfs semantics, addressed by inode number.
//!
//! One [`Tmpfs`] value is one filesystem instance: the initramfs root, `devtmpfs` at `/dev`
//! (device nodes are inodes with an `rdev`), `/tmp`. The kernel's VFS keeps it behind a lock and
//! does everything that needs a process: path walking and symlink following, mount crossings,
//! permission checks against credentials, file descriptors and offsets. This crate is the
//! data structure and the POSIX rules of one instance. `docs/tmpfs.md` explains the choices.
//!
//! Design principles:
//! - **Linux's answer, in Linux's order.** Every operation checks what Linux checks in the same
//!   order (fs/namei.c, fs/libfs.c, mm/shmem.c), so a call with several problems fails with the
//!   errno Linux gives, and every check comes before the first change: a failed call changes
//!   nothing (except a write cut short, which reports the bytes it wrote, as Linux does).
//! - **Inode numbers as handles, references as lifetimes.** The kernel names inodes by number;
//!   open files hold references ([`Tmpfs::open_reference`]) that keep an unlinked inode, and its
//!   data, alive. An inode is destroyed when it has neither names nor references, and numbers
//!   are never reused, so a stale number fails with `ESTALE` instead of reaching another file.
//! - **Sparse and fallible storage.** File data lives in 4 KiB pages keyed by index; holes cost
//!   nothing; page allocation is fallible (`ENOMEM`) and limited (`ENOSPC`), never a panic.
//! - **Stable directory cookies.** Entries keep the position they were inserted at, so
//!   `getdents64(2)` over a changing directory neither repeats nor skips entries that stayed.
//! - **Checked against a model.** Host tests run thousands of random operations against a
//!   path-keyed reference model, comparing results, errnos, link counts and space usage.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod attributes;
mod content;
mod directory;
mod file_data;
mod filesystem;
mod inode;
mod listing;
mod metadata;
mod name;
mod namespace;
mod rename;
mod requests;

pub use file_data::{MAX_FILE_SIZE, PAGE_SIZE};
pub use filesystem::{ROOT_INODE, Tmpfs};
pub use metadata::{DeviceNumber, FileType, InodeNumber, Metadata, Timestamp};
pub use name::NAME_MAX;
pub use namespace::SYMLINK_MAX;
pub use requests::{DirectoryEntry, Limits, NewNode, Owner, RenameMode, TimeChange, Usage};
