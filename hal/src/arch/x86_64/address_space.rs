//! User address spaces: one PML4 per process, its lower half private, its upper half shared.
//!
//! A new address space copies the kernel's top-level entries 256..512, so kernel code, the
//! direct map, the heap and kernel stacks stay mapped whichever process runs. Boot creates
//! every kernel top-level entry it will ever use (see `paging::build_and_switch`), so later
//! kernel mappings appear in every address space without updating them.
//!
//! The address space owns the frames mapped into it: [`AddressSpace::map`] takes an
//! [`OwnedFrame`], [`AddressSpace::unmap`] gives it back, and dropping the address space frees
//! every frame and page table of its lower half.

use x86_64::{
    PhysAddr, VirtAddr,
    registers::control::{Cr3, Cr3Flags},
    structures::paging::{
        Mapper, OffsetPageTable, Page, PageTable, PageTableFlags as Flags, PhysFrame, Size4KiB,
        Translate,
        mapper::{MappedFrame, TranslateResult},
    },
};

use super::{layout::DIRECT_MAP_BASE, paging};
use crate::memory::{
    PagePermissions, direct_map::physical_to_virtual, frames, owned_frame::OwnedFrame,
};

/// First address above user space (the lower canonical half).
pub const USER_SPACE_END: u64 = 0x0000_8000_0000_0000;
/// Top-level entries below this index belong to user space.
const FIRST_KERNEL_ENTRY: usize = 256;

/// Why a page could not be mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// The address is not a page-aligned user address.
    BadAddress,
    /// Something is mapped there already.
    AlreadyMapped,
    /// No memory for a page table.
    OutOfMemory,
}

/// The page tables of one user process.
pub struct AddressSpace {
    /// Physical address of the PML4.
    root: u64,
}

impl AddressSpace {
    /// An empty user half over the shared kernel half; `None` when memory is exhausted.
    pub fn new() -> Option<Self> {
        let root = frames::allocate_zeroed(0)?;
        let space = Self { root };
        let kernel_root = paging::kernel_root();
        // SAFETY: a page-table frame reached through the direct map, ours alone.
        let table = unsafe { space.table(root) };
        // SAFETY: the kernel's PML4; its top-level entries are only read here, and boot made
        // every one the kernel uses, so nobody writes them any more.
        let kernel_table = unsafe { space.table(kernel_root) };
        for index in FIRST_KERNEL_ENTRY..512 {
            table[index] = kernel_table[index].clone();
        }
        Some(space)
    }

    /// Maps `frame` at the page-aligned user address `address`.
    ///
    /// On failure the frame comes back with the error, so nothing is lost.
    pub fn map(
        &mut self,
        address: u64,
        frame: OwnedFrame,
        permissions: PagePermissions,
    ) -> Result<(), (MapError, OwnedFrame)> {
        let Some(page) = user_page(address) else {
            return Err((MapError::BadAddress, frame));
        };
        let is_active = self.is_active();
        let physical = PhysFrame::containing_address(PhysAddr::new(frame.physical_address()));
        let flags = leaf_flags(permissions);
        let mut mapper = self.mapper();
        // SAFETY: the frame is owned and about to be owned by these tables alone; mapping it in
        // user space creates no Rust reference to it.
        let result = unsafe {
            mapper.map_to_with_table_flags(
                page,
                physical,
                flags,
                Flags::PRESENT | Flags::WRITABLE | Flags::USER_ACCESSIBLE,
                &mut paging::BuddyFrames,
            )
        };
        match result {
            Ok(flush) => {
                flush_if(is_active, flush);
                let _ = frame.into_raw();
                Ok(())
            }
            Err(x86_64::structures::paging::mapper::MapToError::FrameAllocationFailed) => {
                Err((MapError::OutOfMemory, frame))
            }
            Err(_) => Err((MapError::AlreadyMapped, frame)),
        }
    }

    /// Unmaps the page at `address` and returns its frame, if one was mapped.
    pub fn unmap(&mut self, address: u64) -> Option<OwnedFrame> {
        let page = user_page(address)?;
        let is_active = self.is_active();
        let (frame, flush) = self.mapper().unmap(page).ok()?;
        flush_if(is_active, flush);
        // SAFETY: every user leaf was made by `map` from an `OwnedFrame` given up with
        // `into_raw`, and unmapping removed the only record of it.
        Some(unsafe { OwnedFrame::from_raw(frame.start_address().as_u64()) })
    }

    /// Changes the permissions of the page at `address`; false if nothing is mapped there.
    pub fn protect(&mut self, address: u64, permissions: PagePermissions) -> bool {
        let Some(page) = user_page(address) else {
            return false;
        };
        let is_active = self.is_active();
        // SAFETY: only the leaf's permission bits change; the frame stays owned by the tables.
        match unsafe { self.mapper().update_flags(page, leaf_flags(permissions)) } {
            Ok(flush) => {
                flush_if(is_active, flush);
                true
            }
            Err(_) => false,
        }
    }

    /// The frame and permissions of the page at `address`, if mapped.
    pub fn query(&mut self, address: u64) -> Option<(u64, PagePermissions)> {
        user_page(address)?;
        match self.mapper().translate(VirtAddr::new(address)) {
            TranslateResult::Mapped {
                frame: MappedFrame::Size4KiB(frame),
                flags,
                ..
            } => Some((
                frame.start_address().as_u64(),
                PagePermissions {
                    is_accessible: flags.contains(Flags::USER_ACCESSIBLE),
                    is_writable: flags.contains(Flags::WRITABLE),
                    is_executable: !flags.contains(Flags::NO_EXECUTE),
                },
            )),
            _ => None,
        }
    }

    /// The first page in `range` that has a frame mapped, if any. Absent tables are skipped
    /// whole, so the walk costs the tables present, not the size of `range`: the kernel can
    /// unmap or re-protect a huge, mostly untouched range quickly.
    pub fn next_mapped(&self, range: core::ops::Range<u64>) -> Option<u64> {
        let end = range.end.min(USER_SPACE_END);
        let mut address = range.start - range.start % crate::memory::PAGE_SIZE;
        while address < end {
            match self.first_absent_level(address) {
                None => return Some(address),
                Some(level) => {
                    // Skip the whole region the missing entry at `level` would cover.
                    let covered = 1u64 << (12 + 9 * (u32::from(level) - 1));
                    address = (address | (covered - 1)).checked_add(1)?;
                }
            }
        }
        None
    }

    /// The level (4 = PML4 ... 1 = page table) whose entry for `address` is not present, or
    /// `None` when a 4 KiB page is mapped there.
    fn first_absent_level(&self, address: u64) -> Option<u8> {
        let mut table = self.root;
        for level in (1..=4u8).rev() {
            let index = ((address >> (12 + 9 * (u32::from(level) - 1))) & 511) as usize;
            // SAFETY: `table` is a page-table frame of this address space (the root or a child
            // reached from it); the shared borrow of `self` keeps every writer away.
            let entry = unsafe { &self.table(table)[index] };
            if !entry.flags().contains(Flags::PRESENT) {
                return Some(level);
            }
            table = entry.addr().as_u64();
        }
        None
    }

    /// Frees the page tables in `range` that map nothing any more, as Linux's `free_pgtables()`
    /// does after `munmap`, so unmapped memory gives back its tables as well as its frames.
    /// Tables that still map a page are kept.
    pub fn release_empty_tables(&mut self, range: core::ops::Range<u64>) {
        let end = range.end.min(USER_SPACE_END);
        if range.start < end {
            self.release_below(self.root, 4, 0, range.start..end);
        }
    }

    /// Releases the empty tables under the entries of `table` (at `level`, mapping from `base`)
    /// that overlap `range`.
    fn release_below(&self, table: u64, level: u8, base: u64, range: core::ops::Range<u64>) {
        let entry_bytes = 1u64 << (12 + 9 * (u32::from(level) - 1));
        let first = ((range.start.max(base) - base) / entry_bytes) as usize;
        for index in first..512 {
            let entry_base = base + index as u64 * entry_bytes;
            if entry_base >= range.end || level == 1 {
                break;
            }
            // SAFETY: `table` is a page-table frame of this address space; `&mut self` in the
            // caller keeps every other user of the tables away.
            let entry = unsafe { &mut self.table(table)[index] };
            if !entry.flags().contains(Flags::PRESENT) {
                continue;
            }
            let child = entry.addr().as_u64();
            self.release_below(child, level - 1, entry_base, range.clone());
            // SAFETY: as above, `child` is a page-table frame of this address space.
            let is_empty = unsafe { self.table(child) }
                .iter()
                .all(|child_entry| child_entry.is_unused());
            if is_empty {
                // SAFETY: as above.
                unsafe { self.table(table)[index].set_unused() };
                if self.is_active() {
                    // Drop any paging-structure cache entry that still points at the table.
                    x86_64::instructions::tlb::flush(VirtAddr::new(entry_base));
                }
                frames::free(child, 0);
            }
        }
    }

    /// Makes this the address space the CPU translates user addresses with.
    pub fn activate(&self) {
        if !self.is_active() {
            let frame = PhysFrame::containing_address(PhysAddr::new(self.root));
            // SAFETY: the tables share the kernel half with every other address space, so the
            // kernel keeps running unchanged; they stay alive while active (see `Drop`).
            unsafe { Cr3::write(frame, Cr3Flags::empty()) };
        }
    }

    /// Whether the CPU is using these tables now.
    pub fn is_active(&self) -> bool {
        Cr3::read().0.start_address().as_u64() == self.root
    }

    fn mapper(&mut self) -> OffsetPageTable<'_> {
        // SAFETY: the root is a page-table frame owned by `self`, reached through the direct
        // map, and the exclusive borrow of `self` makes this the only reference to it.
        let table = unsafe { self.table(self.root) };
        // SAFETY: every page-table frame lies in RAM covered by the direct map.
        unsafe { OffsetPageTable::new(table, VirtAddr::new(DIRECT_MAP_BASE)) }
    }

    /// The page table in frame `physical`.
    ///
    /// # Safety
    /// `physical` must be a page-table frame, and no other reference to it may be live while
    /// the result is used mutably.
    #[expect(
        clippy::mut_from_ref,
        reason = "page tables live outside Rust's ownership"
    )]
    unsafe fn table(&self, physical: u64) -> &mut PageTable {
        // SAFETY: guaranteed by the caller; the direct map covers all page-table frames.
        unsafe { &mut *physical_to_virtual(physical).cast::<PageTable>() }
    }

    /// Frees every frame and table under `table` at `level` (4 = PML4 ... 1 = page table).
    fn free_subtree(&self, physical: u64, level: u8, entries: core::ops::Range<usize>) {
        for index in entries {
            // SAFETY: `physical` is a table of this address space, being torn down by `drop`;
            // nothing else refers to it.
            let entry = unsafe { &mut self.table(physical)[index] };
            if !entry.flags().contains(Flags::PRESENT) {
                continue;
            }
            let child = entry.addr().as_u64();
            entry.set_unused();
            if level > 1 {
                self.free_subtree(child, level - 1, 0..512);
            }
            frames::free(child, 0);
        }
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        if self.is_active() {
            paging::activate_kernel_tables();
        }
        self.free_subtree(self.root, 4, 0..FIRST_KERNEL_ENTRY);
        frames::free(self.root, 0);
    }
}

/// The page at `address` if it is a page-aligned user address.
fn user_page(address: u64) -> Option<Page<Size4KiB>> {
    if address >= USER_SPACE_END || !address.is_multiple_of(crate::memory::PAGE_SIZE) {
        return None;
    }
    Some(Page::containing_address(VirtAddr::new(address)))
}

fn leaf_flags(permissions: PagePermissions) -> Flags {
    // A page user code may not touch at all stays present for the kernel but loses the user
    // bit, so its contents survive `PROT_NONE`.
    let mut flags = Flags::PRESENT;
    if permissions.is_accessible {
        flags |= Flags::USER_ACCESSIBLE;
    }
    if permissions.is_writable {
        flags |= Flags::WRITABLE;
    }
    if !permissions.is_executable {
        flags |= Flags::NO_EXECUTE;
    }
    flags
}

fn flush_if(is_active: bool, flush: x86_64::structures::paging::mapper::MapperFlush<Size4KiB>) {
    if is_active {
        flush.flush();
    } else {
        flush.ignore();
    }
}
