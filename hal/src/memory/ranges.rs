//! Arithmetic on half-open ranges of physical addresses.

use core::ops::Range;

/// Calls `visit` with each non-empty piece of `range` that overlaps none of `reserved`.
pub fn subtract(range: Range<u64>, reserved: &[Range<u64>], visit: &mut dyn FnMut(Range<u64>)) {
    let Some((first, rest)) = reserved.split_first() else {
        if range.start < range.end {
            visit(range);
        }
        return;
    };
    if first.end <= range.start || first.start >= range.end {
        subtract(range, rest, visit);
        return;
    }
    if range.start < first.start {
        subtract(range.start..first.start, rest, visit);
    }
    if first.end < range.end {
        subtract(first.end..range.end, rest, visit);
    }
}
