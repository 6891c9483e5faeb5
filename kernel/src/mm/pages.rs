//! Page-level work on a process's page tables, driven by `memory_map`'s reports.
//!
//! Each helper walks only the pages actually present ([`AddressSpace::next_mapped`] skips
//! absent tables), so acting on a huge, mostly untouched range costs the pages touched, not
//! the size of the range: mappings are lazy, and no system call can make the kernel loop over
//! billions of empty pages.

use hal::{
    memory::{PAGE_SIZE, PagePermissions},
    user::AddressSpace,
};
use memory_map::{Protection, Range};

/// The page-table permissions for an area's protection. `PROT_NONE` pages stay present for the
/// kernel but fault for user code, so their contents survive.
pub fn permissions(protection: Protection) -> PagePermissions {
    PagePermissions {
        is_accessible: protection.is_accessible(),
        is_writable: protection.is_writable,
        is_executable: protection.is_executable,
    }
}

/// Calls `action` with each present page of `range`, in address order.
fn for_each_present(
    space: &mut AddressSpace,
    range: Range,
    mut action: impl FnMut(&mut AddressSpace, u64),
) {
    let mut cursor = range.start();
    while let Some(page) = space.next_mapped(cursor..range.end()) {
        action(space, page);
        cursor = page + PAGE_SIZE;
    }
}

/// Unmaps and frees every page of `range` (`munmap`, a shrinking `brk`, `MADV_DONTNEED`):
/// touching them again gives fresh zero pages, or a fault if the area is gone.
/// The page tables left empty are freed too.
pub fn free(space: &mut AddressSpace, range: Range) {
    for_each_present(space, range, |space, page| drop(space.unmap(page)));
    space.release_empty_tables(range.start()..range.end());
}

/// Rewrites the permissions of the pages present in `range` (`mprotect`).
pub fn protect(space: &mut AddressSpace, range: Range, protection: Protection) {
    let permissions = permissions(protection);
    for_each_present(space, range, |space, page| {
        space.protect(page, permissions);
    });
}

/// Moves each page present in `from` to the same offset in `to`, keeping its frame and
/// permissions (`mremap`). `to` must be empty. If a page table cannot be allocated for the
/// destination the page is lost and reads as zero afterwards; the areas have moved already.
pub fn relocate(space: &mut AddressSpace, from: Range, to: Range) {
    for_each_present(space, from, |space, page| {
        let Some((_, permissions)) = space.query(page) else {
            return;
        };
        let Some(frame) = space.unmap(page) else {
            return;
        };
        let destination = to.start() + (page - from.start());
        if space.map(destination, frame, permissions).is_err() {
            log::warn!("mremap: no memory for a page table at {destination:#x}; page dropped");
        }
    });
}
