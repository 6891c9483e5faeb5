//! Decoding `mmap(2)`'s `flags` word the way Linux does.
//!
//! The mapping type (`flags & MAP_TYPE`) is checked in `mm/mmap.c: do_mmap()` after the
//! address has been chosen, separately for anonymous and file mappings; `MAP_HUGETLB` is
//! checked before anything else, in `ksys_mmap_pgoff()`. Unknown flag bits are ignored except
//! under `MAP_SHARED_VALIDATE`, as Linux has always done for compatibility.

use errno::Errno;
use linux_raw_sys::general::{
    MAP_32BIT, MAP_ABOVE4G, MAP_ANONYMOUS, MAP_DENYWRITE, MAP_DROPPABLE, MAP_EXECUTABLE, MAP_FIXED,
    MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_HUGE_1GB, MAP_HUGE_2MB, MAP_HUGE_MASK, MAP_HUGE_SHIFT,
    MAP_HUGETLB, MAP_LOCKED, MAP_NONBLOCK, MAP_NORESERVE, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED,
    MAP_SHARED_VALIDATE, MAP_STACK, MAP_TYPE, MAP_UNINITIALIZED,
};

use crate::search::SearchWindow;

/// `include/linux/mman.h: LEGACY_MAP_MASK`: the flags every file mapping accepts, and all that
/// `MAP_SHARED_VALIDATE` accepts from a file without its own `mmap_validate`.
const LEGACY_MAP_MASK: u32 = MAP_SHARED
    | MAP_PRIVATE
    | MAP_FIXED
    | MAP_ANONYMOUS
    | MAP_DENYWRITE
    | MAP_EXECUTABLE
    | MAP_UNINITIALIZED
    | MAP_GROWSDOWN
    | MAP_LOCKED
    | MAP_NORESERVE
    | MAP_POPULATE
    | MAP_NONBLOCK
    | MAP_STACK
    | MAP_HUGETLB
    | MAP_32BIT
    | MAP_ABOVE4G
    | MAP_HUGE_2MB
    | MAP_HUGE_1GB;

/// The huge-page sizes x86_64 has, as `log2(bytes)` in the `MAP_HUGE_*` field: 0 selects the
/// default (2 MiB), then 2 MiB and 1 GiB (`arch/x86/mm/hugetlbpage.c`).
const HUGE_PAGE_SIZE_LOGS: [u32; 3] = [0, 21, 30];

/// Whether the new pages are shared with other mappings of the same object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sharing {
    /// `MAP_PRIVATE` (and `MAP_DROPPABLE`): copy-on-write.
    Private,
    /// `MAP_SHARED` or `MAP_SHARED_VALIDATE`.
    Shared,
}

/// An `mmap` flags word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MmapFlags(pub u32);

impl MmapFlags {
    const fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }

    /// `MAP_FIXED`, which `MAP_FIXED_NOREPLACE` implies.
    pub(crate) const fn is_fixed(self) -> bool {
        self.has(MAP_FIXED | MAP_FIXED_NOREPLACE)
    }

    /// `MAP_FIXED_NOREPLACE`: fail with `EEXIST` rather than replace.
    pub(crate) const fn is_no_replace(self) -> bool {
        self.has(MAP_FIXED_NOREPLACE)
    }

    /// `MAP_NORESERVE`: the mapping is not charged against the commit limit (Linux sets
    /// `VM_NORESERVE` unless `vm.overcommit_memory` is 2).
    pub(crate) const fn is_no_reserve(self) -> bool {
        self.has(MAP_NORESERVE)
    }

    /// `MAP_GROWSDOWN`: a stack-like area.
    pub(crate) const fn is_grows_down(self) -> bool {
        self.has(MAP_GROWSDOWN)
    }

    /// Where a search may look. `MAP_32BIT` wins over `MAP_ABOVE4G`, as its check comes first
    /// in `arch_get_unmapped_area_topdown()`.
    pub(crate) const fn search_window(self) -> SearchWindow {
        if self.has(MAP_32BIT) {
            SearchWindow::Low2Gigabytes
        } else if self.has(MAP_ABOVE4G) {
            SearchWindow::Above4Gigabytes
        } else {
            SearchWindow::Anywhere
        }
    }

    /// Whether Linux faults the pages in before returning: `MAP_LOCKED`, or `MAP_POPULATE`
    /// without `MAP_NONBLOCK` (`do_mmap()`'s `*populate`).
    pub(crate) const fn should_populate(self) -> bool {
        self.has(MAP_LOCKED) || (self.has(MAP_POPULATE) && !self.has(MAP_NONBLOCK))
    }

    /// `ksys_mmap_pgoff()`'s `MAP_HUGETLB` handling. A file mapping cannot ask for huge pages
    /// (`EINVAL`); an anonymous one must name a size x86_64 has (`EINVAL`), and then fails with
    /// `ENOMEM` because Loam reserves no huge pages, as Linux does with `vm.nr_hugepages = 0`.
    pub(crate) fn check_huge_pages(self, is_anonymous: bool) -> errno::Result<()> {
        if !self.has(MAP_HUGETLB) {
            return Ok(());
        }
        let size_log = (self.0 >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
        if is_anonymous && HUGE_PAGE_SIZE_LOGS.contains(&size_log) {
            Err(Errno::ENOMEM)
        } else {
            Err(Errno::EINVAL)
        }
    }

    /// The anonymous half of `do_mmap()`'s mapping-type switch.
    pub(crate) fn anonymous_sharing(self) -> errno::Result<Sharing> {
        match self.0 & MAP_TYPE {
            MAP_SHARED if self.is_grows_down() => Err(Errno::EINVAL),
            MAP_SHARED => Ok(Sharing::Shared),
            // Droppable pages may vanish under memory pressure; keeping them is allowed.
            MAP_DROPPABLE if self.has(MAP_LOCKED | MAP_HUGETLB) || self.is_grows_down() => {
                Err(Errno::EINVAL)
            }
            MAP_DROPPABLE | MAP_PRIVATE => Ok(Sharing::Private),
            // Includes MAP_SHARED_VALIDATE: an anonymous mapping has nothing to validate with.
            _ => Err(Errno::EINVAL),
        }
    }

    /// The file half of `do_mmap()`'s mapping-type switch. The checks against the open file
    /// (`EACCES` for its access mode, `ENODEV` without `mmap`) are the caller's.
    pub(crate) fn file_sharing(self) -> errno::Result<Sharing> {
        let sharing = match self.0 & MAP_TYPE {
            // Plain MAP_SHARED silently drops flags it does not know.
            MAP_SHARED => Sharing::Shared,
            MAP_SHARED_VALIDATE if self.0 & !LEGACY_MAP_MASK != 0 => return Err(Errno::EOPNOTSUPP),
            MAP_SHARED_VALIDATE => Sharing::Shared,
            MAP_PRIVATE => Sharing::Private,
            _ => return Err(Errno::EINVAL),
        };
        if self.is_grows_down() {
            return Err(Errno::EINVAL);
        }
        Ok(sharing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_mappings_need_exactly_one_of_shared_and_private() {
        assert_eq!(
            MmapFlags(MAP_PRIVATE).anonymous_sharing(),
            Ok(Sharing::Private)
        );
        assert_eq!(
            MmapFlags(MAP_SHARED).anonymous_sharing(),
            Ok(Sharing::Shared)
        );
        assert_eq!(MmapFlags(0).anonymous_sharing(), Err(Errno::EINVAL));
        assert_eq!(
            MmapFlags(MAP_SHARED | MAP_PRIVATE).anonymous_sharing(),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            MmapFlags(MAP_SHARED | MAP_GROWSDOWN).anonymous_sharing(),
            Err(Errno::EINVAL)
        );
    }

    #[test]
    fn shared_validate_refuses_unknown_flags_on_files_only() {
        // MAP_SYNC needs a DAX file, which Loam does not have.
        let unknown = MAP_SHARED_VALIDATE | linux_raw_sys::general::MAP_SYNC;
        assert_eq!(MmapFlags(unknown).file_sharing(), Err(Errno::EOPNOTSUPP));
        assert_eq!(
            MmapFlags(MAP_SHARED | 0x0040_0000).file_sharing(),
            Ok(Sharing::Shared)
        );
        assert_eq!(
            MmapFlags(MAP_SHARED_VALIDATE | MAP_POPULATE).file_sharing(),
            Ok(Sharing::Shared)
        );
    }

    #[test]
    fn huge_pages_are_refused_with_linuxs_errors() {
        let two_megabytes = MmapFlags(MAP_PRIVATE | MAP_HUGETLB | MAP_HUGE_2MB);
        assert_eq!(two_megabytes.check_huge_pages(true), Err(Errno::ENOMEM));
        assert_eq!(two_megabytes.check_huge_pages(false), Err(Errno::EINVAL));
        let odd_size = MmapFlags(MAP_PRIVATE | MAP_HUGETLB | (12 << MAP_HUGE_SHIFT));
        assert_eq!(odd_size.check_huge_pages(true), Err(Errno::EINVAL));
    }

    #[test]
    fn populate_follows_locked_and_populate_without_nonblock() {
        assert!(MmapFlags(MAP_POPULATE).should_populate());
        assert!(!MmapFlags(MAP_POPULATE | MAP_NONBLOCK).should_populate());
        assert!(MmapFlags(MAP_LOCKED).should_populate());
        assert!(!MmapFlags(MAP_PRIVATE).should_populate());
    }
}
