//! The one primitive every mutation uses: rewrite the areas inside a window, then re-merge.
//!
//! Areas that straddle the window's edges are split (Linux's `split_vma()`); each part inside
//! the window is replaced by whatever the caller's transform returns (nothing, to unmap it);
//! an optional new area is inserted; finally the result and its two outer neighbours are merged
//! where Linux would merge them. The whole change is built in a scratch vector and spliced in
//! at the end, so it either happens completely or fails with `ENOMEM` and changes nothing.

use alloc::vec::Vec;

use errno::Errno;

use crate::{
    area::Area,
    map::{MemoryMap, try_push, try_with_capacity},
    range::Range,
};

impl MemoryMap {
    /// Replaces the parts of areas inside `window` with `transform(part)` and inserts `added`
    /// (which must lie inside `window`, clear of whatever `transform` keeps). Returns the
    /// original parts that were inside the window, in address order.
    ///
    /// Fails with `ENOMEM`, changing nothing, when memory runs out or the result would have
    /// more than `max_area_count` areas (Linux's `vm.max_map_count` checks in
    /// `mm/vma.c: split_vma()` and `mm/mmap.c: do_mmap()`).
    pub(crate) fn rewrite(
        &mut self,
        window: Range,
        transform: impl Fn(&Area) -> Option<Area>,
        added: Option<Area>,
    ) -> errno::Result<Vec<Area>> {
        let overlapping = self.overlapping(window);
        if overlapping.is_empty() && added.is_none() {
            return Ok(Vec::new());
        }
        // Take in one neighbour on each side: they may merge with what the window now holds.
        let spliced =
            overlapping.start.saturating_sub(1)..(overlapping.end + 1).min(self.areas.len());
        let originals = self.areas.get(spliced.clone()).unwrap_or_default();
        let mut inside = try_with_capacity(overlapping.len())?;
        let mut replacement = try_with_capacity(originals.len() + 3)?;
        for area in originals {
            rebuild_one(area, window, &transform, &mut inside, &mut replacement)?;
        }
        if let Some(area) = added {
            try_push(&mut replacement, area)?;
        }
        replacement.sort_unstable_by_key(|area| area.range().start());
        merge_neighbours(&mut replacement);
        self.splice(spliced, replacement)?;
        Ok(inside)
    }

    /// Puts `replacement` where `spliced` was, after checking the area limit and reserving
    /// room, so the splice itself cannot fail.
    fn splice(
        &mut self,
        spliced: core::ops::Range<usize>,
        replacement: Vec<Area>,
    ) -> errno::Result<()> {
        let new_count = (self.areas.len() - spliced.len())
            .checked_add(replacement.len())
            .ok_or(Errno::ENOMEM)?;
        if new_count > self.layout.max_area_count {
            return Err(Errno::ENOMEM);
        }
        let growth = replacement.len().saturating_sub(spliced.len());
        self.areas.try_reserve(growth).map_err(|_| Errno::ENOMEM)?;
        // `IntoIter` reports its exact length, so with the room reserved `splice` does not
        // allocate.
        self.areas.splice(spliced, replacement);
        Ok(())
    }
}

/// Adds what remains of `area` after the rewrite to `replacement`, and its part inside the
/// window (if any) to `inside`.
fn rebuild_one(
    area: &Area,
    window: Range,
    transform: &impl Fn(&Area) -> Option<Area>,
    inside: &mut Vec<Area>,
    replacement: &mut Vec<Area>,
) -> errno::Result<()> {
    let Some(part) = area.range().intersection(&window) else {
        return try_push(replacement, *area);
    };
    if let Some(below) = Range::new(area.range().start(), part.start()) {
        try_push(replacement, area.clipped(below))?;
    }
    let original_part = area.clipped(part);
    try_push(inside, original_part)?;
    if let Some(new_part) = transform(&original_part) {
        try_push(replacement, new_part)?;
    }
    if let Some(above) = Range::new(part.end(), area.range().end()) {
        try_push(replacement, area.clipped(above))?;
    }
    Ok(())
}

/// Merges each area with its successor wherever Linux would (`Area::can_absorb`), in place.
fn merge_neighbours(areas: &mut Vec<Area>) {
    areas.dedup_by(|next, previous| {
        if previous.can_absorb(next) {
            previous.absorb(next);
            true
        } else {
            false
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        area::{AreaKind, AreaTemplate},
        layout::Layout,
        linux::PAGE_SIZE,
        protection::Protection,
    };

    fn template(protection: Protection) -> AreaTemplate {
        AreaTemplate {
            protection,
            kind: AreaKind::Anonymous,
            is_shared: false,
            is_grows_down: false,
        }
    }

    fn area(start: u64, end: u64, protection: Protection) -> Area {
        Area::new(
            Range::new(start, end).unwrap(),
            template(protection),
            start / PAGE_SIZE,
        )
    }

    #[test]
    fn inserting_next_to_a_compatible_area_merges() {
        let mut map = MemoryMap::new(Layout::linux_default());
        let first = area(0x10000, 0x12000, Protection::READ_WRITE);
        let second = area(0x12000, 0x13000, Protection::READ_WRITE);
        map.rewrite(first.range(), |_| None, Some(first)).unwrap();
        map.rewrite(second.range(), |_| None, Some(second)).unwrap();
        assert_eq!(map.areas().len(), 1);
        assert_eq!(
            map.areas()[0].range(),
            Range::new(0x10000, 0x13000).unwrap()
        );
    }

    #[test]
    fn changing_the_middle_splits_in_three_and_changing_it_back_merges() {
        let mut map = MemoryMap::new(Layout::linux_default());
        let whole = area(0x10000, 0x20000, Protection::READ_WRITE);
        map.rewrite(whole.range(), |_| None, Some(whole)).unwrap();
        let middle = Range::new(0x14000, 0x16000).unwrap();
        let inside = map
            .rewrite(
                middle,
                |part| Some(part.with_protection(Protection::READ)),
                None,
            )
            .unwrap();
        assert_eq!(inside.len(), 1);
        assert_eq!(map.areas().len(), 3);
        map.rewrite(
            middle,
            |part| Some(part.with_protection(Protection::READ_WRITE)),
            None,
        )
        .unwrap();
        assert_eq!(map.areas(), [whole]);
    }

    #[test]
    fn exceeding_the_area_limit_changes_nothing() {
        let mut map = MemoryMap::new(Layout {
            max_area_count: 1,
            ..Layout::linux_default()
        });
        let whole = area(0x10000, 0x20000, Protection::READ_WRITE);
        map.rewrite(whole.range(), |_| None, Some(whole)).unwrap();
        let middle = Range::new(0x14000, 0x16000).unwrap();
        assert_eq!(map.rewrite(middle, |_| None, None), Err(Errno::ENOMEM));
        assert_eq!(map.areas(), [whole]);
    }
}
