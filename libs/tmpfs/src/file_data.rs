//! Sparse regular-file contents: 4 KiB pages in a map keyed by page index.
//!
//! A page exists only where something was written, so a hole (never written, or cut off by a
//! truncate and regrown) reads as zeros and costs nothing, as in tmpfs (mm/shmem.c). Every page
//! allocation goes through the filesystem-wide [`PageBudget`], which enforces the size limit and
//! keeps the count that `usage()` and `statfs(2)` report.
//!
//! Invariant: bytes of a page at or beyond the file size are zero. Pages start zeroed, writes
//! only store below the new size, and truncating down zeroes the tail of the last kept page, so
//! growing the file again exposes zeros, as truncate(2) requires.

use alloc::{collections::BTreeMap, vec::Vec};

use errno::Errno;

/// Bytes per page: the unit of allocation, `st_blksize`, and what `statfs(2)` counts in.
pub const PAGE_SIZE: usize = 4096;

/// [`PAGE_SIZE`] as a file offset.
const PAGE_BYTES: u64 = PAGE_SIZE as u64;

/// The largest file size and the end of the largest write: Linux's `MAX_LFS_FILESIZE` on 64-bit
/// (`LLONG_MAX`), tmpfs's `s_maxbytes`.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Filesystem-wide page accounting, shared by every file and long symlink.
#[derive(Debug)]
pub(crate) struct PageBudget {
    /// Pages allocated now.
    used_pages: u64,
    /// Most pages allowed, if limited.
    max_pages: Option<u64>,
}

impl PageBudget {
    /// A budget allowing `max_bytes` rounded up to whole pages, as tmpfs rounds `size=`.
    pub(crate) fn new(max_bytes: Option<u64>) -> Self {
        Self {
            used_pages: 0,
            max_pages: max_bytes.map(|bytes| bytes.div_ceil(PAGE_BYTES)),
        }
    }

    /// Pages allocated now.
    pub(crate) fn used_pages(&self) -> u64 {
        self.used_pages
    }

    /// Accounts for one more page: `ENOSPC` past the limit, which is what tmpfs reports when its
    /// block limit is hit (mm/shmem.c `shmem_inode_acct_blocks`).
    pub(crate) fn reserve(&mut self) -> Result<(), Errno> {
        let next = self.used_pages.checked_add(1).ok_or(Errno::ENOSPC)?;
        if self.max_pages.is_some_and(|max| next > max) {
            return Err(Errno::ENOSPC);
        }
        self.used_pages = next;
        Ok(())
    }

    /// Gives back `count` pages.
    pub(crate) fn release(&mut self, count: u64) {
        debug_assert!(count <= self.used_pages, "page budget underflow");
        self.used_pages = self.used_pages.saturating_sub(count);
    }
}

/// A zeroed page, allocated fallibly: running out of kernel memory is `ENOMEM`, not a panic.
pub(crate) fn zeroed_page() -> Result<Vec<u8>, Errno> {
    let mut page = Vec::new();
    page.try_reserve_exact(PAGE_SIZE)
        .map_err(|_| Errno::ENOMEM)?;
    page.resize(PAGE_SIZE, 0);
    Ok(page)
}

/// The contents of one regular file.
#[derive(Debug, Default)]
pub(crate) struct FileData {
    /// The file size in bytes, at most [`MAX_FILE_SIZE`].
    size: u64,
    /// Allocated pages by index; each holds exactly [`PAGE_SIZE`] bytes.
    pages: BTreeMap<u64, Vec<u8>>,
}

impl FileData {
    /// The file size in bytes.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Pages allocated to the file.
    pub(crate) fn allocated_pages(&self) -> u64 {
        self.pages.len() as u64
    }

    /// Copies bytes from `offset` into `buffer`, stopping at the end of the file; returns how
    /// many. Holes read as zeros.
    pub(crate) fn read(&self, offset: u64, buffer: &mut [u8]) -> usize {
        let available = self.size.saturating_sub(offset);
        let length = buffer
            .len()
            .min(usize::try_from(available).unwrap_or(usize::MAX));
        let mut done = 0;
        while done < length {
            let position = offset + done as u64;
            let within = (position % PAGE_BYTES) as usize;
            let chunk = (PAGE_SIZE - within).min(length - done);
            let destination = &mut buffer[done..done + chunk];
            match self.pages.get(&(position / PAGE_BYTES)) {
                Some(page) => destination.copy_from_slice(&page[within..within + chunk]),
                None => destination.fill(0),
            }
            done += chunk;
        }
        done
    }

    /// Stores `data` at `offset`, allocating pages as needed, and grows the size to cover it.
    ///
    /// The caller has checked that `offset + data.len()` is at most [`MAX_FILE_SIZE`]. Like
    /// Linux's `generic_perform_write`, a failure after some pages were written is a short write:
    /// the error is returned only if nothing was written.
    pub(crate) fn write(
        &mut self,
        offset: u64,
        data: &[u8],
        budget: &mut PageBudget,
    ) -> Result<usize, Errno> {
        let mut done = 0;
        while done < data.len() {
            let position = offset + done as u64;
            let within = (position % PAGE_BYTES) as usize;
            let chunk = (PAGE_SIZE - within).min(data.len() - done);
            let page = match self.page_for_write(position / PAGE_BYTES, budget) {
                Ok(page) => page,
                Err(error) if done == 0 => return Err(error),
                Err(_) => break,
            };
            page[within..within + chunk].copy_from_slice(&data[done..done + chunk]);
            done += chunk;
        }
        self.size = self.size.max(offset + done as u64);
        Ok(done)
    }

    /// The page at `index`, allocating a zeroed one if there is none.
    fn page_for_write(&mut self, index: u64, budget: &mut PageBudget) -> Result<&mut [u8], Errno> {
        use alloc::collections::btree_map::Entry;
        match self.pages.entry(index) {
            Entry::Occupied(entry) => Ok(entry.into_mut()),
            Entry::Vacant(entry) => {
                budget.reserve()?;
                let page = zeroed_page().inspect_err(|_| budget.release(1))?;
                Ok(entry.insert(page))
            }
        }
    }

    /// Sets the size. Shrinking frees the pages wholly beyond the new end and zeroes the rest of
    /// the last kept page (mm/shmem.c `shmem_undo_range`); growing leaves a hole.
    pub(crate) fn truncate(&mut self, size: u64, budget: &mut PageBudget) {
        if size < self.size {
            let freed = self.pages.split_off(&size.div_ceil(PAGE_BYTES));
            budget.release(freed.len() as u64);
            let within = (size % PAGE_BYTES) as usize;
            if within != 0
                && let Some(page) = self.pages.get_mut(&(size / PAGE_BYTES))
            {
                page[within..].fill(0);
            }
        }
        self.size = size;
    }

    /// Frees every page, for an inode being destroyed.
    pub(crate) fn release_all(&mut self, budget: &mut PageBudget) {
        budget.release(self.allocated_pages());
        self.pages.clear();
        self.size = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refuses_pages_beyond_the_rounded_up_limit() {
        let mut budget = PageBudget::new(Some(PAGE_BYTES + 1));
        assert_eq!(budget.reserve(), Ok(()));
        assert_eq!(budget.reserve(), Ok(()));
        assert_eq!(budget.reserve(), Err(Errno::ENOSPC));
        budget.release(1);
        assert_eq!(budget.used_pages(), 1);
        assert_eq!(budget.reserve(), Ok(()));
    }

    #[test]
    fn short_write_when_the_budget_runs_out_midway() {
        let mut budget = PageBudget::new(Some(PAGE_BYTES));
        let mut data = FileData::default();
        let written = data.write(PAGE_BYTES - 2, &[7; 10], &mut budget);
        assert_eq!(written, Ok(2));
        assert_eq!(data.size(), PAGE_BYTES);
        assert_eq!(
            data.write(PAGE_BYTES, &[7; 10], &mut budget),
            Err(Errno::ENOSPC)
        );
    }
}
