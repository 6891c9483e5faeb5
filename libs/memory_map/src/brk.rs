//! The program break: `brk(2)`, following `mm/mmap.c: SYSCALL_DEFINE1(brk)`.
//!
//! The raw system call never fails: it returns the new break on success and the old one on
//! failure (glibc turns the latter into `ENOMEM`). The break itself is byte-granular; the heap
//! area covers `start..PAGE_ALIGN(break)`.
//!
//! - A request below the start of the heap (including `brk(0)`) changes nothing.
//! - Moving within the same page only records the new break.
//! - Shrinking unmaps `PAGE_ALIGN(new)..PAGE_ALIGN(old)` (whatever areas are there), but fails
//!   if that range holds no area at all.
//! - Growing fails unless the new top ends by `TASK_SIZE` and at least one free page is left
//!   below the next area, or below its guard gap if it grows down.

use alloc::vec::Vec;

use errno::Errno;

use crate::{
    area::{Area, AreaKind, AreaTemplate},
    linux::{
        MMAP_MIN_ADDRESS, PAGE_SIZE, STACK_GUARD_GAP, TASK_SIZE, is_page_aligned, page_align_up,
        pages_in,
    },
    map::MemoryMap,
    protection::Protection,
    range::Range,
    search::start_gap,
};

/// The outcome of a `brk` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakChange {
    /// What the system call returns: the new break, or the unchanged one on failure.
    pub program_break: u64,
    /// Heap pages given back: the kernel unmaps and frees them.
    pub unmapped: Vec<Range>,
    /// New heap pages: demand-zero, so the kernel need do nothing until they fault.
    pub mapped: Option<Range>,
}

impl MemoryMap {
    /// The current program break.
    pub const fn program_break(&self) -> u64 {
        self.program_break
    }

    /// Where the heap starts (`mm->start_brk`).
    pub const fn program_break_start(&self) -> u64 {
        self.program_break_start
    }

    /// Sets the start of the heap, and the break, for a new program: `execve` passes the page
    /// aligned end of the highest ELF segment, plus its random offset under ASLR
    /// (`fs/binfmt_elf.c`). `EINVAL` for an unaligned start or one outside user space.
    pub fn set_program_break_start(&mut self, start: u64) -> errno::Result<()> {
        if !is_page_aligned(start) || start > TASK_SIZE {
            return Err(Errno::EINVAL);
        }
        self.program_break_start = start;
        self.program_break = start;
        Ok(())
    }

    /// `brk(requested)`: see the module comment for the rules.
    pub fn brk(&mut self, requested: u64) -> BreakChange {
        let unchanged = BreakChange {
            program_break: self.program_break,
            unmapped: Vec::new(),
            mapped: None,
        };
        if requested < self.program_break_start {
            return unchanged;
        }
        let (Some(new_top), Some(old_top)) =
            (page_align_up(requested), page_align_up(self.program_break))
        else {
            return unchanged;
        };
        let change = if new_top == old_top {
            Ok((Vec::new(), None))
        } else if requested <= self.program_break {
            self.shrink_heap(new_top, old_top)
                .map(|unmapped| (unmapped, None))
        } else {
            self.grow_heap(old_top, new_top)
                .map(|mapped| (Vec::new(), Some(mapped)))
        };
        match change {
            Ok((unmapped, mapped)) => {
                self.program_break = requested;
                BreakChange {
                    program_break: requested,
                    unmapped,
                    mapped,
                }
            }
            Err(_) => unchanged,
        }
    }

    fn shrink_heap(&mut self, new_top: u64, old_top: u64) -> errno::Result<Vec<Range>> {
        let freed = Range::new(new_top, old_top).ok_or(Errno::EINVAL)?;
        // Linux refuses when nothing at all is mapped there ("mapping intersects with an
        // existing non-brk vma" in the source is about this lookup failing).
        if self.first_overlapping(freed).is_none() {
            return Err(Errno::ENOMEM);
        }
        self.remove(freed)
    }

    fn grow_heap(&mut self, old_top: u64, new_top: u64) -> errno::Result<Range> {
        let added = Range::new(old_top, new_top).ok_or(Errno::ENOMEM)?;
        // check_brk_limits(): the same checks as a MAP_FIXED mapping of the new pages.
        if added.end() > TASK_SIZE || added.start() < MMAP_MIN_ADDRESS {
            return Err(Errno::ENOMEM);
        }
        // One page must stay free above the new top, and the guard gap below a stack.
        let needed_end = new_top.checked_add(PAGE_SIZE).ok_or(Errno::ENOMEM)?;
        let search_end = needed_end.saturating_add(STACK_GUARD_GAP);
        if let Some(next) = self.areas.get(self.first_ending_after(old_top))
            && next.range().start() < search_end
            && needed_end > start_gap(next)
        {
            return Err(Errno::ENOMEM);
        }
        // do_brk_flags(): the new heap pages are charged against the commit limit.
        self.check_commit(added.length())?;
        let template = AreaTemplate {
            protection: Protection::READ_WRITE,
            kind: AreaKind::Heap,
            is_shared: false,
            is_grows_down: false,
        };
        self.rewrite(
            added,
            |_| None,
            Some(Area::new(added, template, pages_in(old_top))),
        )?;
        Ok(added)
    }
}
