//! One process's memory: its page tables and the areas it may touch.
//!
//! Pages are allocated on first touch (demand-zero paging): an area only records what may be
//! mapped where; the page-fault handler fills it in. The kernel reaches user memory only
//! through [`ProcessMemory::copy_from_user`] and [`ProcessMemory::copy_to_user`], which make
//! the pages present first and then use hal's fault-checked copy.

use alloc::vec::Vec;
use core::ops::Range;

use errno::{Errno, Result};
use hal::{
    memory::{PAGE_SIZE, PagePermissions, owned_frame::OwnedFrame},
    user::{Access, AddressSpace, USER_SPACE_END},
};

/// What an area allows, as `PROT_READ | PROT_WRITE | PROT_EXEC`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Protection {
    pub is_readable: bool,
    pub is_writable: bool,
    pub is_executable: bool,
}

impl Protection {
    fn allows(self, access: Access) -> bool {
        match access {
            Access::Read => self.is_readable,
            Access::Write => self.is_writable,
            Access::Execute => self.is_executable,
        }
    }

    fn page_permissions(self) -> PagePermissions {
        PagePermissions {
            is_accessible: self.is_readable || self.is_writable || self.is_executable,
            is_writable: self.is_writable,
            is_executable: self.is_executable,
        }
    }
}

/// A range of user addresses with one protection.
#[derive(Clone, Debug)]
pub struct Area {
    pub range: Range<u64>,
    pub protection: Protection,
}

/// A process's address space and its areas.
pub struct ProcessMemory {
    space: AddressSpace,
    areas: Vec<Area>,
    /// `start_brk` and the current break.
    program_break: Range<u64>,
}

/// A user access the process may not make: the kernel turns it into `SIGSEGV` or `EFAULT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadAccess;

impl ProcessMemory {
    pub fn new() -> Result<Self> {
        Ok(Self {
            space: AddressSpace::new().ok_or(Errno::ENOMEM)?,
            areas: Vec::new(),
            program_break: 0..0,
        })
    }

    /// Makes these page tables the CPU's.
    pub fn activate(&self) {
        self.space.activate();
    }

    /// Adds an area; its pages appear on first touch. `EINVAL` if it overlaps another.
    pub fn add_area(&mut self, range: Range<u64>, protection: Protection) -> Result<()> {
        if !range.start.is_multiple_of(PAGE_SIZE)
            || !range.end.is_multiple_of(PAGE_SIZE)
            || range.start >= range.end
            || range.end > USER_SPACE_END
        {
            return Err(Errno::EINVAL);
        }
        if self
            .areas
            .iter()
            .any(|area| area.range.start < range.end && range.start < area.range.end)
        {
            return Err(Errno::EINVAL);
        }
        self.areas.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
        let position = self
            .areas
            .partition_point(|area| area.range.start < range.start);
        self.areas.insert(position, Area { range, protection });
        Ok(())
    }

    fn area_containing(&self, address: u64) -> Option<&Area> {
        self.areas.iter().find(|area| area.range.contains(&address))
    }

    /// Resolves a page fault at `address`: maps a zero page if an area allows `access`.
    pub fn handle_fault(
        &mut self,
        address: u64,
        access: Access,
    ) -> core::result::Result<(), BadAccess> {
        let area = self.area_containing(address).ok_or(BadAccess)?;
        if !area.protection.allows(access) {
            return Err(BadAccess);
        }
        let protection = area.protection;
        let page = address & !(PAGE_SIZE - 1);
        if self.space.query(page).is_some() {
            // Present but the fault still came: the page's permissions forbid the access.
            return Err(BadAccess);
        }
        let frame = OwnedFrame::allocate_zeroed().ok_or(BadAccess)?;
        self.space
            .map(page, frame, protection.page_permissions())
            .map_err(|_| BadAccess)
    }

    /// Writes `bytes` at `address` before the program runs (exec), mapping pages as needed,
    /// whatever the area's protection (a read-only text segment is filled this way).
    pub fn fill(&mut self, address: u64, bytes: &[u8]) -> Result<()> {
        let mut done = 0usize;
        while done < bytes.len() {
            let current = address.checked_add(done as u64).ok_or(Errno::EFAULT)?;
            let page = current & !(PAGE_SIZE - 1);
            let offset = (current - page) as usize;
            let count = (PAGE_SIZE as usize - offset).min(bytes.len() - done);
            let protection = self.area_containing(page).ok_or(Errno::EFAULT)?.protection;
            let mut frame = match self.space.unmap(page) {
                Some(frame) => frame,
                None => OwnedFrame::allocate_zeroed().ok_or(Errno::ENOMEM)?,
            };
            frame.bytes_mut()[offset..offset + count].copy_from_slice(&bytes[done..done + count]);
            self.space
                .map(page, frame, protection.page_permissions())
                .map_err(|_| Errno::ENOMEM)?;
            done += count;
        }
        Ok(())
    }

    /// Makes every page of `address..address + length` present for `access`; `EFAULT` if
    /// any is outside an area that allows it.
    fn prepare(&mut self, address: u64, length: usize, access: Access) -> Result<()> {
        if length == 0 {
            return Ok(());
        }
        let end = address.checked_add(length as u64).ok_or(Errno::EFAULT)?;
        let mut page = address & !(PAGE_SIZE - 1);
        while page < end {
            let area = self.area_containing(page).ok_or(Errno::EFAULT)?;
            if !area.protection.allows(access) {
                return Err(Errno::EFAULT);
            }
            if self.space.query(page).is_none() {
                self.handle_fault(page, access).map_err(|_| Errno::EFAULT)?;
            }
            page += PAGE_SIZE;
        }
        Ok(())
    }

    /// Copies user memory into `buffer`; `EFAULT` if any byte is not readable.
    pub fn copy_from_user(&mut self, address: u64, buffer: &mut [u8]) -> Result<()> {
        self.prepare(address, buffer.len(), Access::Read)?;
        hal::user::copy_from_user(address, buffer).map_err(|_| Errno::EFAULT)
    }

    /// Copies `bytes` to user memory; `EFAULT` if any byte is not writable.
    pub fn copy_to_user(&mut self, address: u64, bytes: &[u8]) -> Result<()> {
        self.prepare(address, bytes.len(), Access::Write)?;
        hal::user::copy_to_user(address, bytes).map_err(|_| Errno::EFAULT)
    }

    /// Reads a NUL-terminated string of at most `limit` bytes (without the NUL):
    /// `ENAMETOOLONG`-style overflow is the caller's to name, here `Err(None)`.
    pub fn read_c_string(&mut self, address: u64, limit: usize) -> Result<Option<Vec<u8>>> {
        let mut bytes = Vec::new();
        let mut current = address;
        while bytes.len() < limit {
            let page_end = (current | (PAGE_SIZE - 1)) + 1;
            let chunk = ((page_end - current) as usize).min(limit - bytes.len());
            let mut buffer = [0u8; PAGE_SIZE as usize];
            self.copy_from_user(current, &mut buffer[..chunk])?;
            if let Some(nul) = buffer[..chunk].iter().position(|&byte| byte == 0) {
                bytes.extend_from_slice(&buffer[..nul]);
                return Ok(Some(bytes));
            }
            bytes.extend_from_slice(&buffer[..chunk]);
            current = current.checked_add(chunk as u64).ok_or(Errno::EFAULT)?;
        }
        Ok(None)
    }

    /// Sets where the heap starts (exec) and empties it.
    pub fn set_program_break_start(&mut self, start: u64) {
        self.program_break = start..start;
    }

    /// `brk(2)`: moves the break to `requested` if it can; returns the break either way.
    pub fn change_program_break(&mut self, requested: u64) -> u64 {
        let start = self.program_break.start;
        let current = self.program_break.end;
        if requested < start {
            return current;
        }
        let old_top = current.next_multiple_of(PAGE_SIZE);
        // A break past user space (or so high that rounding overflows) fails as Linux's does:
        // the old break comes back.
        let Some(new_top) = requested
            .checked_next_multiple_of(PAGE_SIZE)
            .filter(|&top| top <= USER_SPACE_END)
        else {
            return current;
        };
        if new_top > old_top {
            let heap = Protection {
                is_readable: true,
                is_writable: true,
                is_executable: false,
            };
            if self.add_area(old_top..new_top, heap).is_err() {
                return current;
            }
            self.merge_heap(start, old_top);
        } else if new_top < old_top {
            self.unmap_range(new_top..old_top);
        }
        self.program_break.end = requested;
        requested
    }

    /// Joins the heap area grown at `old_top` with the one below it.
    fn merge_heap(&mut self, start: u64, old_top: u64) {
        let Some(lower) = self.areas.iter().position(|area| {
            area.range.end == old_top && area.range.start >= start.saturating_sub(PAGE_SIZE)
        }) else {
            return;
        };
        if lower + 1 < self.areas.len() && self.areas[lower + 1].range.start == old_top {
            let upper = self.areas.remove(lower + 1);
            self.areas[lower].range.end = upper.range.end;
        }
    }

    /// Removes `range` from every area and frees its pages.
    pub fn unmap_range(&mut self, range: Range<u64>) {
        let mut kept = Vec::new();
        for area in self.areas.drain(..) {
            if area.range.end <= range.start || range.end <= area.range.start {
                kept.push(area);
                continue;
            }
            if area.range.start < range.start {
                kept.push(Area {
                    range: area.range.start..range.start,
                    protection: area.protection,
                });
            }
            if range.end < area.range.end {
                kept.push(Area {
                    range: range.end..area.range.end,
                    protection: area.protection,
                });
            }
        }
        self.areas = kept;
        self.discard_pages(range);
    }

    /// The highest free, page-aligned range of `length` bytes below `ceiling` and above
    /// `floor` (Linux's top-down `get_unmapped_area`).
    pub fn find_free(&self, length: u64, floor: u64, ceiling: u64) -> Option<u64> {
        let mut top = ceiling;
        for area in self.areas.iter().rev() {
            if area.range.start >= top {
                continue;
            }
            if area.range.end <= top && top - area.range.end >= length {
                return Some(top - length);
            }
            top = top.min(area.range.start);
        }
        let start = top.checked_sub(length)?;
        (start >= floor).then_some(start)
    }

    /// Whether any area overlaps `range`.
    pub fn is_mapped(&self, range: &Range<u64>) -> bool {
        self.areas
            .iter()
            .any(|area| area.range.start < range.end && range.start < area.range.end)
    }

    /// `mprotect(2)` on whole pages: `ENOMEM` if part of `range` is not mapped.
    pub fn protect(&mut self, range: Range<u64>, protection: Protection) -> Result<()> {
        let mut covered = range.start;
        for area in &self.areas {
            if area.range.end <= covered || area.range.start >= range.end {
                continue;
            }
            if area.range.start > covered {
                return Err(Errno::ENOMEM);
            }
            covered = area.range.end;
        }
        if covered < range.end {
            return Err(Errno::ENOMEM);
        }
        let mut split = Vec::new();
        for area in self.areas.drain(..) {
            if area.range.end <= range.start || range.end <= area.range.start {
                split.push(area);
                continue;
            }
            if area.range.start < range.start {
                split.push(Area {
                    range: area.range.start..range.start,
                    protection: area.protection,
                });
            }
            let middle = area.range.start.max(range.start)..area.range.end.min(range.end);
            split.push(Area {
                range: middle,
                protection,
            });
            if range.end < area.range.end {
                split.push(Area {
                    range: range.end..area.range.end,
                    protection: area.protection,
                });
            }
        }
        self.areas = split;
        let mut page = range.start;
        while page < range.end {
            self.space.protect(page, protection.page_permissions());
            page += PAGE_SIZE;
        }
        Ok(())
    }

    /// Frees the pages of `range` but keeps the areas: the next touch gets zero pages.
    pub fn discard_pages(&mut self, range: Range<u64>) {
        let mut page = range.start;
        while page < range.end {
            drop(self.space.unmap(page));
            page += PAGE_SIZE;
        }
    }
}
