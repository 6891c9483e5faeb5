//! One process's memory: its areas (`memory_map::MemoryMap`) and its page tables.
//!
//! The [`MemoryMap`] is the single record of what may be mapped where; the page tables hold
//! only the pages touched so far (demand-zero paging). Every change to the areas goes through
//! the map first, and its report says exactly which pages to free, re-protect or move (see
//! `docs/memory.md`). The kernel reaches user memory only through the checked copies in
//! `user_access.rs`.

use errno::{Errno, Result};
use hal::{
    memory::{PAGE_SIZE, owned_frame::OwnedFrame},
    user::{self, AddressSpace},
};
use memory_map::{Access, AreaKind, Fault, Layout, MemoryMap, Protection, Range};

use super::pages;

/// A process's address space and its areas.
pub struct ProcessMemory {
    pub(super) space: AddressSpace,
    pub(super) map: MemoryMap,
}

/// A user access the process may not make: the kernel turns it into `SIGSEGV` or `EFAULT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadAccess;

impl ProcessMemory {
    /// An empty address space with Linux's default layout (no randomization yet) and the
    /// machine's memory as the overcommit limit.
    pub fn new() -> Result<Self> {
        Ok(Self {
            space: AddressSpace::new().ok_or(Errno::ENOMEM)?,
            map: MemoryMap::new(process_layout()),
        })
    }

    /// Makes these page tables the CPU's.
    pub fn activate(&self) {
        self.space.activate();
    }

    /// Maps `range` as a new area of `kind` for `execve` (segments, the stack), replacing
    /// whatever was there; its pages appear on first touch or through [`Self::fill`].
    pub fn map_fixed(
        &mut self,
        range: Range,
        protection: Protection,
        kind: AreaKind,
    ) -> Result<()> {
        for replaced in self.map.map_fixed(range, protection, kind)? {
            pages::free(&mut self.space, replaced);
        }
        Ok(())
    }

    /// Sets where the heap starts (exec): a page-aligned address.
    pub fn set_program_break_start(&mut self, start: u64) -> Result<()> {
        self.map.set_program_break_start(start)
    }

    /// Resolves a user page fault at `address`: grows the stack if the address lies below it,
    /// then maps a zero page if the area allows `access`. Otherwise the access is bad
    /// (`SEGV_MAPERR` outside any area, `SEGV_ACCERR` against its protection).
    pub fn handle_fault(
        &mut self,
        address: u64,
        access: user::Access,
    ) -> core::result::Result<(), BadAccess> {
        let page = address - address % PAGE_SIZE;
        if self.space.query(page).is_some() {
            // Present but the fault still came: the page's permissions forbid the access.
            return Err(BadAccess);
        }
        self.map_zero_page(page, area_access(access))
    }

    /// Maps a zeroed frame at the absent `page` if its area (grown down to it, for a stack)
    /// allows `access`.
    pub(super) fn map_zero_page(
        &mut self,
        page: u64,
        access: Access,
    ) -> core::result::Result<(), BadAccess> {
        let protection = match self.map.check_access(page, access) {
            Ok(area) => area.protection(),
            Err(Fault::NotMapped) => {
                self.map.grow_stack_to(page).map_err(|_| BadAccess)?;
                let area = self.map.check_access(page, access).map_err(|_| BadAccess)?;
                area.protection()
            }
            Err(Fault::AccessDenied) => return Err(BadAccess),
        };
        let frame = OwnedFrame::allocate_zeroed().ok_or(BadAccess)?;
        self.space
            .map(page, frame, pages::permissions(protection))
            .map_err(|_| BadAccess)
    }

    /// Writes `bytes` at `address` before the program runs (exec), mapping pages as needed,
    /// whatever the area's protection (a read-only text segment is filled this way).
    pub fn fill(&mut self, address: u64, bytes: &[u8]) -> Result<()> {
        let mut done = 0usize;
        while done < bytes.len() {
            let current = address.checked_add(done as u64).ok_or(Errno::EFAULT)?;
            let page = current - current % PAGE_SIZE;
            let offset = (current - page) as usize;
            let count = (PAGE_SIZE as usize - offset).min(bytes.len() - done);
            let protection = self.map.find(page).ok_or(Errno::EFAULT)?.protection();
            let mut frame = match self.space.unmap(page) {
                Some(frame) => frame,
                None => OwnedFrame::allocate_zeroed().ok_or(Errno::ENOMEM)?,
            };
            frame.bytes_mut()[offset..offset + count].copy_from_slice(&bytes[done..done + count]);
            self.space
                .map(page, frame, pages::permissions(protection))
                .map_err(|_| Errno::ENOMEM)?;
            done += count;
        }
        Ok(())
    }
}

/// Linux's default layout with the overcommit limit of this machine: all the memory the frame
/// allocator manages (Linux's `totalram_pages()`; there is no swap).
fn process_layout() -> Layout {
    Layout {
        commit_limit_pages: hal::memory::frames::counts().managed,
        ..Layout::linux_default()
    }
}

/// hal's access kinds in `memory_map`'s terms.
pub(super) fn area_access(access: user::Access) -> Access {
    match access {
        user::Access::Read => Access::Read,
        user::Access::Write => Access::Write,
        user::Access::Execute => Access::Execute,
    }
}
