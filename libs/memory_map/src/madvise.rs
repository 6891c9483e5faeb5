//! `madvise(2)`, following `mm/madvise.c`.
//!
//! Linux applies advice area by area. Holes in the range do not stop it: it advises every
//! mapped part and then returns `ENOMEM`. An advice an area cannot take (`MADV_FREE` on a file
//! mapping, say) stops the walk with that error, after the areas before it were advised. The
//! report therefore carries both the work for the kernel and the error to return after doing
//! it. `MADV_POPULATE_*` instead stops at the first hole (`madvise_populate()`).
//!
//! Advice that only tunes Linux's page cache, swap, huge pages, KSM or core dumps is accepted
//! and ignored. Advice that changes what `fork` copies (`MADV_DONTFORK`, `MADV_WIPEONFORK`) is
//! validated but not yet recorded. `MADV_HWPOISON`/`MADV_SOFT_OFFLINE` (testing memory
//! failure) and `MADV_GUARD_*` (Linux 6.13) are refused with `EINVAL`, as by a Linux built
//! without them.

use alloc::vec::Vec;

use errno::Errno;
use linux_raw_sys::general::{
    MADV_COLD, MADV_COLLAPSE, MADV_DODUMP, MADV_DOFORK, MADV_DONTDUMP, MADV_DONTFORK,
    MADV_DONTNEED, MADV_DONTNEED_LOCKED, MADV_FREE, MADV_HUGEPAGE, MADV_KEEPONFORK, MADV_MERGEABLE,
    MADV_NOHUGEPAGE, MADV_NORMAL, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
    MADV_RANDOM, MADV_REMOVE, MADV_SEQUENTIAL, MADV_UNMERGEABLE, MADV_WILLNEED, MADV_WIPEONFORK,
};

use crate::{
    area::{Area, AreaKind},
    linux::{is_page_aligned, page_align_up},
    map::{MemoryMap, push_coalesced},
    protection::Access,
    range::Range,
};

/// What the kernel must do after `madvise`, and what to return afterwards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Advised {
    /// Pages to drop (`MADV_DONTNEED`, `MADV_FREE`, `MADV_REMOVE`): the kernel unmaps and frees
    /// them; private memory reads as zero afterwards, shared memory is re-read from its object.
    pub discard: Vec<Range>,
    /// Pages to fault in now (`MADV_POPULATE_READ`/`WRITE`).
    pub populate: Vec<Range>,
    /// The error to return after doing the work above, if any.
    pub error: Option<Errno>,
}

impl Advised {
    /// What the system call returns once the kernel has discarded and populated.
    pub fn result(&self) -> errno::Result<()> {
        self.error.map_or(Ok(()), Err)
    }
}

/// The advice values Linux accepts, grouped by what they do here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Advice {
    /// Hints Loam has no use for.
    Ignored,
    /// `MADV_DONTNEED`, `MADV_DONTNEED_LOCKED`.
    DontNeed,
    /// `MADV_FREE`: only for anonymous memory.
    Free,
    /// `MADV_REMOVE`: punch a hole in a shared object.
    Remove,
    /// `MADV_WIPEONFORK`: only for private anonymous memory.
    WipeOnFork,
    /// `MADV_POPULATE_READ` / `MADV_POPULATE_WRITE`.
    Populate(Access),
}

impl Advice {
    /// `madvise_behavior_valid()`.
    const fn decode(advice: u32) -> errno::Result<Advice> {
        Ok(match advice {
            MADV_NORMAL | MADV_RANDOM | MADV_SEQUENTIAL | MADV_WILLNEED | MADV_DONTFORK
            | MADV_DOFORK | MADV_MERGEABLE | MADV_UNMERGEABLE | MADV_HUGEPAGE | MADV_NOHUGEPAGE
            | MADV_COLLAPSE | MADV_DONTDUMP | MADV_DODUMP | MADV_KEEPONFORK | MADV_COLD
            | MADV_PAGEOUT => Advice::Ignored,
            MADV_DONTNEED | MADV_DONTNEED_LOCKED => Advice::DontNeed,
            MADV_FREE => Advice::Free,
            MADV_REMOVE => Advice::Remove,
            MADV_WIPEONFORK => Advice::WipeOnFork,
            MADV_POPULATE_READ => Advice::Populate(Access::Read),
            MADV_POPULATE_WRITE => Advice::Populate(Access::Write),
            _ => return Err(Errno::EINVAL),
        })
    }
}

impl MemoryMap {
    /// `madvise(address, length, advice)`. Argument errors (unknown advice, unaligned address,
    /// a range wrapping around) are `Err(EINVAL)`; everything else is in the report, whose
    /// [`Advised::result`] the system call returns after the kernel has acted on it.
    pub fn madvise(&self, address: u64, length: u64, advice: u32) -> errno::Result<Advised> {
        let advice = Advice::decode(advice)?;
        if !is_page_aligned(address) {
            return Err(Errno::EINVAL);
        }
        let length = page_align_up(length).ok_or(Errno::EINVAL)?;
        let end = address.checked_add(length).ok_or(Errno::EINVAL)?;
        let mut report = Advised::default();
        if let Some(range) = Range::new(address, end) {
            report.error = self.advise_areas(range, advice, &mut report).err();
        }
        Ok(report)
    }

    /// Walks the areas in `range`, recording work in `report`; the error is the one to return.
    fn advise_areas(
        &self,
        range: Range,
        advice: Advice,
        report: &mut Advised,
    ) -> errno::Result<()> {
        let stops_at_holes = matches!(advice, Advice::Populate(_));
        let mut has_hole = false;
        let mut covered_to = range.start();
        for area in self.areas.get(self.overlapping(range)).unwrap_or_default() {
            if area.range().start() > covered_to {
                if stops_at_holes {
                    return Err(Errno::ENOMEM);
                }
                has_hole = true;
            }
            let Some(part) = area.range().intersection(&range) else {
                continue;
            };
            advise_area(area, part, advice, report)?;
            covered_to = part.end();
        }
        if has_hole || covered_to < range.end() {
            return Err(Errno::ENOMEM);
        }
        Ok(())
    }
}

/// Applies `advice` to `part` of `area`, or fails as Linux does for that kind of area.
fn advise_area(
    area: &Area,
    part: Range,
    advice: Advice,
    report: &mut Advised,
) -> errno::Result<()> {
    let is_file = matches!(area.kind(), AreaKind::File(_));
    match advice {
        Advice::Ignored => Ok(()),
        Advice::DontNeed => push_coalesced(&mut report.discard, part),
        // madvise_free_single_vma(): "if (!vma_is_anonymous(vma)) return -EINVAL".
        Advice::Free if is_file => Err(Errno::EINVAL),
        Advice::Free => push_coalesced(&mut report.discard, part),
        // madvise_remove(): needs a file (shared anonymous memory is a shmem file) that the
        // mapping may write to.
        Advice::Remove if area.is_shared() => push_coalesced(&mut report.discard, part),
        Advice::Remove if is_file => Err(Errno::EACCES),
        Advice::Remove => Err(Errno::EINVAL),
        Advice::WipeOnFork if is_file || area.is_shared() => Err(Errno::EINVAL),
        Advice::WipeOnFork => Ok(()),
        // mm/gup.c: check_vma_flags() wants VM_READ or VM_WRITE themselves; madvise_populate()
        // reports the mismatch as EINVAL.
        Advice::Populate(Access::Write) if !area.protection().is_writable => Err(Errno::EINVAL),
        Advice::Populate(Access::Read) if !area.protection().is_readable => Err(Errno::EINVAL),
        Advice::Populate(_) => push_coalesced(&mut report.populate, part),
    }
}
