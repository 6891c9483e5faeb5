//! The model's `brk` and `mremap`, page by page.

use errno::Errno;
use linux_raw_sys::general::{MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE};
use memory_map::{AreaKind, MMAP_MIN_ADDRESS, PAGE_SIZE, Protection, TASK_SIZE};

use crate::model::{Model, ModelArea, Page, align_up, is_aligned};

/// What the model expects from a successful `mremap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelRemap {
    pub address: u64,
    pub unmapped: Vec<u64>,
    /// (old start, new start, length)
    pub moved: Option<(u64, u64, u64)>,
}

/// An `mremap` call with its lengths rounded up.
#[derive(Clone, Copy, Debug)]
pub struct RemapCall {
    pub address: u64,
    pub old_length: u64,
    pub new_length: u64,
    pub flags: u32,
    pub new_address: u64,
}

impl RemapCall {
    fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// The argument checks, all `EINVAL`.
    fn decode(mut self) -> Result<RemapCall, Errno> {
        let has = |flag: u32| self.flags & flag != 0;
        if self.flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) != 0
            || (has(MREMAP_FIXED) && !has(MREMAP_MAYMOVE))
            || (has(MREMAP_DONTUNMAP)
                && (!has(MREMAP_MAYMOVE) || self.old_length != self.new_length))
            || !is_aligned(self.address)
        {
            return Err(Errno::EINVAL);
        }
        self.old_length = align_up(self.old_length).ok_or(Errno::EINVAL)?;
        self.new_length = align_up(self.new_length)
            .filter(|length| *length != 0)
            .ok_or(Errno::EINVAL)?;
        if self.has(MREMAP_FIXED | MREMAP_DONTUNMAP) && !is_aligned(self.new_address) {
            return Err(Errno::EINVAL);
        }
        Ok(self)
    }
}

impl Model {
    /// `brk`: the returned break, the pages unmapped and the pages added.
    pub fn brk(&mut self, requested: u64) -> (u64, Vec<u64>, Vec<u64>) {
        let unchanged = (self.program_break, Vec::new(), Vec::new());
        if requested < self.program_break_start {
            return unchanged;
        }
        let (Some(new_top), Some(old_top)) = (align_up(requested), align_up(self.program_break))
        else {
            return unchanged;
        };
        let before = self.pages.clone();
        let change = if new_top == old_top {
            Some((Vec::new(), Vec::new()))
        } else if requested <= self.program_break {
            let unmapped = self.remove(new_top, old_top);
            (!unmapped.is_empty()).then_some((unmapped, Vec::new()))
        } else {
            self.grow_heap(old_top, new_top)
                .map(|added| (Vec::new(), added))
        };
        match change {
            Some((unmapped, added)) if self.commit(before).is_ok() => {
                self.program_break = requested;
                (requested, unmapped, added)
            }
            _ => unchanged,
        }
    }

    fn grow_heap(&mut self, old_top: u64, new_top: u64) -> Option<Vec<u64>> {
        let needed_end = new_top.saturating_add(PAGE_SIZE);
        if new_top > TASK_SIZE
            || old_top < MMAP_MIN_ADDRESS
            || !self.mapped(old_top, needed_end).is_empty()
        {
            return None;
        }
        let added: Vec<u64> = (old_top..new_top).step_by(PAGE_SIZE as usize).collect();
        for page in &added {
            let entry = Page {
                protection: Protection::READ_WRITE,
                kind: AreaKind::Heap,
                offset: page / PAGE_SIZE,
            };
            self.pages.insert(*page, entry);
        }
        Some(added)
    }

    /// `mremap`, all-or-nothing.
    pub fn mremap(&mut self, call: RemapCall) -> Result<ModelRemap, Errno> {
        let call = call.decode()?;
        self.area_containing(call.address).ok_or(Errno::EFAULT)?;
        let before = self.pages.clone();
        let in_place = |unmapped| ModelRemap {
            address: call.address,
            unmapped,
            moved: None,
        };
        let result = if call.has(MREMAP_FIXED | MREMAP_DONTUNMAP) {
            self.remap_to(call)
        } else if call.new_length == call.old_length {
            Ok(in_place(Vec::new()))
        } else if call.new_length < call.old_length {
            let tail = call
                .address
                .checked_add(call.new_length)
                .ok_or(Errno::EINVAL)?;
            self.munmap(tail, call.old_length - call.new_length)
                .map(in_place)
        } else {
            self.expand(call)
        };
        if result.is_err() {
            self.pages = before;
        }
        result
    }

    fn remap_to(&mut self, call: RemapCall) -> Result<ModelRemap, Errno> {
        let RemapCall {
            address,
            new_length,
            new_address,
            ..
        } = call;
        if new_length > TASK_SIZE || new_address > TASK_SIZE - new_length {
            return Err(Errno::EINVAL);
        }
        if address.saturating_add(call.old_length) > new_address
            && new_address + new_length > address
        {
            return Err(Errno::EINVAL);
        }
        let mut unmapped = Vec::new();
        if call.has(MREMAP_FIXED) {
            unmapped.extend(self.munmap(new_address, new_length)?);
        }
        let old_length = call.old_length.min(new_length);
        if call.old_length > new_length {
            unmapped.extend(self.munmap(address + new_length, call.old_length - new_length)?);
        }
        let area = self.resize_source(address, old_length)?;
        let destination = if call.has(MREMAP_FIXED) {
            Model::check_fixed(new_address, new_length)?;
            new_address
        } else {
            self.find_free(new_address, new_length)?
        };
        let is_old_kept = call.has(MREMAP_DONTUNMAP);
        let moved = self.move_pages(
            area,
            (address, old_length),
            (destination, new_length),
            is_old_kept,
        )?;
        Ok(ModelRemap {
            address: destination,
            unmapped,
            moved: Some(moved),
        })
    }

    fn expand(&mut self, call: RemapCall) -> Result<ModelRemap, Errno> {
        let area = self.resize_source(call.address, call.old_length)?;
        let growth = call.new_length - call.old_length;
        let fits = area
            .end
            .checked_add(growth)
            .is_some_and(|end| end <= TASK_SIZE);
        if call.address + call.old_length == area.end && fits && self.is_free(area.end, growth) {
            self.extend_in_place(area, growth)?;
            return Ok(ModelRemap {
                address: call.address,
                unmapped: Vec::new(),
                moved: None,
            });
        }
        if !call.has(MREMAP_MAYMOVE) {
            return Err(Errno::ENOMEM);
        }
        let destination = self.find_free(0, call.new_length)?;
        let old = (call.address, call.old_length);
        let moved = self.move_pages(area, old, (destination, call.new_length), false)?;
        Ok(ModelRemap {
            address: destination,
            unmapped: Vec::new(),
            moved: Some(moved),
        })
    }

    fn extend_in_place(&mut self, area: ModelArea, growth: u64) -> Result<(), Errno> {
        let before = self.pages.clone();
        let next_offset = area.page.offset + (area.end - area.start) / PAGE_SIZE;
        for (index, page) in (area.end..area.end + growth)
            .step_by(PAGE_SIZE as usize)
            .enumerate()
        {
            self.pages.insert(
                page,
                Page {
                    offset: next_offset + index as u64,
                    ..area.page
                },
            );
        }
        self.commit(before)
    }

    fn resize_source(&self, address: u64, old_length: u64) -> Result<ModelArea, Errno> {
        let area = self.area_containing(address).ok_or(Errno::EFAULT)?;
        if old_length == 0 {
            return Err(Errno::EINVAL);
        }
        if address + old_length > area.end {
            return Err(Errno::EFAULT);
        }
        Ok(area)
    }

    /// Moves `old` (start, length) of `area` to `new` (start, length); returns what moved.
    fn move_pages(
        &mut self,
        area: ModelArea,
        old: (u64, u64),
        new: (u64, u64),
        is_old_kept: bool,
    ) -> Result<(u64, u64, u64), Errno> {
        let first_offset = area.page.offset + (old.0 - area.start) / PAGE_SIZE;
        let kind = match area.page.kind {
            AreaKind::Heap | AreaKind::Stack => AreaKind::Anonymous,
            other => other,
        };
        let before = self.pages.clone();
        if !is_old_kept {
            self.remove(old.0, old.0 + old.1);
        }
        for (index, page) in (new.0..new.0 + new.1)
            .step_by(PAGE_SIZE as usize)
            .enumerate()
        {
            let entry = Page {
                protection: area.page.protection,
                kind,
                offset: first_offset + index as u64,
            };
            self.pages.insert(page, entry);
        }
        self.commit(before)?;
        Ok((old.0, new.0, old.1.min(new.1)))
    }
}
