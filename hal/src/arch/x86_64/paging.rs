//! Kernel page tables: built once at boot, then extended for kernel stacks.
//!
//! Boot builds a fresh PML4 with two parts: the direct map of all physical memory at
//! [`DIRECT_MAP_BASE`] in 2 MiB pages (write-back over RAM, uncached over the holes where
//! devices live), and the kernel image at [`KERNEL_IMAGE_BASE`] in 4 KiB pages with the
//! permissions of each section (text read-execute, rodata read-only, data read-write, never
//! writable and executable at once). The identity map of the trampoline is dropped.
//! Frames for these tables come from a bump allocator inside the boot window, because the
//! direct map does not exist yet; afterwards, from the buddy allocator.

use core::ops::Range;

use x86_64::{
    PhysAddr, VirtAddr,
    registers::control::{Cr3, Cr3Flags},
    structures::paging::{
        FrameAllocator, Mapper, OffsetPageTable, Page, PageSize, PageTable,
        PageTableFlags as Flags, PhysFrame, Size2MiB, Size4KiB, Translate, mapper::TranslateResult,
    },
};

use super::layout::{
    BOOT_WINDOW_BYTES, DIRECT_MAP_BASE, DIRECT_MAP_BYTES, KERNEL_HEAP_BASE, KERNEL_IMAGE_BASE,
    KERNEL_STACKS_BASE, LOW_MEMORY_END, kernel_sections,
};
use crate::{
    boot_info::{BootInfo, MemoryKind},
    memory::{PAGE_SIZE, direct_map, frames, ranges},
    sync::IrqSpinLock,
};

const FOUR_GIB: u64 = 1 << 32;

/// Physical address of the kernel's PML4, whose upper half every address space shares.
static KERNEL_ROOT: spin::Once<u64> = spin::Once::new();

/// The kernel's page tables after boot, reached through the direct map.
static KERNEL_PAGE_TABLE: IrqSpinLock<Option<OffsetPageTable<'static>>> = IrqSpinLock::new(None);

/// Hands out zeroed frames in order from one usable range inside the boot window.
pub struct BootFrameAllocator {
    range: Range<u64>,
    next: u64,
}

impl BootFrameAllocator {
    /// Picks the largest usable range below the boot-window end that avoids `reserved`.
    pub fn new(info: &BootInfo, reserved: &[Range<u64>]) -> Self {
        let mut best = 0..0;
        for region in info
            .memory_regions()
            .filter(|region| region.kind == MemoryKind::Usable)
        {
            let start = region.range.start.max(LOW_MEMORY_END);
            let end = region.range.end.min(BOOT_WINDOW_BYTES);
            ranges::subtract(start..end, reserved, &mut |free| {
                if free.end - free.start > best.end - best.start {
                    best = free;
                }
            });
        }
        let start = best.start.next_multiple_of(PAGE_SIZE);
        Self {
            range: start..best.end,
            next: start,
        }
    }

    /// Takes `bytes` (rounded up to whole pages), zeroed; `None` when the range is used up.
    pub fn allocate_bytes(&mut self, bytes: u64) -> Option<Range<u64>> {
        let start = self.next;
        let end = start.checked_add(bytes.next_multiple_of(PAGE_SIZE))?;
        if end > self.range.end {
            return None;
        }
        self.next = end;
        let window = (KERNEL_IMAGE_BASE + start) as *mut u8;
        // SAFETY: `start..end` is usable RAM inside the boot window, which the trampoline maps
        // writable at KERNEL_IMAGE_BASE; it avoids the kernel image and initrd, and no one else
        // has been given it.
        unsafe { window.write_bytes(0, (end - start) as usize) };
        Some(start..end)
    }

    /// The physical range handed out so far, to be reserved for good.
    pub fn used(&self) -> Range<u64> {
        self.range.start..self.next
    }
}

// SAFETY: every frame returned is unused, zeroed, 4 KiB aligned RAM that is never returned twice.
unsafe impl FrameAllocator<Size4KiB> for BootFrameAllocator {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        let range = self.allocate_bytes(PAGE_SIZE)?;
        Some(PhysFrame::containing_address(PhysAddr::new(range.start)))
    }
}

/// Builds the kernel page tables, switches to them, and keeps them for later mappings.
pub fn build_and_switch(info: &BootInfo, frames: &mut BootFrameAllocator) {
    let pml4_frame = frames
        .allocate_frame()
        .expect("no memory for the kernel page tables");
    let pml4_pointer = (KERNEL_IMAGE_BASE + pml4_frame.start_address().as_u64()) as *mut PageTable;
    // SAFETY: the frame is freshly allocated, zeroed, reachable through the boot window, and
    // referenced from nowhere else.
    let pml4 = unsafe { &mut *pml4_pointer };
    // SAFETY: the boot window maps physical memory at KERNEL_IMAGE_BASE, and the bump allocator
    // places every table the mapper creates inside it.
    let mut builder = unsafe { OffsetPageTable::new(pml4, VirtAddr::new(KERNEL_IMAGE_BASE)) };
    map_direct_map(&mut builder, frames, info);
    map_kernel_image(&mut builder, frames);
    create_top_level_entries(builder.level_4_table_mut(), frames);
    // SAFETY: the new tables map the kernel image at the addresses it runs at (including the
    // boot stack in `.boot`) and all of physical memory, so execution continues unchanged.
    unsafe { Cr3::write(pml4_frame, Cr3Flags::empty()) };
    let pml4_virtual = (DIRECT_MAP_BASE + pml4_frame.start_address().as_u64()) as *mut PageTable;
    // SAFETY: the PML4 stays allocated for ever and is only reached through this one mapper,
    // under the lock; the builder that also referenced it is gone.
    let pml4 = unsafe { &mut *pml4_virtual };
    // SAFETY: the direct map covers every page-table frame, old and future.
    let mapper = unsafe { OffsetPageTable::new(pml4, VirtAddr::new(DIRECT_MAP_BASE)) };
    *KERNEL_PAGE_TABLE.lock() = Some(mapper);
    KERNEL_ROOT.call_once(|| pml4_frame.start_address().as_u64());
}

/// Gives the heap and kernel-stack areas their top-level entries now, so that mappings made
/// there later land in tables that every user address space already shares.
fn create_top_level_entries(pml4: &mut PageTable, frames: &mut BootFrameAllocator) {
    for base in [KERNEL_HEAP_BASE, KERNEL_STACKS_BASE] {
        let entry = &mut pml4[VirtAddr::new(base).p4_index()];
        if entry.is_unused() {
            let table = frames
                .allocate_frame()
                .expect("no memory for the kernel page tables");
            entry.set_frame(table, Flags::PRESENT | Flags::WRITABLE);
        }
    }
}

/// Physical address of the kernel's PML4.
pub(super) fn kernel_root() -> u64 {
    *KERNEL_ROOT
        .get()
        .expect("kernel page tables are built at boot")
}

/// Switches to the kernel's own tables (no user half), e.g. before freeing the active ones.
pub(super) fn activate_kernel_tables() {
    let frame = PhysFrame::containing_address(PhysAddr::new(kernel_root()));
    // SAFETY: the kernel tables map everything the kernel uses, and live for ever.
    unsafe { Cr3::write(frame, Cr3Flags::empty()) };
}

fn map_direct_map(
    mapper: &mut OffsetPageTable<'_>,
    frames: &mut BootFrameAllocator,
    info: &BootInfo,
) {
    let highest = info
        .memory_regions()
        .map(|region| region.range.end)
        .max()
        .unwrap_or(0);
    let top = highest
        .max(FOUR_GIB)
        .next_multiple_of(Size2MiB::SIZE)
        .min(DIRECT_MAP_BYTES);
    direct_map::set_mapped_end(top);
    for physical in (0..top).step_by(Size2MiB::SIZE as usize) {
        let is_memory = info.memory_regions().any(|region| {
            region.kind != MemoryKind::Reserved
                && region.range.start < physical + Size2MiB::SIZE
                && physical < region.range.end
        });
        let mut flags = Flags::PRESENT | Flags::WRITABLE | Flags::NO_EXECUTE | Flags::GLOBAL;
        if !is_memory {
            flags |= Flags::NO_CACHE | Flags::WRITE_THROUGH;
        }
        let page = Page::<Size2MiB>::containing_address(VirtAddr::new(DIRECT_MAP_BASE + physical));
        let frame = PhysFrame::<Size2MiB>::containing_address(PhysAddr::new(physical));
        // SAFETY: the tables being built are not active yet; the direct map aliases memory
        // but creating an alias mapping is memory-safe until someone dereferences it.
        unsafe { mapper.map_to(page, frame, flags, frames) }
            .unwrap_or_else(|error| {
                panic!("cannot map physical {physical:#x} in the direct map: {error:?}")
            })
            .ignore();
    }
}

fn map_kernel_image(mapper: &mut OffsetPageTable<'_>, frames: &mut BootFrameAllocator) {
    let sections = kernel_sections();
    let data = Flags::PRESENT | Flags::WRITABLE | Flags::NO_EXECUTE | Flags::GLOBAL;
    let boot = sections.boot_physical.start + KERNEL_IMAGE_BASE
        ..sections.boot_physical.end + KERNEL_IMAGE_BASE;
    map_kernel_range(mapper, frames, boot, data);
    map_kernel_range(
        mapper,
        frames,
        sections.text,
        Flags::PRESENT | Flags::GLOBAL,
    );
    map_kernel_range(
        mapper,
        frames,
        sections.rodata,
        Flags::PRESENT | Flags::NO_EXECUTE | Flags::GLOBAL,
    );
    map_kernel_range(mapper, frames, sections.data, data);
}

fn map_kernel_range(
    mapper: &mut OffsetPageTable<'_>,
    frames: &mut BootFrameAllocator,
    virtual_range: Range<u64>,
    flags: Flags,
) {
    for address in virtual_range.step_by(PAGE_SIZE as usize) {
        let page = Page::<Size4KiB>::containing_address(VirtAddr::new(address));
        let frame = PhysFrame::containing_address(PhysAddr::new(address - KERNEL_IMAGE_BASE));
        // SAFETY: maps the kernel image at its link address onto the frames it was loaded in.
        unsafe { mapper.map_to(page, frame, flags, frames) }
            .unwrap_or_else(|error| {
                panic!("cannot map the kernel image at {address:#x}: {error:?}")
            })
            .ignore();
    }
}

/// Adapts the buddy allocator to the `x86_64` crate's page-table allocation.
pub(super) struct BuddyFrames;

// SAFETY: frames from the buddy allocator are unused until freed; they are zeroed here.
unsafe impl FrameAllocator<Size4KiB> for BuddyFrames {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        let physical = frames::allocate_zeroed(0)?;
        Some(PhysFrame::containing_address(PhysAddr::new(physical)))
    }
}

/// Why a kernel mapping could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// The page tables are not built yet.
    NotReady,
    /// The page is mapped already, or page-table memory ran out.
    Refused,
}

/// Maps one kernel page read-write, never executable.
pub fn map_kernel_data_page(virtual_address: u64, physical_address: u64) -> Result<(), MapError> {
    let mut guard = KERNEL_PAGE_TABLE.lock();
    let mapper = guard.as_mut().ok_or(MapError::NotReady)?;
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(virtual_address));
    let frame = PhysFrame::containing_address(PhysAddr::new(physical_address));
    let flags = Flags::PRESENT | Flags::WRITABLE | Flags::NO_EXECUTE | Flags::GLOBAL;
    // SAFETY: callers map fresh frames at addresses of the kernel-stack area that nothing else
    // uses, so no existing reference is invalidated.
    let flush = unsafe { mapper.map_to(page, frame, flags, &mut BuddyFrames) }
        .map_err(|_| MapError::Refused)?;
    flush.flush();
    Ok(())
}

/// Unmaps one kernel page and returns the frame it mapped.
pub fn unmap_kernel_page(virtual_address: u64) -> Option<u64> {
    let mut guard = KERNEL_PAGE_TABLE.lock();
    let mapper = guard.as_mut()?;
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(virtual_address));
    let (frame, flush) = mapper.unmap(page).ok()?;
    flush.flush();
    Some(frame.start_address().as_u64())
}

/// Whether `virtual_address` is mapped in the kernel tables (`None` if the tables are busy).
pub fn is_kernel_address_mapped(virtual_address: u64) -> Option<bool> {
    let guard = KERNEL_PAGE_TABLE.try_lock()?;
    let mapper = guard.as_ref()?;
    Some(!matches!(
        mapper.translate(VirtAddr::new(virtual_address)),
        TranslateResult::NotMapped | TranslateResult::InvalidFrameAddress(_)
    ))
}
