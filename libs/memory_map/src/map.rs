//! The `MemoryMap` itself: the sorted area list, lookups, and the page-fault access check.
//!
//! Areas live in one `Vec`, sorted by address, non-overlapping and maximally merged. A sorted
//! vector keeps lookups a binary search and lets every allocation be fallible
//! (`try_reserve`), which `BTreeMap` cannot offer; an edit moves the tail of the vector, which
//! is cheap for the tens to low thousands of areas real processes have (see `docs/memory.md`).

use alloc::vec::Vec;

use errno::Errno;

use crate::{
    area::Area,
    layout::Layout,
    protection::{Access, Fault},
    range::Range,
};

/// One process's address space: its areas and its program break.
#[derive(Debug, PartialEq, Eq)]
pub struct MemoryMap {
    pub(crate) areas: Vec<Area>,
    pub(crate) layout: Layout,
    pub(crate) program_break_start: u64,
    pub(crate) program_break: u64,
}

impl MemoryMap {
    /// An empty address space with `layout` (bases are clamped into user space and page
    /// aligned). The program break starts at 0 until `execve` calls
    /// [`MemoryMap::set_program_break_start`].
    pub fn new(layout: Layout) -> MemoryMap {
        MemoryMap {
            areas: Vec::new(),
            layout: layout.normalized(),
            program_break_start: 0,
            program_break: 0,
        }
    }

    /// A copy for `fork`, or `ENOMEM` when the copy cannot be allocated.
    pub fn try_clone(&self) -> errno::Result<MemoryMap> {
        Ok(MemoryMap {
            areas: try_copy(&self.areas)?,
            layout: self.layout,
            program_break_start: self.program_break_start,
            program_break: self.program_break,
        })
    }

    /// The layout in use.
    pub const fn layout(&self) -> Layout {
        self.layout
    }

    /// Changes `RLIMIT_STACK` for future stack growth (`setrlimit(2)`).
    pub fn set_stack_limit(&mut self, stack_limit_bytes: u64) {
        self.layout.stack_limit_bytes = stack_limit_bytes;
    }

    /// Every area in address order, as `/proc/self/maps` lists them.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The area containing `address`, if any.
    pub fn find(&self, address: u64) -> Option<&Area> {
        let area = self.areas.get(self.first_ending_after(address))?;
        area.range().contains(address).then_some(area)
    }

    /// Whether an access of `access` kind at `address` is allowed: what the page-fault handler
    /// asks before it maps a demand-zero page. A `NotMapped` fault just below a grows-down area
    /// may still be resolved by [`MemoryMap::grow_stack_to`].
    pub fn check_access(&self, address: u64, access: Access) -> Result<&Area, Fault> {
        let area = self.find(address).ok_or(Fault::NotMapped)?;
        if area.permits(access) {
            Ok(area)
        } else {
            Err(Fault::AccessDenied)
        }
    }

    /// Whether every page of `address..address + length` allows `access`: the check a user
    /// copy makes before touching a buffer. An empty range always passes; a range that wraps
    /// past the top of the address space is `NotMapped`.
    pub fn check_range_access(
        &self,
        address: u64,
        length: u64,
        access: Access,
    ) -> Result<(), Fault> {
        if length == 0 {
            return Ok(());
        }
        let end = address.checked_add(length).ok_or(Fault::NotMapped)?;
        let mut next = address;
        while next < end {
            let area = self.check_access(next, access)?;
            next = area.range().end();
        }
        Ok(())
    }

    /// The index of the first area that ends above `address` (`find_vma()`).
    pub(crate) fn first_ending_after(&self, address: u64) -> usize {
        self.areas
            .partition_point(|area| area.range().end() <= address)
    }

    /// The indices of the areas that share a page with `range`.
    pub(crate) fn overlapping(&self, range: Range) -> core::ops::Range<usize> {
        let first = self.first_ending_after(range.start());
        let end = self
            .areas
            .partition_point(|area| area.range().start() < range.end());
        first..end.max(first)
    }

    /// The first area sharing a page with `range`, if any.
    pub(crate) fn first_overlapping(&self, range: Range) -> Option<&Area> {
        self.areas
            .get(self.first_ending_after(range.start()))
            .filter(|area| area.range().start() < range.end())
    }

    /// Whether every page of `range` belongs to some area.
    pub(crate) fn is_fully_mapped(&self, range: Range) -> bool {
        let mut covered_to = range.start();
        for area in self.areas.get(self.overlapping(range)).unwrap_or_default() {
            if area.range().start() > covered_to {
                return false;
            }
            covered_to = area.range().end();
        }
        covered_to >= range.end()
    }

    /// Runs a multi-step edit all-or-nothing: if `operation` fails, the areas are restored.
    pub(crate) fn transaction<T>(
        &mut self,
        operation: impl FnOnce(&mut MemoryMap) -> errno::Result<T>,
    ) -> errno::Result<T> {
        let saved = try_copy(&self.areas)?;
        let result = operation(self);
        if result.is_err() {
            self.areas = saved;
        }
        result
    }
}

/// An empty vector with room for `capacity` items, or `ENOMEM`.
pub(crate) fn try_with_capacity<T>(capacity: usize) -> errno::Result<Vec<T>> {
    let mut vector = Vec::new();
    vector
        .try_reserve_exact(capacity)
        .map_err(|_| Errno::ENOMEM)?;
    Ok(vector)
}

/// Appends `item`, or fails with `ENOMEM` instead of aborting when memory runs out.
pub(crate) fn try_push<T>(vector: &mut Vec<T>, item: T) -> errno::Result<()> {
    vector.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
    vector.push(item);
    Ok(())
}

/// Appends `range`, extending the last range instead when it ends where `range` starts, so
/// reports list each run of pages once.
pub(crate) fn push_coalesced(ranges: &mut Vec<Range>, range: Range) -> errno::Result<()> {
    if let Some(last) = ranges.last_mut()
        && last.end() == range.start()
        && let Some(joined) = Range::new(last.start(), range.end())
    {
        *last = joined;
        return Ok(());
    }
    try_push(ranges, range)
}

fn try_copy<T: Clone>(items: &[T]) -> errno::Result<Vec<T>> {
    let mut copy = try_with_capacity(items.len())?;
    copy.extend_from_slice(items);
    Ok(copy)
}
