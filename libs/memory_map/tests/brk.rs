//! `brk`: Linux's raw-system-call semantics, collisions, and what it reports.

mod common;

use common::{area_ranges, check_invariants, map_fixed_pages, new_map, pages, range};
use errno::Errno;
use memory_map::{AreaKind, MemoryMap, PAGE_SIZE, Protection, STACK_GUARD_GAP, TASK_SIZE};

const HEAP: u64 = 0x60_0000;

fn map_with_heap() -> MemoryMap {
    let mut map = new_map();
    map.set_program_break_start(HEAP).unwrap();
    map
}

#[test]
fn brk_below_the_start_returns_the_current_break() {
    let mut map = map_with_heap();
    let change = map.brk(0);
    assert_eq!(change.program_break, HEAP);
    assert!(change.unmapped.is_empty() && change.mapped.is_none());
    assert_eq!(map.brk(HEAP - 1).program_break, HEAP);
}

#[test]
fn growing_maps_heap_pages_and_returns_the_exact_break() {
    let mut map = map_with_heap();
    let change = map.brk(HEAP + 0x2345);
    assert_eq!(change.program_break, HEAP + 0x2345);
    assert_eq!(change.mapped, Some(range(HEAP, HEAP + 0x3000)));
    assert_eq!(map.find(HEAP).unwrap().kind(), AreaKind::Heap);
    assert_eq!(map.find(HEAP).unwrap().protection(), Protection::READ_WRITE);
    let within_page = map.brk(HEAP + 0x2fff);
    assert_eq!(
        (within_page.program_break, within_page.mapped),
        (HEAP + 0x2fff, None)
    );
    let more = map.brk(HEAP + 0x5000);
    assert_eq!(more.mapped, Some(range(HEAP + 0x3000, HEAP + 0x5000)));
    assert_eq!(
        area_ranges(&map),
        [range(HEAP, HEAP + 0x5000)],
        "the heap grows as one area"
    );
    assert_eq!(map.program_break(), HEAP + 0x5000);
}

#[test]
fn shrinking_unmaps_whole_pages_above_the_new_break() {
    let mut map = map_with_heap();
    map.brk(HEAP + 0x5000);
    let change = map.brk(HEAP + 0x1800);
    assert_eq!(change.program_break, HEAP + 0x1800);
    assert_eq!(change.unmapped, [range(HEAP + 0x2000, HEAP + 0x5000)]);
    assert_eq!(area_ranges(&map), [range(HEAP, HEAP + 0x2000)]);
    let to_start = map.brk(HEAP);
    assert_eq!(to_start.unmapped, [range(HEAP, HEAP + 0x2000)]);
    assert!(map.areas().is_empty());
}

#[test]
fn shrinking_fails_when_nothing_is_mapped_there() {
    let mut map = map_with_heap();
    map.brk(HEAP + 0x4000);
    map.munmap(HEAP, 0x4000).unwrap();
    assert_eq!(map.brk(HEAP).program_break, HEAP + 0x4000);
}

#[test]
fn growing_must_leave_a_free_page_below_the_next_mapping() {
    let mut map = map_with_heap();
    map_fixed_pages(&mut map, HEAP + 0x1_0000, 1);
    assert_eq!(map.brk(HEAP + 0x1_0000).program_break, HEAP);
    assert_eq!(map.brk(HEAP + 0xf001).program_break, HEAP);
    assert_eq!(map.brk(HEAP + 0xf000).program_break, HEAP + 0xf000);
    check_invariants(&map);
}

#[test]
fn growing_must_keep_the_guard_gap_below_a_stack() {
    let mut map = map_with_heap();
    let stack_start = HEAP + 0x40_0000;
    map.map_fixed(
        pages(stack_start, 16),
        Protection::READ_WRITE,
        AreaKind::Stack,
    )
    .unwrap();
    let limit = stack_start - STACK_GUARD_GAP - PAGE_SIZE;
    assert_eq!(map.brk(limit + 1).program_break, HEAP);
    assert_eq!(map.brk(limit).program_break, limit);
}

#[test]
fn growing_past_task_size_fails() {
    let mut map = new_map();
    map.set_program_break_start(TASK_SIZE - PAGE_SIZE).unwrap();
    assert_eq!(map.brk(TASK_SIZE + 1).program_break, TASK_SIZE - PAGE_SIZE);
    assert_eq!(map.brk(u64::MAX).program_break, TASK_SIZE - PAGE_SIZE);
}

#[test]
fn the_heap_cannot_grow_from_below_mmap_min_addr() {
    let mut map = new_map();
    assert_eq!(
        map.brk(0x5000).program_break,
        0,
        "no heap before exec sets one"
    );
}

#[test]
fn set_program_break_start_checks_alignment_and_range() {
    let mut map = new_map();
    assert_eq!(map.set_program_break_start(0x60_0001), Err(Errno::EINVAL));
    assert_eq!(
        map.set_program_break_start(TASK_SIZE + PAGE_SIZE),
        Err(Errno::EINVAL)
    );
    assert_eq!(map.set_program_break_start(HEAP), Ok(()));
    assert_eq!(
        (map.program_break_start(), map.program_break()),
        (HEAP, HEAP)
    );
}
