//! The overcommit heuristic: one `mmap`, `brk` or `mremap` growth larger than RAM and swap
//! fails with `ENOMEM` (Linux's `OVERCOMMIT_GUESS`), unless the memory is not charged.

mod common;

use common::{PRIVATE_ANONYMOUS, READ_WRITE, check_invariants, pages};
use errno::Errno;
use linux_raw_sys::general::{MAP_ANONYMOUS, MAP_NORESERVE, MAP_SHARED, MREMAP_MAYMOVE, PROT_READ};
use memory_map::{Layout, MemoryMap, PAGE_SIZE};

/// A machine with 16 pages of RAM and swap.
const LIMIT_PAGES: u64 = 16;
const HEAP: u64 = 0x60_0000;

fn small_machine() -> MemoryMap {
    let mut map = MemoryMap::new(Layout {
        commit_limit_pages: LIMIT_PAGES,
        ..Layout::linux_default()
    });
    map.set_program_break_start(HEAP).unwrap();
    map
}

#[test]
fn a_writable_private_mapping_larger_than_memory_is_refused() {
    let mut map = small_machine();
    let too_big = (LIMIT_PAGES + 1) * PAGE_SIZE;
    assert_eq!(
        map.mmap(0, too_big, READ_WRITE, PRIVATE_ANONYMOUS),
        Err(Errno::ENOMEM)
    );
    assert!(map.areas().is_empty());
    assert!(
        map.mmap(0, LIMIT_PAGES * PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
            .is_ok()
    );
    check_invariants(&map);
}

#[test]
fn uncharged_mappings_may_be_larger_than_memory() {
    let mut map = small_machine();
    let too_big = (LIMIT_PAGES + 1) * PAGE_SIZE;
    let no_reserve = PRIVATE_ANONYMOUS | MAP_NORESERVE;
    assert!(map.mmap(0, too_big, READ_WRITE, no_reserve).is_ok());
    assert!(map.mmap(0, too_big, PROT_READ, PRIVATE_ANONYMOUS).is_ok());
    let shared = MAP_SHARED | MAP_ANONYMOUS;
    assert_eq!(map.mmap(0, too_big, PROT_READ, shared), Err(Errno::ENOMEM));
    assert!(
        map.mmap(0, too_big, PROT_READ, shared | MAP_NORESERVE)
            .is_ok()
    );
}

#[test]
fn the_heap_cannot_grow_by_more_than_memory_at_once() {
    let mut map = small_machine();
    let refused = map.brk(HEAP + (LIMIT_PAGES + 1) * PAGE_SIZE);
    assert_eq!((refused.program_break, refused.mapped), (HEAP, None));
    let limit = HEAP + LIMIT_PAGES * PAGE_SIZE;
    assert_eq!(map.brk(limit).program_break, limit);
    // The check is per call, as Linux's heuristic is: the commit is not tracked.
    let twice = limit + LIMIT_PAGES * PAGE_SIZE;
    assert_eq!(map.brk(twice).program_break, twice);
}

#[test]
fn mremap_growth_is_charged_for_writable_private_memory() {
    let mut map = small_machine();
    let start = map
        .mmap(0, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap()
        .range
        .start();
    let too_big = (LIMIT_PAGES + 2) * PAGE_SIZE;
    assert_eq!(
        map.mremap(start, PAGE_SIZE, too_big, MREMAP_MAYMOVE, 0),
        Err(Errno::ENOMEM)
    );
    assert_eq!(map.areas()[0].range(), pages(start, 1));
    let read_only = map
        .mmap(0, PAGE_SIZE, PROT_READ, PRIVATE_ANONYMOUS)
        .unwrap()
        .range
        .start();
    assert!(
        map.mremap(read_only, PAGE_SIZE, too_big, MREMAP_MAYMOVE, 0)
            .is_ok()
    );
    check_invariants(&map);
}
