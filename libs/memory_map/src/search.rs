//! Finding free address space: Linux's `get_unmapped_area()` for x86_64.
//!
//! The order follows `arch/x86/kernel/sys_x86_64.c: arch_get_unmapped_area_topdown()`:
//! `MAP_FIXED` takes the address as given (after the range checks in `mm/mmap.c:
//! __get_unmapped_area()`); a hint is used if the pages there are free; otherwise the highest
//! free gap below `mmap_base` is taken (`mm/vma.c: unmapped_area_topdown()`); if nothing fits,
//! Linux falls back to a bottom-up search from the legacy base, "since a failed mmap() very
//! likely causes application failure". `MAP_32BIT` goes straight to a bottom-up search of
//! `[1 GiB, 2 GiB)`. A free gap ends where the next area's guard gap begins (`vm_start_gap()`).
//!
//! Linux also aligns anonymous mappings that are a multiple of 2 MiB to 2 MiB for transparent
//! huge pages; Loam has no huge pages and does not.

use errno::Errno;

use crate::{
    area::Area,
    linux::{
        ABOVE_4G_FLOOR, MAP_32BIT_WINDOW_END, MAP_32BIT_WINDOW_START, MMAP_MIN_ADDRESS, PAGE_SIZE,
        STACK_GUARD_GAP, TASK_SIZE,
    },
    map::MemoryMap,
    range::Range,
};

/// Which part of the address space a search may use (`MAP_32BIT`, `MAP_ABOVE4G`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SearchWindow {
    /// Anywhere: top-down from `mmap_base`, then bottom-up.
    Anywhere,
    /// `MAP_32BIT`: bottom-up inside `[1 GiB, 2 GiB)`.
    Low2Gigabytes,
    /// `MAP_ABOVE4G`: as `Anywhere`, but the searches start at 4 GiB (a hint may be lower).
    Above4Gigabytes,
}

/// Where a free gap starts: one page above the previous area, if any.
fn gap_floor(previous: Option<&Area>) -> u64 {
    previous.map_or(0, |area| area.range().end())
}

/// Where a free gap ends: at the next area, or a guard gap below it if it grows down
/// (`vm_start_gap()`, which clamps to 0 instead of wrapping).
pub(crate) fn start_gap(next: &Area) -> u64 {
    if next.is_grows_down() {
        next.range().start().saturating_sub(STACK_GUARD_GAP)
    } else {
        next.range().start()
    }
}

impl MemoryMap {
    /// Linux's `get_unmapped_area()` without `MAP_FIXED`: a free, page-aligned start for
    /// `length` bytes, preferring `hint` (already rounded by the caller). `ENOMEM` when nothing
    /// fits; `EPERM` for a hint below `mmap_min_addr` that callers did not round
    /// (`security_mmap_addr()` in `__get_unmapped_area()`).
    pub(crate) fn find_free(
        &self,
        hint: u64,
        length: u64,
        window: SearchWindow,
    ) -> errno::Result<u64> {
        if length > TASK_SIZE {
            return Err(Errno::ENOMEM);
        }
        let address = match window {
            SearchWindow::Low2Gigabytes => self.bottom_up_with_hint(hint, length, window),
            SearchWindow::Anywhere | SearchWindow::Above4Gigabytes => self
                .hint_if_free(hint, length, TASK_SIZE)
                .or_else(|| self.top_down(length, window))
                .or_else(|| self.bottom_up_with_hint(hint, length, window)),
        }
        .ok_or(Errno::ENOMEM)?;
        if address < MMAP_MIN_ADDRESS {
            return Err(Errno::EPERM);
        }
        Ok(address)
    }

    /// `hint` itself, if `hint..hint + length` ends by `limit` and stays clear of the next area
    /// and its guard gap. A zero hint means "no hint".
    fn hint_if_free(&self, hint: u64, length: u64, limit: u64) -> Option<u64> {
        let end = hint.checked_add(length)?;
        if hint == 0 || end > limit {
            return None;
        }
        match self.areas.get(self.first_ending_after(hint)) {
            Some(next) if end > start_gap(next) => None,
            _ => Some(hint),
        }
    }

    /// The highest free start for `length` bytes below `mmap_base`.
    fn top_down(&self, length: u64, window: SearchWindow) -> Option<u64> {
        let floor = match window {
            SearchWindow::Above4Gigabytes => ABOVE_4G_FLOOR,
            _ => PAGE_SIZE.max(MMAP_MIN_ADDRESS),
        };
        let ceiling = self.layout.mmap_base;
        for index in (0..=self.areas.len()).rev() {
            let previous = index
                .checked_sub(1)
                .and_then(|before| self.areas.get(before));
            let gap_end = self
                .areas
                .get(index)
                .map_or(u64::MAX, start_gap)
                .min(ceiling);
            let gap_start = gap_floor(previous).max(floor);
            if let Some(start) = gap_end.checked_sub(length)
                && start >= gap_start
            {
                return Some(start);
            }
            if gap_floor(previous) <= floor {
                break;
            }
        }
        None
    }

    /// Linux's `arch_get_unmapped_area()`: the hint if free, else the lowest free start in the
    /// bottom-up window.
    fn bottom_up_with_hint(&self, hint: u64, length: u64, window: SearchWindow) -> Option<u64> {
        let (floor, ceiling) = match window {
            SearchWindow::Low2Gigabytes => (MAP_32BIT_WINDOW_START, MAP_32BIT_WINDOW_END),
            SearchWindow::Anywhere => (self.layout.legacy_mmap_base, TASK_SIZE),
            SearchWindow::Above4Gigabytes => {
                (self.layout.legacy_mmap_base.max(ABOVE_4G_FLOOR), TASK_SIZE)
            }
        };
        if length > ceiling {
            return None;
        }
        self.hint_if_free(hint, length, ceiling)
            .or_else(|| self.bottom_up(length, floor, ceiling))
    }

    /// The lowest free start for `length` bytes in `floor..ceiling`.
    fn bottom_up(&self, length: u64, floor: u64, ceiling: u64) -> Option<u64> {
        let first = self.first_ending_after(floor);
        for index in first..=self.areas.len() {
            let previous = index
                .checked_sub(1)
                .and_then(|before| self.areas.get(before));
            let gap_start = gap_floor(previous).max(floor);
            let gap_end = self
                .areas
                .get(index)
                .map_or(u64::MAX, start_gap)
                .min(ceiling);
            if gap_start >= ceiling {
                break;
            }
            if gap_end
                .checked_sub(gap_start)
                .is_some_and(|room| room >= length)
            {
                return Some(gap_start);
            }
        }
        None
    }

    /// Linux's checks of a `MAP_FIXED` address (`__get_unmapped_area()` then
    /// `security_mmap_addr()`): past `TASK_SIZE` is `ENOMEM`, unaligned `EINVAL`, below
    /// `mmap_min_addr` `EPERM`, in that order.
    pub(crate) fn check_fixed(address: u64, length: u64) -> errno::Result<Range> {
        let limit = TASK_SIZE.checked_sub(length).ok_or(Errno::ENOMEM)?;
        if address > limit {
            return Err(Errno::ENOMEM);
        }
        let range = Range::from_start_length(address, length).ok_or(Errno::EINVAL)?;
        if address < MMAP_MIN_ADDRESS {
            return Err(Errno::EPERM);
        }
        Ok(range)
    }
}
