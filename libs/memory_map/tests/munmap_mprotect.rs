//! `munmap` and `mprotect`: errors, splitting, merging and what they report.

mod common;

use common::{READ_WRITE, area_ranges, check_invariants, map_fixed_pages, new_map, pages, range};
use errno::Errno;
use linux_raw_sys::general::{
    PROT_EXEC, PROT_GROWSDOWN, PROT_GROWSUP, PROT_NONE, PROT_READ, PROT_SEM,
};
use memory_map::{AreaKind, Layout, MemoryMap, PAGE_SIZE, Protection, TASK_SIZE};

#[test]
fn munmap_argument_errors_are_einval() {
    let mut map = new_map();
    assert_eq!(map.munmap(0x10_0800, PAGE_SIZE), Err(Errno::EINVAL));
    assert_eq!(map.munmap(0x10_0000, 0), Err(Errno::EINVAL));
    assert_eq!(map.munmap(TASK_SIZE, PAGE_SIZE), Err(Errno::EINVAL));
    assert_eq!(
        map.munmap(TASK_SIZE - PAGE_SIZE, 2 * PAGE_SIZE),
        Err(Errno::EINVAL)
    );
    assert_eq!(map.munmap(0x10_0000, u64::MAX), Err(Errno::EINVAL));
}

#[test]
fn munmap_of_nothing_succeeds_and_reports_nothing() {
    let mut map = new_map();
    assert_eq!(map.munmap(0x10_0000, PAGE_SIZE), Ok(vec![]));
    assert_eq!(map.munmap(0, PAGE_SIZE), Ok(vec![]));
}

#[test]
fn munmap_of_the_middle_splits_the_area() {
    let mut map = new_map();
    map_fixed_pages(&mut map, 0x10_0000, 8);
    let removed = map.munmap(0x10_2000, 3 * PAGE_SIZE).unwrap();
    assert_eq!(removed, [pages(0x10_2000, 3)]);
    assert_eq!(
        area_ranges(&map),
        [pages(0x10_0000, 2), pages(0x10_5000, 3)]
    );
    assert_eq!(
        map.areas()[1].page_offset(),
        0x105,
        "the upper part keeps its page offset"
    );
    check_invariants(&map);
}

#[test]
fn munmap_spanning_several_areas_and_holes_reports_only_mapped_pages() {
    let mut map = new_map();
    map_fixed_pages(&mut map, 0x10_0000, 4);
    map.mmap(0x10_4000, 2 * PAGE_SIZE, PROT_READ, common::FIXED_ANONYMOUS)
        .unwrap();
    map_fixed_pages(&mut map, 0x10_8000, 4);
    let removed = map.munmap(0x10_1000, 9 * PAGE_SIZE).unwrap();
    assert_eq!(
        removed,
        [range(0x10_1000, 0x10_6000), range(0x10_8000, 0x10_a000)]
    );
    assert_eq!(
        area_ranges(&map),
        [pages(0x10_0000, 1), pages(0x10_a000, 2)]
    );
    check_invariants(&map);
}

#[test]
fn munmap_that_would_exceed_the_area_limit_is_enomem() {
    let mut map = MemoryMap::new(Layout {
        max_area_count: 1,
        ..Layout::linux_default()
    });
    map_fixed_pages(&mut map, 0x10_0000, 4);
    assert_eq!(map.munmap(0x10_1000, PAGE_SIZE), Err(Errno::ENOMEM));
    assert_eq!(area_ranges(&map), [pages(0x10_0000, 4)]);
    assert_eq!(
        map.munmap(0x10_0000, PAGE_SIZE),
        Ok(vec![pages(0x10_0000, 1)])
    );
}

#[test]
fn mprotect_of_the_middle_splits_and_reports_the_change() {
    let mut map = new_map();
    map_fixed_pages(&mut map, 0x10_0000, 8);
    let changed = map.mprotect(0x10_2000, 2 * PAGE_SIZE, PROT_READ).unwrap();
    assert_eq!(changed, [(pages(0x10_2000, 2), Protection::READ)]);
    assert_eq!(
        area_ranges(&map),
        [
            pages(0x10_0000, 2),
            pages(0x10_2000, 2),
            pages(0x10_4000, 4)
        ]
    );
    assert_eq!(map.find(0x10_3fff).unwrap().protection(), Protection::READ);
    let restored = map.mprotect(0x10_2000, 2 * PAGE_SIZE, READ_WRITE).unwrap();
    assert_eq!(restored, [(pages(0x10_2000, 2), Protection::READ_WRITE)]);
    assert_eq!(
        area_ranges(&map),
        [pages(0x10_0000, 8)],
        "restoring merges the three again"
    );
}

#[test]
fn mprotect_across_areas_reports_only_what_changes() {
    let mut map = new_map();
    map_fixed_pages(&mut map, 0x10_0000, 2);
    map.mmap(0x10_2000, 2 * PAGE_SIZE, PROT_READ, common::FIXED_ANONYMOUS)
        .unwrap();
    let changed = map.mprotect(0x10_0000, 4 * PAGE_SIZE, PROT_READ).unwrap();
    assert_eq!(changed, [(pages(0x10_0000, 2), Protection::READ)]);
    assert_eq!(area_ranges(&map), [pages(0x10_0000, 4)]);
}

#[test]
fn mprotect_argument_errors_follow_linuxs_order() {
    let mut map = new_map();
    map_fixed_pages(&mut map, 0x10_0000, 4);
    let both = PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP;
    assert_eq!(map.mprotect(0x10_0000, PAGE_SIZE, both), Err(Errno::EINVAL));
    assert_eq!(
        map.mprotect(0x10_0001, PAGE_SIZE, PROT_READ),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map.mprotect(0x10_0000, 0, 0xff),
        Ok(vec![]),
        "zero length succeeds before prot checks"
    );
    assert_eq!(
        map.mprotect(0x10_0000, u64::MAX, PROT_READ),
        Err(Errno::ENOMEM)
    );
    assert_eq!(map.mprotect(0x10_0000, PAGE_SIZE, 0x40), Err(Errno::EINVAL));
    assert_eq!(
        map.mprotect(0x10_0000, PAGE_SIZE, PROT_READ | PROT_SEM)
            .map(|changed| changed.len()),
        Ok(1)
    );
    assert_eq!(
        map.mprotect(0x10_0000, PAGE_SIZE, PROT_READ | PROT_GROWSUP),
        Err(Errno::EINVAL)
    );
}

#[test]
fn mprotect_over_a_hole_is_enomem_and_changes_nothing() {
    let mut map = new_map();
    map_fixed_pages(&mut map, 0x10_0000, 2);
    map_fixed_pages(&mut map, 0x10_3000, 2);
    let before = map.areas().to_vec();
    assert_eq!(
        map.mprotect(0x10_0000, 5 * PAGE_SIZE, PROT_NONE),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        map.mprotect(0x10_2000, PAGE_SIZE, PROT_NONE),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        map.mprotect(0x10_4000, 2 * PAGE_SIZE, PROT_NONE),
        Err(Errno::ENOMEM)
    );
    assert_eq!(map.areas(), before);
}

#[test]
fn mprotect_growsdown_extends_to_the_start_of_a_stack() {
    let mut map = new_map();
    let stack = range(0x7000_0000, 0x7001_0000);
    map.map_fixed(stack, Protection::READ_WRITE, AreaKind::Stack)
        .unwrap();
    let changed = map
        .mprotect(
            0x7000_8000,
            PAGE_SIZE,
            READ_WRITE | PROT_EXEC | PROT_GROWSDOWN,
        )
        .unwrap();
    assert_eq!(
        changed,
        [(
            range(0x7000_0000, 0x7000_9000),
            Protection::READ_WRITE_EXECUTE
        )]
    );
    map_fixed_pages(&mut map, 0x10_0000, 1);
    assert_eq!(
        map.mprotect(0x10_0000, PAGE_SIZE, PROT_READ | PROT_GROWSDOWN),
        Err(Errno::EINVAL)
    );
}
