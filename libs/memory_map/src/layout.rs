//! Where a process's mappings go: Linux's `mm->mmap_base` and the limits that shape the search.
//!
//! The kernel picks the layout at `execve` (adding ASLR offsets when it randomizes) and passes
//! it to [`crate::MemoryMap::new`]. [`Layout::linux_default`] is Linux's layout with
//! randomization off (`setarch -R`), which makes addresses reproducible in tests.

use crate::linux::{
    DEFAULT_MAX_AREA_COUNT, DEFAULT_STACK_LIMIT_BYTES, LEGACY_MMAP_BASE, MINIMUM_STACK_GAP,
    PAGE_SIZE, STACK_GUARD_GAP, TASK_SIZE, page_align_down,
};

/// The parameters of one address space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Top of the mmap area: the top-down search for free space starts just below it. Linux
    /// puts it a stack-sized gap below the top of user space (`arch/x86/mm/mmap.c: mmap_base()`).
    pub mmap_base: u64,
    /// Bottom of the bottom-up search used when nothing fits below `mmap_base`
    /// (Linux's `mm->mmap_legacy_base`).
    pub legacy_mmap_base: u64,
    /// `RLIMIT_STACK`: how large a grows-down area may become (`mm/mmap.c: acct_stack_growth()`).
    pub stack_limit_bytes: u64,
    /// `vm.max_map_count`: operations that would leave more areas fail with `ENOMEM`.
    pub max_area_count: usize,
    /// The overcommit heuristic's limit, `totalram_pages() + total_swap_pages`: one `mmap`,
    /// `brk` or `mremap` that adds more charged pages fails with `ENOMEM` (see
    /// `overcommit.rs`). `u64::MAX`, the default, turns the check off.
    pub commit_limit_pages: u64,
}

impl Layout {
    /// Linux's x86_64 layout without randomization, for a stack limit of `stack_limit_bytes`:
    /// `mmap_base = PAGE_ALIGN(TASK_SIZE - gap)`, where the gap is the stack limit plus the guard
    /// gap, clamped to at least 128 MiB and at most 5/6 of user space.
    pub const fn for_stack_limit(stack_limit_bytes: u64) -> Layout {
        let wanted_gap = stack_limit_bytes.saturating_add(STACK_GUARD_GAP);
        let largest_gap = TASK_SIZE / 6 * 5;
        let gap = if wanted_gap < MINIMUM_STACK_GAP {
            MINIMUM_STACK_GAP
        } else if wanted_gap > largest_gap {
            largest_gap
        } else {
            wanted_gap
        };
        Layout {
            mmap_base: (TASK_SIZE - gap).next_multiple_of(PAGE_SIZE),
            legacy_mmap_base: LEGACY_MMAP_BASE,
            stack_limit_bytes,
            max_area_count: DEFAULT_MAX_AREA_COUNT,
            commit_limit_pages: u64::MAX,
        }
    }

    /// Linux's layout for the default 8 MiB stack limit: `mmap_base` = `0x7fff_f7ff_f000`.
    pub const fn linux_default() -> Layout {
        Layout::for_stack_limit(DEFAULT_STACK_LIMIT_BYTES)
    }

    /// The layout with bases page aligned and inside user space, so searches never see a base
    /// above `TASK_SIZE`.
    pub(crate) const fn normalized(self) -> Layout {
        Layout {
            mmap_base: page_align_down(min(self.mmap_base, TASK_SIZE)),
            legacy_mmap_base: page_align_down(min(self.legacy_mmap_base, TASK_SIZE)),
            ..self
        }
    }
}

impl Default for Layout {
    fn default() -> Layout {
        Layout::linux_default()
    }
}

const fn min(first: u64, second: u64) -> u64 {
    if first < second { first } else { second }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_layout_matches_linux_without_randomization() {
        let layout = Layout::linux_default();
        assert_eq!(layout.mmap_base, 0x7fff_f7ff_f000);
        assert_eq!(layout.max_area_count, 65_530);
    }

    #[test]
    fn huge_stack_limits_are_clamped_to_five_sixths() {
        let layout = Layout::for_stack_limit(u64::MAX);
        assert_eq!(layout.mmap_base, 0x1555_5555_6000);
    }

    #[test]
    fn normalizing_keeps_bases_in_user_space() {
        let layout = Layout {
            mmap_base: u64::MAX,
            legacy_mmap_base: 0x1234_5678,
            ..Layout::linux_default()
        }
        .normalized();
        assert_eq!(layout.mmap_base, TASK_SIZE);
        assert_eq!(layout.legacy_mmap_base, 0x1234_5000);
    }
}
