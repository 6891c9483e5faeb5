//! `mremap`: flag rules, in-place resizing, moves, and what the kernel is told to do.

mod common;

use common::{
    FIXED_ANONYMOUS, area_ranges, check_invariants, map_fixed_pages, new_map, pages, range,
};
use errno::Errno;
use linux_raw_sys::general::{MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE, PROT_READ};
use memory_map::{AreaKind, Layout, MemoryMap, PAGE_SIZE, PageMove, Protection, Remap};

const OLD: u64 = 0x10_0000;
const MMAP_BASE: u64 = 0x7fff_f7ff_f000;

#[test]
fn flag_and_alignment_errors_are_einval() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 4);
    let page = PAGE_SIZE;
    assert_eq!(map.mremap(OLD, page, page, 0x80, 0), Err(Errno::EINVAL));
    assert_eq!(
        map.mremap(OLD, page, page, MREMAP_FIXED, 0x20_0000),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map.mremap(OLD, page, 2 * page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map.mremap(OLD, page, page, MREMAP_DONTUNMAP, 0),
        Err(Errno::EINVAL)
    );
    assert_eq!(map.mremap(OLD + 1, page, page, 0, 0), Err(Errno::EINVAL));
    assert_eq!(map.mremap(OLD, page, 0, 0, 0), Err(Errno::EINVAL));
    let fixed = MREMAP_MAYMOVE | MREMAP_FIXED;
    assert_eq!(
        map.mremap(OLD, page, page, fixed, 0x20_0800),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map.mremap(OLD, 2 * page, page, fixed, OLD + page),
        Err(Errno::EINVAL),
        "overlap"
    );
    assert_eq!(
        map.mremap(OLD, 0, 2 * page, MREMAP_MAYMOVE, 0),
        Err(Errno::EINVAL),
        "duplicate"
    );
}

#[test]
fn an_old_range_not_inside_one_area_is_efault() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 2);
    map.mmap(OLD + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    assert_eq!(
        map.mremap(0x50_0000, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, 0),
        Err(Errno::EFAULT)
    );
    let across = map.mremap(OLD, 3 * PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
    assert_eq!(across, Err(Errno::EFAULT));
}

#[test]
fn equal_sizes_change_nothing() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 2);
    let remap = map.mremap(OLD, 2 * PAGE_SIZE, 2 * PAGE_SIZE, 0, 0).unwrap();
    assert_eq!(
        remap,
        Remap {
            address: OLD,
            unmapped: vec![],
            moved: None
        }
    );
}

#[test]
fn shrinking_unmaps_the_tail_in_place() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 4);
    let remap = map.mremap(OLD, 4 * PAGE_SIZE, PAGE_SIZE + 1, 0, 0).unwrap();
    assert_eq!(
        remap,
        Remap {
            address: OLD,
            unmapped: vec![pages(OLD + 2 * PAGE_SIZE, 2)],
            moved: None
        }
    );
    assert_eq!(area_ranges(&map), [pages(OLD, 2)]);
}

#[test]
fn growing_in_place_extends_the_area_when_the_pages_above_are_free() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 2);
    let remap = map.mremap(OLD, 2 * PAGE_SIZE, 5 * PAGE_SIZE, 0, 0).unwrap();
    assert_eq!(
        remap,
        Remap {
            address: OLD,
            unmapped: vec![],
            moved: None
        }
    );
    assert_eq!(area_ranges(&map), [pages(OLD, 5)]);
    assert_eq!(map.areas()[0].page_offset(), OLD / PAGE_SIZE);
}

#[test]
fn growing_into_a_neighbour_without_maymove_is_enomem() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 2);
    map.mmap(OLD + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    assert_eq!(
        map.mremap(OLD, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        map.mremap(OLD, PAGE_SIZE, 2 * PAGE_SIZE, 0, 0),
        Err(Errno::ENOMEM),
        "not at the end"
    );
    assert_eq!(
        area_ranges(&map),
        [pages(OLD, 2), pages(OLD + 3 * PAGE_SIZE, 1)]
    );
}

#[test]
fn growing_with_maymove_moves_to_a_free_range_and_reports_the_move() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 2);
    map.mmap(OLD + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    let remap = map
        .mremap(OLD, 2 * PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE, 0)
        .unwrap();
    let destination = MMAP_BASE - 4 * PAGE_SIZE;
    assert_eq!(remap.address, destination);
    assert!(remap.unmapped.is_empty());
    assert_eq!(
        remap.moved,
        Some(PageMove {
            from: pages(OLD, 2),
            to: pages(destination, 2)
        })
    );
    assert_eq!(
        area_ranges(&map),
        [pages(OLD + 2 * PAGE_SIZE, 1), pages(destination, 4)]
    );
    assert_eq!(
        map.find(destination).unwrap().page_offset(),
        OLD / PAGE_SIZE,
        "vm_pgoff moves along"
    );
    check_invariants(&map);
}

#[test]
fn moved_memory_does_not_merge_with_unrelated_neighbours() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 1);
    map_fixed_pages(&mut map, 0x30_0000, 1);
    let fixed = MREMAP_MAYMOVE | MREMAP_FIXED;
    map.mremap(OLD, PAGE_SIZE, PAGE_SIZE, fixed, 0x30_1000)
        .unwrap();
    assert_eq!(
        area_ranges(&map),
        [pages(0x30_0000, 1), pages(0x30_1000, 1)]
    );
    check_invariants(&map);
}

#[test]
fn fixed_replaces_the_destination_and_unmaps_a_shrunk_tail() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 4);
    map.mmap(0x30_0000, 8 * PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    let fixed = MREMAP_MAYMOVE | MREMAP_FIXED;
    let remap = map
        .mremap(OLD, 4 * PAGE_SIZE, 2 * PAGE_SIZE, fixed, 0x30_2000)
        .unwrap();
    assert_eq!(remap.address, 0x30_2000);
    assert_eq!(
        remap.unmapped,
        [pages(0x30_2000, 2), pages(OLD + 2 * PAGE_SIZE, 2)]
    );
    assert_eq!(
        remap.moved,
        Some(PageMove {
            from: pages(OLD, 2),
            to: pages(0x30_2000, 2)
        })
    );
    assert_eq!(
        area_ranges(&map),
        [
            pages(0x30_0000, 2),
            pages(0x30_2000, 2),
            pages(0x30_4000, 4)
        ]
    );
    assert_eq!(
        map.find(0x30_2000).unwrap().protection(),
        Protection::READ_WRITE
    );
}

#[test]
fn fixed_below_mmap_min_addr_is_eperm_and_changes_nothing() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 2);
    let before = map.areas().to_vec();
    let fixed = MREMAP_MAYMOVE | MREMAP_FIXED;
    assert_eq!(
        map.mremap(OLD, 2 * PAGE_SIZE, PAGE_SIZE, fixed, 0x1000),
        Err(Errno::EPERM)
    );
    assert_eq!(map.areas(), before);
}

#[test]
fn dontunmap_keeps_the_old_range_mapped() {
    let mut map = new_map();
    map_fixed_pages(&mut map, OLD, 2);
    let flags = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
    let remap = map
        .mremap(OLD, 2 * PAGE_SIZE, 2 * PAGE_SIZE, flags, 0x40_0000)
        .unwrap();
    assert_eq!(remap.address, 0x40_0000, "new_address is a hint");
    assert_eq!(
        remap.moved,
        Some(PageMove {
            from: pages(OLD, 2),
            to: pages(0x40_0000, 2)
        })
    );
    assert_eq!(area_ranges(&map), [pages(OLD, 2), pages(0x40_0000, 2)]);
}

#[test]
fn a_moved_heap_is_plain_anonymous_memory() {
    let mut map = new_map();
    map.set_program_break_start(0x60_0000).unwrap();
    map.brk(0x60_2000);
    let remap = map.mremap(
        0x60_0000,
        2 * PAGE_SIZE,
        2 * PAGE_SIZE,
        MREMAP_MAYMOVE | MREMAP_FIXED,
        0x90_0000,
    );
    assert_eq!(remap.map(|remap| remap.address), Ok(0x90_0000));
    assert_eq!(map.find(0x90_0000).unwrap().kind(), AreaKind::Anonymous);
}

#[test]
fn moving_near_the_area_limit_is_enomem() {
    let mut map = MemoryMap::new(Layout {
        max_area_count: 4,
        ..Layout::linux_default()
    });
    map_fixed_pages(&mut map, OLD, 2);
    map.mmap(OLD + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    assert_eq!(
        map.mremap(OLD, 2 * PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE, 0),
        Err(Errno::ENOMEM)
    );
    assert_eq!(map.areas().len(), 2);
    assert_eq!(
        map.find(OLD).unwrap().range(),
        range(OLD, OLD + 2 * PAGE_SIZE)
    );
}
