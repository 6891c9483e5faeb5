//! One memory area (Linux's `vm_area_struct`): a page range with one protection and one kind.
//!
//! Areas also carry Linux's `vm_pgoff`, here [`Area::page_offset`]: for a file mapping the file
//! page mapped at the area's start, for anonymous memory the virtual page number the memory had
//! when it was created. It moves with the memory on `mremap` and decides, as in Linux's
//! `mm/vma.c: can_vma_merge_after()`, whether two neighbouring areas may merge: after a move,
//! anonymous memory does not merge with areas that were never part of it.

use crate::{
    linux::pages_in,
    protection::{Access, Protection},
    range::Range,
};

/// An opaque name for the file behind a file mapping, chosen by the kernel (for example an
/// inode number). Areas of different files never merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(pub u64);

/// What an area holds, as `/proc/self/maps` labels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AreaKind {
    /// `mmap(MAP_ANONYMOUS)` memory: zero-filled on first touch.
    Anonymous,
    /// A file mapping made with `mmap` (pages come from the file; bookkeeping only for now).
    File(FileId),
    /// An ELF segment placed by `execve`. Loam copies the file's bytes into anonymous memory.
    ProgramImage,
    /// The program break's memory, grown and shrunk by `brk`.
    Heap,
    /// The main thread's stack, placed by `execve`; it grows down on faults.
    Stack,
}

/// A mapped range of user pages with uniform protection and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Area {
    range: Range,
    protection: Protection,
    kind: AreaKind,
    is_shared: bool,
    is_grows_down: bool,
    page_offset: u64,
}

/// The attributes of a new area, before it has a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AreaTemplate {
    pub protection: Protection,
    pub kind: AreaKind,
    pub is_shared: bool,
    pub is_grows_down: bool,
}

impl Area {
    /// An area at `range` whose first page has Linux's `vm_pgoff` `page_offset`.
    pub(crate) const fn new(range: Range, template: AreaTemplate, page_offset: u64) -> Area {
        Area {
            range,
            protection: template.protection,
            kind: template.kind,
            is_shared: template.is_shared,
            is_grows_down: template.is_grows_down,
            page_offset,
        }
    }

    /// The pages the area covers.
    pub const fn range(&self) -> Range {
        self.range
    }

    /// What the pages allow.
    pub const fn protection(&self) -> Protection {
        self.protection
    }

    /// What the area holds.
    pub const fn kind(&self) -> AreaKind {
        self.kind
    }

    /// Whether writes are visible to other mappings of the same memory (`MAP_SHARED`), and so
    /// must survive `fork` shared rather than copy-on-write.
    pub const fn is_shared(&self) -> bool {
        self.is_shared
    }

    /// Whether the area grows down on faults below it (`VM_GROWSDOWN`: the stack, and
    /// `MAP_GROWSDOWN` mappings).
    pub const fn is_grows_down(&self) -> bool {
        self.is_grows_down
    }

    /// Linux's `vm_pgoff` for the first page (see the module comment).
    pub const fn page_offset(&self) -> u64 {
        self.page_offset
    }

    /// Whether an access of this kind is allowed.
    pub const fn permits(&self, access: Access) -> bool {
        self.protection.permits(access)
    }

    /// The attributes without the place.
    pub(crate) const fn template(&self) -> AreaTemplate {
        AreaTemplate {
            protection: self.protection,
            kind: self.kind,
            is_shared: self.is_shared,
            is_grows_down: self.is_grows_down,
        }
    }

    /// The same memory, restricted to `part` (which must lie inside the area).
    pub(crate) fn clipped(&self, part: Range) -> Area {
        debug_assert!(self.range.covers(&part));
        let skipped_pages = pages_in(part.start().saturating_sub(self.range.start()));
        Area {
            range: part,
            page_offset: self.page_offset.wrapping_add(skipped_pages),
            ..*self
        }
    }

    /// The same pages with another protection.
    pub(crate) const fn with_protection(&self, protection: Protection) -> Area {
        Area {
            protection,
            ..*self
        }
    }

    /// The page offset the memory directly above this area would need to merge with it.
    pub(crate) const fn next_page_offset(&self) -> u64 {
        self.page_offset.wrapping_add(self.range.page_count())
    }

    /// Whether `next`, which starts where `self` ends, can become part of `self`: Linux merges
    /// areas with equal flags, the same backing object and contiguous page offsets
    /// (`mm/vma.c: is_mergeable_vma()`, `can_vma_merge_after()`). Every shared anonymous mapping
    /// is its own object (`mm/shmem.c: shmem_zero_setup()`), so those never merge.
    pub(crate) fn can_absorb(&self, next: &Area) -> bool {
        let is_private_object = !self.is_shared || matches!(self.kind, AreaKind::File(_));
        self.range.end() == next.range.start()
            && self.template() == next.template()
            && is_private_object
            && self.next_page_offset() == next.page_offset
    }

    /// Extends `self` over `next`, which [`Area::can_absorb`] accepted.
    pub(crate) fn absorb(&mut self, next: &Area) {
        if let Some(range) = Range::new(self.range.start(), next.range.end()) {
            self.range = range;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::PAGE_SIZE;

    fn anonymous(start: u64, end: u64) -> Area {
        let template = AreaTemplate {
            protection: Protection::READ_WRITE,
            kind: AreaKind::Anonymous,
            is_shared: false,
            is_grows_down: false,
        };
        Area::new(Range::new(start, end).unwrap(), template, start / PAGE_SIZE)
    }

    #[test]
    fn clipping_advances_the_page_offset() {
        let area = anonymous(0x10000, 0x20000);
        let part = area.clipped(Range::new(0x13000, 0x15000).unwrap());
        assert_eq!(part.page_offset(), 0x13);
        assert_eq!(part.range(), Range::new(0x13000, 0x15000).unwrap());
    }

    #[test]
    fn neighbours_merge_only_with_contiguous_offsets_and_equal_attributes() {
        let lower = anonymous(0x10000, 0x12000);
        let upper = anonymous(0x12000, 0x14000);
        assert!(lower.can_absorb(&upper));
        let moved = Area::new(upper.range(), upper.template(), 0x99);
        assert!(!lower.can_absorb(&moved));
        assert!(!lower.can_absorb(&upper.with_protection(Protection::READ)));
        let mut merged = lower;
        merged.absorb(&upper);
        assert_eq!(merged.range(), Range::new(0x10000, 0x14000).unwrap());
    }

    #[test]
    fn shared_anonymous_areas_never_merge() {
        let template = AreaTemplate {
            is_shared: true,
            ..anonymous(0x10000, 0x11000).template()
        };
        let lower = Area::new(Range::new(0x10000, 0x11000).unwrap(), template, 0);
        let upper = Area::new(Range::new(0x11000, 0x12000).unwrap(), template, 1);
        assert!(!lower.can_absorb(&upper));
    }
}
