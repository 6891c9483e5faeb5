//! Page-aligned, non-empty, half-open address ranges.
//!
//! Every range the crate stores or reports is a `Range`: areas, pages to unmap, pages to
//! re-protect. Its constructor checks alignment and order, so code that receives one can
//! iterate its pages without re-validating.

use core::fmt;

use crate::linux::{PAGE_SIZE, is_page_aligned, pages_in};

/// The addresses `start..end`, both page aligned, `start < end`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Range {
    start: u64,
    end: u64,
}

impl Range {
    /// `start..end`, or `None` unless both are page aligned and `start < end`.
    pub const fn new(start: u64, end: u64) -> Option<Range> {
        if is_page_aligned(start) && is_page_aligned(end) && start < end {
            Some(Range { start, end })
        } else {
            None
        }
    }

    /// `start..start + length`, or `None` when unaligned, empty or past `u64::MAX`.
    pub const fn from_start_length(start: u64, length: u64) -> Option<Range> {
        match start.checked_add(length) {
            Some(end) => Range::new(start, end),
            None => None,
        }
    }

    /// The first address.
    pub const fn start(&self) -> u64 {
        self.start
    }

    /// One past the last address.
    pub const fn end(&self) -> u64 {
        self.end
    }

    /// The length in bytes (a multiple of the page size, never 0).
    pub const fn length(&self) -> u64 {
        self.end - self.start
    }

    /// The number of pages.
    pub const fn page_count(&self) -> u64 {
        pages_in(self.length())
    }

    /// Whether `address` lies inside.
    pub const fn contains(&self, address: u64) -> bool {
        self.start <= address && address < self.end
    }

    /// Whether the two ranges share at least one page.
    pub const fn overlaps(&self, other: &Range) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies entirely inside `self`.
    pub const fn covers(&self, other: &Range) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The pages both ranges share, if any.
    pub fn intersection(&self, other: &Range) -> Option<Range> {
        Range::new(self.start.max(other.start), self.end.min(other.end))
    }

    /// The first address of each page, in order.
    pub fn pages(&self) -> impl Iterator<Item = u64> + use<> {
        (self.start..self.end).step_by(PAGE_SIZE as usize)
    }
}

impl fmt::Debug for Range {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:#x}..{:#x}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_refuses_unaligned_empty_and_reversed_ranges() {
        assert!(Range::new(0x1000, 0x2000).is_some());
        assert!(Range::new(0x1001, 0x2000).is_none());
        assert!(Range::new(0x1000, 0x2001).is_none());
        assert!(Range::new(0x2000, 0x2000).is_none());
        assert!(Range::new(0x3000, 0x2000).is_none());
    }

    #[test]
    fn from_start_length_refuses_overflow() {
        assert!(Range::from_start_length(u64::MAX - 0xfff, 0x1000).is_none());
        assert_eq!(
            Range::from_start_length(0x1000, 0x3000),
            Range::new(0x1000, 0x4000)
        );
    }

    #[test]
    fn intersection_and_overlap_agree() {
        let first = Range::new(0x1000, 0x4000).unwrap();
        let second = Range::new(0x3000, 0x6000).unwrap();
        let apart = Range::new(0x4000, 0x5000).unwrap();
        assert!(first.overlaps(&second));
        assert_eq!(first.intersection(&second), Range::new(0x3000, 0x4000));
        assert!(!first.overlaps(&apart));
        assert_eq!(first.intersection(&apart), None);
    }

    #[test]
    fn pages_lists_every_page_start() {
        let range = Range::new(0x1000, 0x4000).unwrap();
        assert_eq!(range.pages().collect::<Vec<_>>(), [0x1000, 0x2000, 0x3000]);
        assert_eq!(range.page_count(), 3);
    }
}
