//! Growing a grows-down area on a fault below it: Linux's `mm/mmap.c: expand_downwards()`.
//!
//! Since Linux 6.5 the fault handler expands any `VM_GROWSDOWN` area whose start lies above the
//! faulting address (`mm/memory.c: lock_mm_and_find_vma()`); there is no longer a check against
//! the stack pointer. The expansion fails when the new start would be below `mmap_min_addr`
//! (`EPERM`), within the guard gap of an accessible area below that does not itself grow down
//! (`ENOMEM`; a `PROT_NONE` area below is a deliberate guard and does not count), or would make
//! the area larger than `RLIMIT_STACK` (`ENOMEM`, `acct_stack_growth()`).

use errno::Errno;

use crate::{
    area::Area,
    linux::{MMAP_MIN_ADDRESS, STACK_GUARD_GAP, page_align_down, pages_in},
    map::MemoryMap,
    range::Range,
};

impl MemoryMap {
    /// Extends the grows-down area just above `address` down to `address`'s page, for the
    /// page-fault handler after [`MemoryMap::check_access`] answered `NotMapped`. Returns the
    /// new pages (demand-zero). `EFAULT` when the next area up does not grow down (or there is
    /// none), so the fault is a plain `SIGSEGV`.
    pub fn grow_stack_to(&mut self, address: u64) -> errno::Result<Range> {
        let index = self.first_ending_after(address);
        let area = *self.areas.get(index).ok_or(Errno::EFAULT)?;
        if !area.is_grows_down() || area.range().start() <= address {
            return Err(Errno::EFAULT);
        }
        let new_start = page_align_down(address);
        if new_start < MMAP_MIN_ADDRESS {
            return Err(Errno::EPERM);
        }
        self.check_stack_guard(new_start, index)?;
        let new_size = area.range().end() - new_start;
        if new_size > self.layout.stack_limit_bytes {
            return Err(Errno::ENOMEM);
        }
        let added = Range::new(new_start, area.range().start()).ok_or(Errno::EFAULT)?;
        let page_offset = area
            .page_offset()
            .checked_sub(pages_in(added.length()))
            .ok_or(Errno::ENOMEM)?;
        let extension = Area::new(added, area.template(), page_offset);
        self.rewrite(added, |_| None, Some(extension))?;
        Ok(added)
    }

    /// `expand_downwards()`'s guard check against the area below the one (at `index`) growing
    /// down to `new_start`.
    fn check_stack_guard(&self, new_start: u64, index: usize) -> errno::Result<()> {
        let Some(below) = index
            .checked_sub(1)
            .and_then(|before| self.areas.get(before))
        else {
            return Ok(());
        };
        let distance = new_start.saturating_sub(below.range().end());
        if !below.is_grows_down()
            && below.protection().is_accessible()
            && distance < STACK_GUARD_GAP
        {
            return Err(Errno::ENOMEM);
        }
        Ok(())
    }
}
