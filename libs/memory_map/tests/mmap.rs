//! `mmap` and `map_fixed`: Linux's errors, placement and merging.

mod common;

use common::{
    FIXED_ANONYMOUS, PRIVATE_ANONYMOUS, READ_WRITE, area_ranges, check_invariants, new_map, pages,
    range,
};
use errno::Errno;
use linux_raw_sys::general::{
    MAP_32BIT, MAP_ABOVE4G, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN,
    MAP_HUGE_2MB, MAP_HUGETLB, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE,
    MAP_SYNC, PROT_EXEC, PROT_NONE, PROT_READ,
};
use memory_map::{
    AreaKind, FileId, FileMapping, Layout, MMAP_MIN_ADDRESS, MemoryMap, PAGE_SIZE, Protection,
    STACK_GUARD_GAP, TASK_SIZE,
};

const MMAP_BASE: u64 = 0x7fff_f7ff_f000;

#[test]
fn zero_length_is_einval() {
    let mut map = new_map();
    assert_eq!(
        map.mmap(0, 0, READ_WRITE, PRIVATE_ANONYMOUS),
        Err(Errno::EINVAL)
    );
}

#[test]
fn length_that_overflows_when_rounded_is_enomem() {
    let mut map = new_map();
    assert_eq!(
        map.mmap(0, u64::MAX, READ_WRITE, PRIVATE_ANONYMOUS),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        map.mmap(0, TASK_SIZE + 1, READ_WRITE, PRIVATE_ANONYMOUS),
        Err(Errno::ENOMEM)
    );
}

#[test]
fn neither_or_both_of_shared_and_private_is_einval() {
    let mut map = new_map();
    assert_eq!(
        map.mmap(0, PAGE_SIZE, READ_WRITE, MAP_ANONYMOUS),
        Err(Errno::EINVAL)
    );
    let both = MAP_ANONYMOUS | MAP_SHARED | MAP_PRIVATE;
    assert_eq!(map.mmap(0, PAGE_SIZE, READ_WRITE, both), Err(Errno::EINVAL));
    assert_eq!(
        map.mmap(
            0,
            PAGE_SIZE,
            READ_WRITE,
            MAP_ANONYMOUS | MAP_SHARED_VALIDATE
        ),
        Err(Errno::EINVAL)
    );
    assert!(map.areas().is_empty());
}

#[test]
fn shared_validate_with_unknown_flags_on_a_file_is_eopnotsupp() {
    let mut map = new_map();
    let file = FileMapping {
        file: FileId(7),
        offset: 0,
    };
    let flags = MAP_SHARED_VALIDATE | MAP_SYNC;
    assert_eq!(
        map.mmap_file(0, PAGE_SIZE, PROT_READ, flags, file),
        Err(Errno::EOPNOTSUPP)
    );
    let mapped = map
        .mmap_file(0, PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_SYNC, file)
        .unwrap();
    assert!(map.find(mapped.range.start()).unwrap().is_shared());
}

#[test]
fn fixed_address_must_be_aligned_in_range_and_above_the_minimum() {
    let mut map = new_map();
    assert_eq!(
        map.mmap(0x10_0001, PAGE_SIZE, READ_WRITE, FIXED_ANONYMOUS),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map.mmap(TASK_SIZE, PAGE_SIZE, READ_WRITE, FIXED_ANONYMOUS),
        Err(Errno::ENOMEM)
    );
    // The range check comes before the alignment check, as in __get_unmapped_area().
    assert_eq!(
        map.mmap(TASK_SIZE - 1, PAGE_SIZE, READ_WRITE, FIXED_ANONYMOUS),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        map.mmap(0, PAGE_SIZE, READ_WRITE, FIXED_ANONYMOUS),
        Err(Errno::EPERM)
    );
    assert_eq!(
        map.mmap(0xf000, PAGE_SIZE, READ_WRITE, FIXED_ANONYMOUS),
        Err(Errno::EPERM)
    );
    let lowest = map
        .mmap(MMAP_MIN_ADDRESS, PAGE_SIZE, READ_WRITE, FIXED_ANONYMOUS)
        .unwrap();
    assert_eq!(lowest.range, pages(MMAP_MIN_ADDRESS, 1));
    let highest = map
        .mmap(
            TASK_SIZE - PAGE_SIZE,
            PAGE_SIZE,
            READ_WRITE,
            FIXED_ANONYMOUS,
        )
        .unwrap();
    assert_eq!(highest.range.end(), TASK_SIZE);
}

#[test]
fn map_fixed_replaces_and_reports_what_it_replaced() {
    let mut map = new_map();
    common::map_fixed_pages(&mut map, 0x10_0000, 4);
    map.mmap(0x10_6000, 2 * PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    let mapped = map
        .mmap(0x10_2000, 6 * PAGE_SIZE, PROT_NONE, FIXED_ANONYMOUS)
        .unwrap();
    assert_eq!(
        mapped.replaced,
        [range(0x10_2000, 0x10_4000), range(0x10_6000, 0x10_8000)]
    );
    assert_eq!(
        area_ranges(&map),
        [range(0x10_0000, 0x10_2000), range(0x10_2000, 0x10_8000)]
    );
    assert_eq!(map.find(0x10_7000).unwrap().protection(), Protection::NONE);
    check_invariants(&map);
}

#[test]
fn fixed_noreplace_on_an_overlap_is_eexist() {
    let mut map = new_map();
    common::map_fixed_pages(&mut map, 0x10_0000, 4);
    let flags = PRIVATE_ANONYMOUS | MAP_FIXED_NOREPLACE;
    assert_eq!(
        map.mmap(0x10_3000, 2 * PAGE_SIZE, READ_WRITE, flags),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        map.mmap(0x10_4000, 2 * PAGE_SIZE, READ_WRITE, flags)
            .unwrap()
            .range
            .start(),
        0x10_4000
    );
    // Unaligned: MAP_FIXED_NOREPLACE implies MAP_FIXED's checks.
    assert_eq!(
        map.mmap(0x20_0800, PAGE_SIZE, READ_WRITE, flags),
        Err(Errno::EINVAL)
    );
}

#[test]
fn mappings_go_top_down_from_mmap_base() {
    let mut map = new_map();
    let first = map
        .mmap(0, 3 * PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    let second = map
        .mmap(0, PAGE_SIZE, PROT_READ, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(first.range, range(MMAP_BASE - 3 * PAGE_SIZE, MMAP_BASE));
    assert_eq!(
        second.range,
        range(MMAP_BASE - 4 * PAGE_SIZE, MMAP_BASE - 3 * PAGE_SIZE)
    );
    assert!(first.replaced.is_empty() && !first.should_populate);
}

#[test]
fn a_free_hint_is_used_rounded_down_and_a_taken_one_is_not() {
    let mut map = new_map();
    let hinted = map
        .mmap(0x5000_0123, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(hinted.range.start(), 0x5000_0000);
    let taken = map
        .mmap(0x5000_0000, PAGE_SIZE, PROT_READ, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(taken.range.start(), MMAP_BASE - PAGE_SIZE);
    let low = map
        .mmap(0x1000, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(low.range.start(), MMAP_MIN_ADDRESS);
}

#[test]
fn a_hint_that_would_touch_a_stack_guard_gap_is_not_used() {
    let mut map = new_map();
    let stack = range(0x7000_0000, 0x7010_0000);
    map.map_fixed(stack, Protection::READ_WRITE, AreaKind::Stack)
        .unwrap();
    let hint = stack.start() - STACK_GUARD_GAP;
    let inside_gap = map
        .mmap(hint + PAGE_SIZE, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_ne!(inside_gap.range.start(), hint + PAGE_SIZE);
    let below_gap = map
        .mmap(hint - PAGE_SIZE, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(below_gap.range.start(), hint - PAGE_SIZE);
}

#[test]
fn the_search_skips_gaps_too_small_and_keeps_clear_of_stacks() {
    let mut map = new_map();
    map.map_fixed(
        pages(MMAP_BASE - PAGE_SIZE, 1),
        Protection::READ,
        AreaKind::Anonymous,
    )
    .unwrap();
    map.map_fixed(
        pages(MMAP_BASE - 4 * PAGE_SIZE, 2),
        Protection::READ,
        AreaKind::Anonymous,
    )
    .unwrap();
    // The one-page hole at MMAP_BASE - 2 pages is too small for two pages.
    let mapped = map
        .mmap(0, 2 * PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(mapped.range, pages(MMAP_BASE - 6 * PAGE_SIZE, 2));
    let stack_top = MMAP_BASE - 0x100_0000;
    map.map_fixed(
        range(stack_top - 0x1_0000, stack_top),
        Protection::READ_WRITE,
        AreaKind::Stack,
    )
    .unwrap();
    map.munmap(stack_top, MMAP_BASE - 6 * PAGE_SIZE - stack_top)
        .unwrap();
    let below_stack = map
        .mmap(0, 0x100_0000, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(
        below_stack.range.end(),
        stack_top - 0x1_0000 - STACK_GUARD_GAP
    );
}

#[test]
fn when_nothing_fits_below_the_base_the_search_goes_bottom_up() {
    let mut map = MemoryMap::new(Layout {
        mmap_base: 0x20_0000,
        ..Layout::linux_default()
    });
    let mapped = map
        .mmap(0, 0x20_0000, READ_WRITE, PRIVATE_ANONYMOUS)
        .unwrap();
    assert_eq!(mapped.range.start(), memory_map::LEGACY_MMAP_BASE);
}

#[test]
fn map_32bit_searches_the_second_gigabyte_bottom_up() {
    let mut map = new_map();
    let first = map
        .mmap(0, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS | MAP_32BIT)
        .unwrap();
    let second = map
        .mmap(0, PAGE_SIZE, PROT_READ, PRIVATE_ANONYMOUS | MAP_32BIT)
        .unwrap();
    assert_eq!(first.range.start(), 0x4000_0000);
    assert_eq!(second.range.start(), 0x4000_1000);
    assert_eq!(
        map.mmap(0, 0x4000_1000, READ_WRITE, PRIVATE_ANONYMOUS | MAP_32BIT),
        Err(Errno::ENOMEM)
    );
}

#[test]
fn map_above4g_keeps_searches_above_four_gigabytes() {
    let mut map = MemoryMap::new(Layout {
        mmap_base: 0x1_0000_2000,
        ..Layout::linux_default()
    });
    let above = map
        .mmap(0, 0x3000, READ_WRITE, PRIVATE_ANONYMOUS | MAP_ABOVE4G)
        .unwrap();
    assert_eq!(above.range.start(), memory_map::LEGACY_MMAP_BASE);
    let anywhere = map.mmap(0, 0x3000, PROT_READ, PRIVATE_ANONYMOUS).unwrap();
    assert_eq!(anywhere.range.start(), 0xffff_f000);
}

#[test]
fn adjacent_compatible_mappings_merge_like_linux() {
    let mut map = new_map();
    for _ in 0..3 {
        map.mmap(0, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS)
            .unwrap();
    }
    assert_eq!(area_ranges(&map), [pages(MMAP_BASE - 3 * PAGE_SIZE, 3)]);
    map.mmap(0, PAGE_SIZE, PROT_READ, PRIVATE_ANONYMOUS)
        .unwrap();
    map.mmap(0, PAGE_SIZE, READ_WRITE, MAP_SHARED | MAP_ANONYMOUS)
        .unwrap();
    map.mmap(0, PAGE_SIZE, READ_WRITE, MAP_SHARED | MAP_ANONYMOUS)
        .unwrap();
    assert_eq!(
        map.areas().len(),
        4,
        "protections differ and shared memory never merges"
    );
    check_invariants(&map);
}

#[test]
fn file_mappings_merge_only_with_contiguous_offsets_of_the_same_file() {
    let mut map = new_map();
    let flags = MAP_PRIVATE | MAP_FIXED;
    let at = |offset| FileMapping {
        file: FileId(1),
        offset,
    };
    map.mmap_file(0x10_0000, PAGE_SIZE, PROT_READ, flags, at(0))
        .unwrap();
    map.mmap_file(0x10_1000, PAGE_SIZE, PROT_READ, flags, at(PAGE_SIZE))
        .unwrap();
    assert_eq!(map.areas().len(), 1);
    map.mmap_file(0x10_2000, PAGE_SIZE, PROT_READ, flags, at(5 * PAGE_SIZE))
        .unwrap();
    let other_file = FileMapping {
        file: FileId(2),
        offset: 3 * PAGE_SIZE,
    };
    map.mmap_file(0x10_3000, PAGE_SIZE, PROT_READ, flags, other_file)
        .unwrap();
    assert_eq!(map.areas().len(), 3);
    assert_eq!(map.areas()[0].kind(), AreaKind::File(FileId(1)));
    assert_eq!(
        map.mmap_file(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, at(1)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map.mmap_file(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, at(!0xfff)),
        Err(Errno::EOVERFLOW)
    );
}

#[test]
fn populate_and_grows_down_are_reported_and_recorded() {
    let mut map = new_map();
    let populated = map
        .mmap(0, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS | MAP_POPULATE)
        .unwrap();
    assert!(populated.should_populate);
    let grows = map
        .mmap(
            0,
            4 * PAGE_SIZE,
            READ_WRITE,
            PRIVATE_ANONYMOUS | MAP_GROWSDOWN,
        )
        .unwrap();
    assert!(map.find(grows.range.start()).unwrap().is_grows_down());
    let shared_grows = MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN;
    assert_eq!(
        map.mmap(0, PAGE_SIZE, READ_WRITE, shared_grows),
        Err(Errno::EINVAL)
    );
}

#[test]
fn huge_pages_are_not_available() {
    let mut map = new_map();
    let flags = PRIVATE_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB;
    assert_eq!(
        map.mmap(0, 0x20_0000, READ_WRITE, flags),
        Err(Errno::ENOMEM)
    );
}

#[test]
fn exceeding_the_area_limit_is_enomem() {
    let mut map = MemoryMap::new(Layout {
        max_area_count: 3,
        ..Layout::linux_default()
    });
    for index in 0..3 {
        let protection = if index % 2 == 0 { PROT_READ } else { PROT_EXEC };
        map.mmap(0, PAGE_SIZE, protection, PRIVATE_ANONYMOUS)
            .unwrap();
    }
    assert_eq!(
        map.mmap(0, PAGE_SIZE, READ_WRITE, PRIVATE_ANONYMOUS),
        Err(Errno::ENOMEM)
    );
    // A mapping that merges with a neighbour needs no new area.
    assert!(map.mmap(0, PAGE_SIZE, PROT_READ, PRIVATE_ANONYMOUS).is_ok());
    assert_eq!(map.areas().len(), 3);
}

#[test]
fn map_fixed_for_exec_checks_its_range_and_kind() {
    let mut map = new_map();
    assert_eq!(
        map.map_fixed(
            range(0x1000, 0x2000),
            Protection::READ,
            AreaKind::ProgramImage
        ),
        Err(Errno::EPERM)
    );
    assert_eq!(
        map.map_fixed(
            range(TASK_SIZE, TASK_SIZE + PAGE_SIZE),
            Protection::READ,
            AreaKind::ProgramImage
        ),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        map.map_fixed(
            range(0x40_0000, 0x40_1000),
            Protection::READ,
            AreaKind::File(FileId(1))
        ),
        Err(Errno::EINVAL)
    );
    let text = range(0x40_0000, 0x40_2000);
    map.map_fixed(text, Protection::READ_EXECUTE, AreaKind::ProgramImage)
        .unwrap();
    let replaced = map.map_fixed(
        range(0x40_1000, 0x40_3000),
        Protection::READ_WRITE,
        AreaKind::ProgramImage,
    );
    assert_eq!(replaced, Ok(vec![range(0x40_1000, 0x40_2000)]));
    check_invariants(&map);
}
