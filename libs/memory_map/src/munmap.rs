//! `munmap(2)`, following `mm/vma.c: do_vmi_munmap()`.
//!
//! Unmapping a range that holds no areas, or holes between areas, is not an error; areas that
//! straddle the range's edges are split. Splitting an area in three can exceed
//! `vm.max_map_count`, which is `ENOMEM` (the man page's "the process's limit on the number of
//! memory mappings would have been exceeded").

use alloc::vec::Vec;

use errno::Errno;

use crate::{
    linux::{TASK_SIZE, is_page_aligned, page_align_up},
    map::{MemoryMap, push_coalesced},
    range::Range,
};

impl MemoryMap {
    /// `munmap(address, length)`: removes every page of the range from the address space.
    /// Returns the ranges that were mapped, in order and coalesced: the kernel unmaps their
    /// page-table entries and frees the frames. An unaligned address, a zero length, or a
    /// range reaching past `TASK_SIZE` is `EINVAL`.
    pub fn munmap(&mut self, address: u64, length: u64) -> errno::Result<Vec<Range>> {
        let range = unmap_range(address, length)?;
        self.remove(range)
    }

    /// Removes every area's part inside `range`; returns those parts, coalesced.
    pub(crate) fn remove(&mut self, range: Range) -> errno::Result<Vec<Range>> {
        let removed_parts = self.rewrite(range, |_| None, None)?;
        let mut removed = Vec::new();
        for part in &removed_parts {
            push_coalesced(&mut removed, part.range())?;
        }
        Ok(removed)
    }
}

/// `do_vmi_munmap()`'s argument checks: the start must be page aligned, the range must end by
/// `TASK_SIZE` before rounding, and must not round to nothing.
pub(crate) fn unmap_range(address: u64, length: u64) -> errno::Result<Range> {
    if !is_page_aligned(address) || address > TASK_SIZE || length > TASK_SIZE - address {
        return Err(Errno::EINVAL);
    }
    let length = page_align_up(length).ok_or(Errno::EINVAL)?;
    Range::from_start_length(address, length).ok_or(Errno::EINVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_errors_match_linux() {
        assert_eq!(unmap_range(0x1001, 0x1000), Err(Errno::EINVAL));
        assert_eq!(unmap_range(0x1000, 0), Err(Errno::EINVAL));
        assert_eq!(unmap_range(TASK_SIZE, 0x1000), Err(Errno::EINVAL));
        assert_eq!(unmap_range(TASK_SIZE - 0x1000, 0x1001), Err(Errno::EINVAL));
        assert_eq!(
            unmap_range(0x1000, 1),
            Range::new(0x1000, 0x2000).ok_or(Errno::EINVAL)
        );
        assert_eq!(
            unmap_range(TASK_SIZE - 0x1000, 0x1000),
            Range::new(TASK_SIZE - 0x1000, TASK_SIZE).ok_or(Errno::EINVAL)
        );
    }
}
