//! A page-by-page reference model of Linux's rules, written independently of the crate.
//!
//! It knows nothing of areas: it stores one entry per mapped page (protection, kind, and the
//! page's `vm_pgoff`), derives the areas Linux would show by grouping neighbouring pages whose
//! attributes match and whose offsets run on, and checks the area limit by counting those
//! groups. It covers private anonymous memory and the heap; no area grows down.

use std::collections::BTreeMap;

use errno::Errno;
use linux_raw_sys::general::{PROT_EXEC, PROT_READ, PROT_SEM, PROT_WRITE};
use memory_map::{AreaKind, Layout, MMAP_MIN_ADDRESS, PAGE_SIZE, Protection, TASK_SIZE};

/// One mapped page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub protection: Protection,
    pub kind: AreaKind,
    pub offset: u64,
}

/// A run of pages Linux would show as one area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelArea {
    pub start: u64,
    pub end: u64,
    pub page: Page,
}

/// The model address space.
#[derive(Clone, Debug)]
pub struct Model {
    pub pages: BTreeMap<u64, Page>,
    pub layout: Layout,
    pub program_break_start: u64,
    pub program_break: u64,
}

pub fn align_up(value: u64) -> Option<u64> {
    value.checked_next_multiple_of(PAGE_SIZE)
}

/// A non-fixed hint: rounded down, and raised to `mmap_min_addr` unless zero.
fn round_hint(hint: u64) -> u64 {
    let hint = hint - hint % PAGE_SIZE;
    if hint != 0 && hint < MMAP_MIN_ADDRESS {
        MMAP_MIN_ADDRESS
    } else {
        hint
    }
}

pub fn is_aligned(value: u64) -> bool {
    value.is_multiple_of(PAGE_SIZE)
}

impl Model {
    pub fn new(layout: Layout, program_break_start: u64) -> Model {
        Model {
            pages: BTreeMap::new(),
            layout,
            program_break_start,
            program_break: program_break_start,
        }
    }

    /// The areas, by grouping pages.
    pub fn areas(&self) -> Vec<ModelArea> {
        let mut areas: Vec<ModelArea> = Vec::new();
        for (&address, page) in &self.pages {
            if let Some(last) = areas.last_mut()
                && last.end == address
                && last.page.protection == page.protection
                && last.page.kind == page.kind
                && last.page.offset + (last.end - last.start) / PAGE_SIZE == page.offset
            {
                last.end += PAGE_SIZE;
                continue;
            }
            areas.push(ModelArea {
                start: address,
                end: address + PAGE_SIZE,
                page: *page,
            });
        }
        areas
    }

    pub fn area_containing(&self, address: u64) -> Option<ModelArea> {
        self.areas()
            .into_iter()
            .find(|area| area.start <= address && address < area.end)
    }

    /// Mapped page addresses in `start..end`.
    pub fn mapped(&self, start: u64, end: u64) -> Vec<u64> {
        if start >= end {
            return Vec::new();
        }
        self.pages
            .range(start..end)
            .map(|(address, _)| *address)
            .collect()
    }

    pub fn is_free(&self, start: u64, length: u64) -> bool {
        self.mapped(start, start.saturating_add(length)).is_empty()
    }

    pub fn remove(&mut self, start: u64, end: u64) -> Vec<u64> {
        let removed = self.mapped(start, end);
        for address in &removed {
            self.pages.remove(address);
        }
        removed
    }

    /// Keeps the change if the area limit allows it, else restores `before`.
    pub fn commit(&mut self, before: BTreeMap<u64, Page>) -> Result<(), Errno> {
        if self.areas().len() > self.layout.max_area_count {
            self.pages = before;
            return Err(Errno::ENOMEM);
        }
        Ok(())
    }

    /// Linux's non-fixed placement: free hint, else top-down below mmap_base, else bottom-up.
    pub fn find_free(&self, hint: u64, length: u64) -> Result<u64, Errno> {
        if length > TASK_SIZE {
            return Err(Errno::ENOMEM);
        }
        let hint_fits = hint.checked_add(length).is_some_and(|end| end <= TASK_SIZE);
        let address = if hint != 0 && hint_fits && self.is_free(hint, length) {
            hint
        } else if let Some(address) = self.top_down(length) {
            address
        } else {
            self.bottom_up(length).ok_or(Errno::ENOMEM)?
        };
        if address < MMAP_MIN_ADDRESS {
            return Err(Errno::EPERM);
        }
        Ok(address)
    }

    fn top_down(&self, length: u64) -> Option<u64> {
        let mut end = self.layout.mmap_base;
        while end >= MMAP_MIN_ADDRESS + length {
            if self.is_free(end - length, length) {
                return Some(end - length);
            }
            end -= PAGE_SIZE;
        }
        None
    }

    fn bottom_up(&self, length: u64) -> Option<u64> {
        let mut start = self.layout.legacy_mmap_base;
        while start.checked_add(length)? <= TASK_SIZE {
            match self.mapped(start, start + length).last() {
                None => return Some(start),
                Some(taken) => start = taken + PAGE_SIZE,
            }
        }
        None
    }

    /// `MAP_FIXED`'s address checks.
    pub fn check_fixed(address: u64, length: u64) -> Result<(), Errno> {
        if length > TASK_SIZE || address > TASK_SIZE - length {
            return Err(Errno::ENOMEM);
        }
        if !is_aligned(address) {
            return Err(Errno::EINVAL);
        }
        if address < MMAP_MIN_ADDRESS {
            return Err(Errno::EPERM);
        }
        Ok(())
    }

    /// Private anonymous `mmap`; `has_type` false models a flags word without `MAP_PRIVATE`.
    pub fn mmap(&mut self, request: MmapModelRequest) -> Result<(u64, Vec<u64>), Errno> {
        if request.length == 0 {
            return Err(Errno::EINVAL);
        }
        let is_fixed = request.is_fixed || request.is_no_replace;
        let hint = if is_fixed {
            request.hint
        } else {
            round_hint(request.hint)
        };
        let length = align_up(request.length).ok_or(Errno::ENOMEM)?;
        let address = if is_fixed {
            Model::check_fixed(hint, length)?;
            hint
        } else {
            self.find_free(hint, length)?
        };
        if request.is_no_replace && !self.is_free(address, length) {
            return Err(Errno::EEXIST);
        }
        if !request.has_type {
            return Err(Errno::EINVAL);
        }
        let before = self.pages.clone();
        let replaced = self.remove(address, address + length);
        for page in (address..address + length).step_by(PAGE_SIZE as usize) {
            let entry = Page {
                protection: request.protection,
                kind: AreaKind::Anonymous,
                offset: page / PAGE_SIZE,
            };
            self.pages.insert(page, entry);
        }
        self.commit(before)?;
        Ok((address, replaced))
    }

    /// `munmap`'s checks and effect.
    pub fn munmap(&mut self, address: u64, length: u64) -> Result<Vec<u64>, Errno> {
        if !is_aligned(address) || address > TASK_SIZE || length > TASK_SIZE - address {
            return Err(Errno::EINVAL);
        }
        let length = align_up(length)
            .filter(|length| *length != 0)
            .ok_or(Errno::EINVAL)?;
        let before = self.pages.clone();
        let removed = self.remove(address, address + length);
        self.commit(before)?;
        Ok(removed)
    }

    /// `mprotect` (no `PROT_GROWS*`), all-or-nothing; returns the pages whose protection changed.
    pub fn mprotect(&mut self, address: u64, length: u64, prot: u32) -> Result<Vec<u64>, Errno> {
        if !is_aligned(address) {
            return Err(Errno::EINVAL);
        }
        if length == 0 {
            return Ok(Vec::new());
        }
        let length = align_up(length)
            .filter(|length| *length != 0)
            .ok_or(Errno::ENOMEM)?;
        let end = address.checked_add(length).ok_or(Errno::ENOMEM)?;
        if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM) != 0 {
            return Err(Errno::EINVAL);
        }
        let mapped = self.mapped(address, end);
        if mapped.len() as u64 != length / PAGE_SIZE {
            return Err(Errno::ENOMEM);
        }
        let protection = Protection::from_linux(prot);
        let before = self.pages.clone();
        let mut changed = Vec::new();
        for address in mapped {
            let page = self.pages.get_mut(&address).expect("mapped page");
            if page.protection != protection {
                page.protection = protection;
                changed.push(address);
            }
        }
        self.commit(before)?;
        Ok(changed)
    }

    /// `MADV_DONTNEED`: the pages to discard, and the error to return.
    pub fn dont_need(&self, address: u64, length: u64) -> Result<(Vec<u64>, Option<Errno>), Errno> {
        if !is_aligned(address) {
            return Err(Errno::EINVAL);
        }
        let length = align_up(length).ok_or(Errno::EINVAL)?;
        let end = address.checked_add(length).ok_or(Errno::EINVAL)?;
        let mapped = self.mapped(address, end);
        let has_hole = (mapped.len() as u64) < length / PAGE_SIZE;
        Ok((mapped, has_hole.then_some(Errno::ENOMEM)))
    }
}

/// An `mmap` call for the model.
#[derive(Clone, Copy, Debug)]
pub struct MmapModelRequest {
    pub hint: u64,
    pub length: u64,
    pub protection: Protection,
    pub is_fixed: bool,
    pub is_no_replace: bool,
    pub has_type: bool,
}
