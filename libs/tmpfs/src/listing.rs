//! Listing a directory for `getdents64(2)`, resumable at stable cookies.
//!
//! Position 0 is ".", 1 is "..", and each entry has the cookie it got when inserted (2 and up,
//! only growing). Reading from a cookie yields the entries whose cookie is at least that, in
//! cookie order, so between two calls:
//! - an entry present throughout is returned exactly once;
//! - a removed entry is not returned (unless already returned);
//! - an added entry, or a renamed one (it gets a fresh cookie), is returned, since its cookie
//!   is larger than any position a reader can hold. POSIX leaves this unspecified (readdir(3)).
//!   Linux's tmpfs hides entries added after the directory was opened, so that a loop creating
//!   one entry per entry read ends (commit "libfs: fix infinite directory reads for offset
//!   dir"); the kernel gets that by taking [`Tmpfs::end_cookie`] at open and stopping there.

use errno::Errno;

use crate::{
    directory::{DOT_COOKIE, DOT_DOT_COOKIE, FIRST_ENTRY_COOKIE},
    filesystem::Tmpfs,
    metadata::{FileType, InodeNumber},
    requests::DirectoryEntry,
};

impl Tmpfs {
    /// Visits the entries of `directory` from position `cookie` (0 to start), "." and ".."
    /// first, until `visit` returns `false` or the entries run out. Returns the position to
    /// resume from: that of the entry `visit` refused (it was not consumed), or the end.
    ///
    /// Errors: `ENOTDIR`; `ENOENT` if the directory was removed (fs/readdir.c `iterate_dir`
    /// refuses dead directories).
    pub fn read_directory(
        &self,
        directory: InodeNumber,
        cookie: u64,
        mut visit: impl FnMut(DirectoryEntry<'_>) -> bool,
    ) -> Result<u64, Errno> {
        let contents = self.directory(directory)?;
        self.check_directory_alive(directory)?;
        if let Some(refused) = visit_dot_entries(directory, contents.parent, cookie, &mut visit) {
            return Ok(refused);
        }
        let mut resume = cookie.max(FIRST_ENTRY_COOKIE);
        for (position, entry) in contents.entries_from(resume) {
            let next_cookie = position.saturating_add(1);
            let visited = DirectoryEntry {
                name: &entry.name,
                inode: entry.inode,
                file_type: entry.file_type,
                cookie: position,
                next_cookie,
            };
            if !visit(visited) {
                return Ok(position);
            }
            resume = next_cookie;
        }
        Ok(resume)
    }

    /// The cookie the next entry added to `directory` will get. Every entry present now has a
    /// smaller one, so a reader that stops there sees a snapshot of the names as of this call
    /// minus those removed since.
    pub fn end_cookie(&self, directory: InodeNumber) -> Result<u64, Errno> {
        Ok(self.directory(directory)?.next_cookie())
    }
}

/// Visits "." and ".." if `cookie` has not passed them; the position of the one `visit`
/// refused, if it refused one.
fn visit_dot_entries(
    directory: InodeNumber,
    parent: InodeNumber,
    cookie: u64,
    visit: &mut impl FnMut(DirectoryEntry<'_>) -> bool,
) -> Option<u64> {
    let dot_entries = [
        (DOT_COOKIE, &b"."[..], directory),
        (DOT_DOT_COOKIE, &b".."[..], parent),
    ];
    for (position, name, inode) in dot_entries {
        let entry = DirectoryEntry {
            name,
            inode,
            file_type: FileType::Directory,
            cookie: position,
            next_cookie: position + 1,
        };
        if cookie <= position && !visit(entry) {
            return Some(position);
        }
    }
    None
}
