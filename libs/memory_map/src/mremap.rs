//! `mremap(2)`, following `mm/mremap.c` (Linux 6.x).
//!
//! Without `MREMAP_FIXED`/`MREMAP_DONTUNMAP`: equal sizes do nothing, shrinking unmaps the
//! tail in place, growing extends in place when the pages above are free (ignoring guard gaps,
//! as `vma_expandable()` does) and otherwise moves the mapping to a free range if
//! `MREMAP_MAYMOVE` allows. With `MREMAP_FIXED` the mapping moves to `new_address`, replacing
//! what was there; `MREMAP_DONTUNMAP` moves the pages but leaves the old range mapped and empty.
//!
//! Linux unmaps the destination and the shrunk tail before it checks the source, so a failing
//! call can leave them unmapped; Loam checks first and changes nothing when it fails.

use alloc::vec::Vec;

use errno::Errno;
use linux_raw_sys::general::{MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE};

use crate::{
    area::{Area, AreaKind},
    linux::{TASK_SIZE, is_page_aligned, page_align_up, pages_in},
    map::{MemoryMap, push_coalesced},
    munmap::unmap_range,
    overcommit::is_area_accountable,
    range::Range,
    search::SearchWindow,
};

/// The outcome of a successful `mremap`. The kernel first frees the pages of `unmapped`, then
/// carries out `moved`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remap {
    /// What the system call returns: the mapping's (possibly new) address.
    pub address: u64,
    /// Ranges that stopped being mapped (a shrunk tail, or what `MREMAP_FIXED` replaced): the
    /// kernel unmaps and frees their pages.
    pub unmapped: Vec<Range>,
    /// Pages to move, keeping their frames, when the mapping moved.
    pub moved: Option<PageMove>,
}

/// Move each page present in `from` to the same offset in `to` (same length), unmapping it
/// from `from`. Pages of the new mapping beyond `to` are demand-zero. After
/// `MREMAP_DONTUNMAP`, `from` stays mapped and reads as fresh zero pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageMove {
    /// The old pages.
    pub from: Range,
    /// Where they go.
    pub to: Range,
}

/// A decoded `mremap` call, lengths rounded up to pages.
#[derive(Clone, Copy, Debug)]
struct Request {
    address: u64,
    old_length: u64,
    new_length: u64,
    flags: u32,
    new_address: u64,
}

impl Request {
    /// `check_mremap_params()`: every check that needs no areas, all `EINVAL`.
    fn decode(
        address: u64,
        old_length: u64,
        new_length: u64,
        flags: u32,
        new_address: u64,
    ) -> errno::Result<Request> {
        let has = |flag: u32| flags & flag != 0;
        if flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) != 0
            || (has(MREMAP_FIXED) && !has(MREMAP_MAYMOVE))
            || (has(MREMAP_DONTUNMAP) && (!has(MREMAP_MAYMOVE) || old_length != new_length))
            || !is_page_aligned(address)
        {
            return Err(Errno::EINVAL);
        }
        let request = Request {
            address,
            // Linux's PAGE_ALIGN wraps to 0 here, which it then refuses with EINVAL.
            old_length: page_align_up(old_length).ok_or(Errno::EINVAL)?,
            new_length: page_align_up(new_length)
                .filter(|length| *length != 0)
                .ok_or(Errno::EINVAL)?,
            flags,
            new_address,
        };
        if request.has_new_address() && !is_page_aligned(new_address) {
            return Err(Errno::EINVAL);
        }
        Ok(request)
    }

    const fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// `MREMAP_FIXED` and `MREMAP_DONTUNMAP` both take `new_address` into account.
    const fn has_new_address(&self) -> bool {
        self.has(MREMAP_FIXED | MREMAP_DONTUNMAP)
    }
}

impl MemoryMap {
    /// `mremap(old_address, old_length, new_length, flags, new_address)`.
    ///
    /// Errors: bad flags, an unaligned address, a zero new length, `MREMAP_FIXED` without
    /// `MREMAP_MAYMOVE`, `MREMAP_DONTUNMAP` with a size change, overlapping old and new ranges,
    /// or a zero old length (Linux's "duplicate" request, refused for private mappings and not
    /// supported here for shared ones): `EINVAL`. `old_address` unmapped, or the old range not
    /// inside one area: `EFAULT`. No room to grow in place without `MREMAP_MAYMOVE`, no free
    /// range to move to, or too many areas: `ENOMEM`.
    pub fn mremap(
        &mut self,
        old_address: u64,
        old_length: u64,
        new_length: u64,
        flags: u32,
        new_address: u64,
    ) -> errno::Result<Remap> {
        let request = Request::decode(old_address, old_length, new_length, flags, new_address)?;
        if self.find(request.address).is_none() {
            return Err(Errno::EFAULT);
        }
        if request.has_new_address() {
            return self.transaction(|map| map.remap_to(&request));
        }
        let in_place = |unmapped| Remap {
            address: request.address,
            unmapped,
            moved: None,
        };
        if request.new_length == request.old_length {
            Ok(in_place(Vec::new()))
        } else if request.new_length < request.old_length {
            let tail_start = request
                .address
                .checked_add(request.new_length)
                .ok_or(Errno::EINVAL)?;
            let tail_length = request.old_length - request.new_length;
            let unmapped = self.remove(unmap_range(tail_start, tail_length)?)?;
            Ok(in_place(unmapped))
        } else {
            self.transaction(|map| map.expand(&request))
        }
    }

    /// `mremap_to()`: moves to `new_address` (`MREMAP_FIXED`) or to a free range near it.
    fn remap_to(&mut self, request: &Request) -> errno::Result<Remap> {
        let Request {
            address,
            new_length,
            new_address,
            ..
        } = *request;
        if new_length > TASK_SIZE || new_address > TASK_SIZE - new_length {
            return Err(Errno::EINVAL);
        }
        let old_end = address.saturating_add(request.old_length);
        if old_end > new_address && new_address + new_length > address {
            return Err(Errno::EINVAL);
        }
        // Linux's worst case: both ranges split in three.
        if self.areas.len() + 2 >= self.layout.max_area_count.saturating_sub(3) {
            return Err(Errno::ENOMEM);
        }
        let (unmapped, old_length) = self.clear_for_move(request)?;
        let (area, old_range) = self.resize_source(address, old_length, new_length)?;
        let destination = if request.has(MREMAP_FIXED) {
            MemoryMap::check_fixed(new_address, new_length)?
        } else {
            let start = self.find_free(new_address, new_length, SearchWindow::Anywhere)?;
            Range::from_start_length(start, new_length).ok_or(Errno::ENOMEM)?
        };
        let is_old_kept = request.has(MREMAP_DONTUNMAP);
        let moved = self.move_pages(&area, old_range, destination, is_old_kept)?;
        Ok(Remap {
            address: destination.start(),
            unmapped,
            moved: Some(moved),
        })
    }

    /// Unmaps what `MREMAP_FIXED` replaces and the tail a shrinking move drops. Returns those
    /// ranges and the length left to move.
    fn clear_for_move(&mut self, request: &Request) -> errno::Result<(Vec<Range>, u64)> {
        let mut unmapped = Vec::new();
        if request.has(MREMAP_FIXED) {
            let destination = unmap_range(request.new_address, request.new_length)?;
            for range in self.remove(destination)? {
                push_coalesced(&mut unmapped, range)?;
            }
        }
        if request.old_length <= request.new_length {
            return Ok((unmapped, request.old_length));
        }
        let tail_length = request.old_length - request.new_length;
        let tail = unmap_range(request.address + request.new_length, tail_length)?;
        for range in self.remove(tail)? {
            push_coalesced(&mut unmapped, range)?;
        }
        Ok((unmapped, request.new_length))
    }

    /// Grows without a new address: in place if the pages above are free, else by moving.
    fn expand(&mut self, request: &Request) -> errno::Result<Remap> {
        let (area, old_range) =
            self.resize_source(request.address, request.old_length, request.new_length)?;
        let growth = request.new_length - request.old_length;
        if old_range.end() == area.range().end()
            && let Some(extension) = self.free_extension(&area, growth)
        {
            let grown = Area::new(extension, area.template(), area.next_page_offset());
            self.rewrite(extension, |_| None, Some(grown))?;
            return Ok(Remap {
                address: request.address,
                unmapped: Vec::new(),
                moved: None,
            });
        }
        if !request.has(MREMAP_MAYMOVE) {
            return Err(Errno::ENOMEM);
        }
        let start = self.find_free(0, request.new_length, SearchWindow::Anywhere)?;
        let destination =
            Range::from_start_length(start, request.new_length).ok_or(Errno::ENOMEM)?;
        let moved = self.move_pages(&area, old_range, destination, false)?;
        Ok(Remap {
            address: start,
            unmapped: Vec::new(),
            moved: Some(moved),
        })
    }

    /// `vma_to_resize()`: the area holding the old range, and the old range itself.
    fn resize_source(
        &self,
        address: u64,
        old_length: u64,
        new_length: u64,
    ) -> errno::Result<(Area, Range)> {
        let area = *self.find(address).ok_or(Errno::EFAULT)?;
        let old_range = Range::from_start_length(address, old_length).ok_or(Errno::EINVAL)?;
        if old_range.end() > area.range().end() {
            return Err(Errno::EFAULT);
        }
        if new_length != old_length {
            let first_page = area.clipped(old_range).page_offset();
            first_page
                .checked_add(pages_in(new_length))
                .ok_or(Errno::EINVAL)?;
        }
        if new_length > old_length && is_area_accountable(&area) {
            self.check_commit(new_length - old_length)?;
        }
        Ok((area, old_range))
    }

    /// `vma_expandable()`: the `growth` bytes above `area`, if free and inside user space.
    fn free_extension(&self, area: &Area, growth: u64) -> Option<Range> {
        let extension = Range::from_start_length(area.range().end(), growth)?;
        let is_free = extension.end() <= TASK_SIZE && self.first_overlapping(extension).is_none();
        is_free.then_some(extension)
    }

    /// `move_vma()`: maps `destination` (free by now) with the attributes of `old_range`'s
    /// memory and, unless `is_old_kept`, unmaps `old_range`.
    fn move_pages(
        &mut self,
        area: &Area,
        old_range: Range,
        destination: Range,
        is_old_kept: bool,
    ) -> errno::Result<PageMove> {
        if self.areas.len() >= self.layout.max_area_count.saturating_sub(3) {
            return Err(Errno::ENOMEM);
        }
        let source = area.clipped(old_range);
        let mut template = source.template();
        // /proc/self/maps labels [heap] and [stack] by address; moved away, they are plain memory.
        if matches!(template.kind, AreaKind::Heap | AreaKind::Stack) {
            template.kind = AreaKind::Anonymous;
        }
        if !is_old_kept {
            self.remove(old_range)?;
        }
        let moved = Area::new(destination, template, source.page_offset());
        self.rewrite(destination, |_| None, Some(moved))?;
        let moved_length = old_range.length().min(destination.length());
        let from =
            Range::from_start_length(old_range.start(), moved_length).ok_or(Errno::EINVAL)?;
        let to =
            Range::from_start_length(destination.start(), moved_length).ok_or(Errno::EINVAL)?;
        Ok(PageMove { from, to })
    }
}
