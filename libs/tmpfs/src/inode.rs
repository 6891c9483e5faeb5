//! One inode: attributes shared by every type, and the type-specific content.

use alloc::vec::Vec;

use crate::{
    directory::Directory,
    file_data::{FileData, PageBudget},
    metadata::{DeviceNumber, FileType, InodeNumber, Metadata, Timestamp},
    requests::Owner,
};

/// Bytes a directory reports per entry, "." and ".." included (mm/shmem.c `BOGO_DIRENT_SIZE`),
/// so `ls -ld` shows the sizes Linux's tmpfs shows: 40 for an empty directory.
const DIRECTORY_ENTRY_SIZE: u64 = 20;

/// Symlink targets at least this long occupy a data page; shorter ones are kept inline and
/// cost no blocks (mm/shmem.c: targets up to `SHORT_SYMLINK_LEN` = 128 bytes including the
/// terminating NUL are inline).
pub(crate) const PAGE_BACKED_SYMLINK_LENGTH: usize = 128;

/// 512-byte blocks per page.
const BLOCKS_PER_PAGE: u64 = (crate::PAGE_SIZE / 512) as u64;

/// The permission, set-id and sticky bits of a mode (`S_IALLUGO`).
pub(crate) const PERMISSION_MASK: u32 = 0o7777;

/// What an inode holds beyond its attributes.
#[derive(Debug)]
pub(crate) enum Content {
    /// Sparse file data.
    Regular(FileData),
    /// Entries and the parent.
    Directory(Directory),
    /// The target path; page-backed (and counted in the page budget) when at least
    /// [`PAGE_BACKED_SYMLINK_LENGTH`] bytes long.
    Symlink(Vec<u8>),
    /// A device node's number.
    Device(DeviceNumber),
    /// A FIFO or socket: the filesystem keeps only the name and attributes.
    Nothing,
}

/// An inode.
#[derive(Debug)]
pub(crate) struct Inode {
    /// The type; never changes.
    pub(crate) file_type: FileType,
    /// `mode & 07777`.
    pub(crate) permission_bits: u32,
    /// Names referring to the inode; for a directory 2 plus subdirectories, 0 once removed.
    pub(crate) link_count: u32,
    /// Open files, working directories and other kernel references keeping the inode alive.
    pub(crate) open_references: u64,
    /// Owner and group.
    pub(crate) owner: Owner,
    /// `st_atime`.
    pub(crate) accessed: Timestamp,
    /// `st_mtime`.
    pub(crate) modified: Timestamp,
    /// `st_ctime`.
    pub(crate) changed: Timestamp,
    /// Type-specific content.
    pub(crate) content: Content,
}

impl Inode {
    /// A new inode with all three timestamps at `now`, as every Linux filesystem creates one.
    pub(crate) fn new(
        file_type: FileType,
        permission_bits: u32,
        owner: Owner,
        content: Content,
        now: Timestamp,
    ) -> Self {
        Self {
            file_type,
            permission_bits: permission_bits & PERMISSION_MASK,
            link_count: if file_type.is_directory() { 2 } else { 1 },
            open_references: 0,
            owner,
            accessed: now,
            modified: now,
            changed: now,
            content,
        }
    }

    /// The full `st_mode`.
    pub(crate) fn mode(&self) -> u32 {
        self.file_type.mode_bits() | self.permission_bits
    }

    /// The directory content, if this is a directory.
    pub(crate) fn directory(&self) -> Option<&Directory> {
        match &self.content {
            Content::Directory(directory) => Some(directory),
            _ => None,
        }
    }

    /// The directory content, mutably, if this is a directory.
    pub(crate) fn directory_mut(&mut self) -> Option<&mut Directory> {
        match &mut self.content {
            Content::Directory(directory) => Some(directory),
            _ => None,
        }
    }

    /// Whether the inode is a directory that has been removed (Linux's `IS_DEADDIR`).
    pub(crate) fn is_removed_directory(&self) -> bool {
        self.file_type.is_directory() && self.link_count == 0
    }

    /// Whether nothing refers to the inode any more, so it can be destroyed.
    pub(crate) fn is_unreferenced(&self) -> bool {
        self.link_count == 0 && self.open_references == 0
    }

    /// Records a data change: `st_mtime` and `st_ctime` become `now`.
    pub(crate) fn touch_modified(&mut self, now: Timestamp) {
        self.modified = now;
        self.changed = now;
    }

    /// Pages the content occupies in the page budget.
    pub(crate) fn allocated_pages(&self) -> u64 {
        match &self.content {
            Content::Regular(data) => data.allocated_pages(),
            Content::Symlink(target) if target.len() >= PAGE_BACKED_SYMLINK_LENGTH => 1,
            _ => 0,
        }
    }

    /// Returns the content's pages to the budget, for an inode being destroyed.
    pub(crate) fn release_pages(&mut self, budget: &mut PageBudget) {
        match &mut self.content {
            Content::Regular(data) => data.release_all(budget),
            Content::Symlink(target) if target.len() >= PAGE_BACKED_SYMLINK_LENGTH => {
                budget.release(1);
            }
            _ => {}
        }
    }

    /// `st_size`.
    fn size(&self) -> u64 {
        match &self.content {
            Content::Regular(data) => data.size(),
            Content::Directory(directory) => {
                let entries = directory.len() as u64 + 2;
                entries.saturating_mul(DIRECTORY_ENTRY_SIZE)
            }
            Content::Symlink(target) => target.len() as u64,
            Content::Device(_) | Content::Nothing => 0,
        }
    }

    /// What `stat(2)` reports, given the inode's number.
    pub(crate) fn metadata(&self, inode: InodeNumber) -> Metadata {
        Metadata {
            inode,
            file_type: self.file_type,
            mode: self.mode(),
            link_count: self.link_count,
            uid: self.owner.uid,
            gid: self.owner.gid,
            size: self.size(),
            blocks: self.allocated_pages().saturating_mul(BLOCKS_PER_PAGE),
            rdev: match self.content {
                Content::Device(rdev) => rdev,
                _ => DeviceNumber::NONE,
            },
            accessed: self.accessed,
            modified: self.modified,
            changed: self.changed,
        }
    }
}
