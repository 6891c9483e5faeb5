//! `madvise`, the page-fault access check, and stack growth.

mod common;

use common::{
    FIXED_ANONYMOUS, area_ranges, check_invariants, map_fixed_pages, new_map, pages, range,
};
use errno::Errno;
use linux_raw_sys::general::{
    MADV_DONTNEED, MADV_FREE, MADV_HWPOISON, MADV_NORMAL, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
    MADV_REMOVE, MADV_WIPEONFORK, MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, MAP_SHARED, PROT_EXEC,
    PROT_NONE, PROT_READ, PROT_WRITE,
};
use memory_map::{
    Access, Advised, AreaKind, FileId, FileMapping, Layout, MemoryMap, PAGE_SIZE, Protection,
    STACK_GUARD_GAP,
};

const BASE: u64 = 0x10_0000;

#[test]
fn madvise_argument_errors_are_einval() {
    let map = new_map();
    assert_eq!(map.madvise(BASE, PAGE_SIZE, 999), Err(Errno::EINVAL));
    assert_eq!(
        map.madvise(BASE, PAGE_SIZE, MADV_HWPOISON),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        map.madvise(BASE + 1, PAGE_SIZE, MADV_NORMAL),
        Err(Errno::EINVAL)
    );
    assert_eq!(map.madvise(BASE, u64::MAX, MADV_NORMAL), Err(Errno::EINVAL));
    assert_eq!(map.madvise(BASE, 0, MADV_DONTNEED), Ok(Advised::default()));
}

#[test]
fn dontneed_reports_the_mapped_pages_to_discard() {
    let mut map = new_map();
    map_fixed_pages(&mut map, BASE, 2);
    map.mmap(BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    let advised = map
        .madvise(BASE + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED)
        .unwrap();
    assert_eq!(advised.discard, [pages(BASE + PAGE_SIZE, 2)]);
    assert_eq!(advised.result(), Ok(()));
    assert_eq!(map.areas().len(), 2, "advice does not split areas");
}

#[test]
fn holes_give_enomem_after_the_mapped_parts_are_advised() {
    let mut map = new_map();
    map_fixed_pages(&mut map, BASE, 1);
    map_fixed_pages(&mut map, BASE + 2 * PAGE_SIZE, 1);
    let advised = map.madvise(BASE, 4 * PAGE_SIZE, MADV_DONTNEED).unwrap();
    assert_eq!(
        advised.discard,
        [pages(BASE, 1), pages(BASE + 2 * PAGE_SIZE, 1)]
    );
    assert_eq!(advised.result(), Err(Errno::ENOMEM));
    assert_eq!(
        map.madvise(0x90_0000, PAGE_SIZE, MADV_NORMAL)
            .unwrap()
            .result(),
        Err(Errno::ENOMEM)
    );
}

#[test]
fn populate_stops_at_the_first_hole_and_checks_protection() {
    let mut map = new_map();
    map_fixed_pages(&mut map, BASE, 1);
    map_fixed_pages(&mut map, BASE + 2 * PAGE_SIZE, 1);
    let advised = map
        .madvise(BASE, 3 * PAGE_SIZE, MADV_POPULATE_WRITE)
        .unwrap();
    assert_eq!(
        (advised.populate, advised.error),
        (vec![pages(BASE, 1)], Some(Errno::ENOMEM))
    );
    map.mprotect(BASE, PAGE_SIZE, PROT_READ).unwrap();
    let read_only = map.madvise(BASE, PAGE_SIZE, MADV_POPULATE_WRITE).unwrap();
    assert_eq!(read_only.result(), Err(Errno::EINVAL));
    let readable = map.madvise(BASE, PAGE_SIZE, MADV_POPULATE_READ).unwrap();
    assert_eq!(
        (readable.populate, readable.error),
        (vec![pages(BASE, 1)], None)
    );
}

/// What `madvise` would make the system call return.
fn result_of(map: &MemoryMap, address: u64, advice: u32) -> Result<(), Errno> {
    map.madvise(address, PAGE_SIZE, advice).unwrap().result()
}

#[test]
fn advice_an_area_cannot_take_stops_with_linuxs_error() {
    let mut map = new_map();
    map_fixed_pages(&mut map, BASE, 1);
    let file = FileMapping {
        file: FileId(3),
        offset: 0,
    };
    let flags = MAP_PRIVATE | MAP_FIXED;
    map.mmap_file(BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ, flags, file)
        .unwrap();
    let free = map.madvise(BASE, 2 * PAGE_SIZE, MADV_FREE).unwrap();
    let expected = (vec![pages(BASE, 1)], Some(Errno::EINVAL));
    assert_eq!(
        (free.discard, free.error),
        expected,
        "MADV_FREE is for anonymous memory"
    );
    assert_eq!(result_of(&map, BASE, MADV_REMOVE), Err(Errno::EINVAL));
    assert_eq!(
        result_of(&map, BASE + PAGE_SIZE, MADV_REMOVE),
        Err(Errno::EACCES)
    );
    assert_eq!(
        result_of(&map, BASE + PAGE_SIZE, MADV_WIPEONFORK),
        Err(Errno::EINVAL)
    );
    assert_eq!(result_of(&map, BASE, MADV_WIPEONFORK), Ok(()));
}

#[test]
fn remove_discards_shared_memory() {
    let mut map = new_map();
    let flags = MAP_SHARED | MAP_ANONYMOUS;
    let shared = map
        .mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, flags)
        .unwrap();
    let removed = map
        .madvise(shared.range.start(), PAGE_SIZE, MADV_REMOVE)
        .unwrap();
    assert_eq!((removed.discard, removed.error), (vec![shared.range], None));
}

#[test]
fn check_access_follows_x86_fault_rules() {
    let mut map = new_map();
    map.mmap(BASE, PAGE_SIZE, PROT_WRITE, FIXED_ANONYMOUS)
        .unwrap();
    map.mmap(BASE + PAGE_SIZE, PAGE_SIZE, PROT_EXEC, FIXED_ANONYMOUS)
        .unwrap();
    map.mmap(BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE, FIXED_ANONYMOUS)
        .unwrap();
    assert!(
        map.check_access(BASE + 5, Access::Read).is_ok(),
        "write-only pages are readable"
    );
    assert!(map.check_access(BASE + 5, Access::Write).is_ok());
    assert_eq!(
        map.check_access(BASE + 5, Access::Execute),
        Err(memory_map::Fault::AccessDenied)
    );
    assert!(map.check_access(BASE + PAGE_SIZE, Access::Execute).is_ok());
    assert_eq!(
        map.check_access(BASE + PAGE_SIZE, Access::Write),
        Err(memory_map::Fault::AccessDenied)
    );
    assert_eq!(
        map.check_access(BASE + 2 * PAGE_SIZE, Access::Read),
        Err(memory_map::Fault::AccessDenied)
    );
    assert_eq!(
        map.check_access(BASE + 3 * PAGE_SIZE, Access::Read),
        Err(memory_map::Fault::NotMapped)
    );
    assert_eq!(
        map.check_access(u64::MAX, Access::Read),
        Err(memory_map::Fault::NotMapped)
    );
}

#[test]
fn check_range_access_covers_every_page_of_a_buffer() {
    let mut map = new_map();
    map_fixed_pages(&mut map, BASE, 2);
    map.mmap(BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, FIXED_ANONYMOUS)
        .unwrap();
    assert_eq!(
        map.check_range_access(BASE + 10, 3 * PAGE_SIZE - 10, Access::Read),
        Ok(())
    );
    let write = map.check_range_access(BASE + 10, 3 * PAGE_SIZE - 10, Access::Write);
    assert_eq!(write, Err(memory_map::Fault::AccessDenied));
    let past = map.check_range_access(BASE, 3 * PAGE_SIZE + 1, Access::Read);
    assert_eq!(past, Err(memory_map::Fault::NotMapped));
    assert_eq!(map.check_range_access(0, 0, Access::Write), Ok(()));
    assert_eq!(
        map.check_range_access(u64::MAX, 2, Access::Read),
        Err(memory_map::Fault::NotMapped)
    );
}

#[test]
fn the_stack_grows_down_to_a_faulting_address() {
    let mut map = new_map();
    let top = 0x7fff_ffff_0000;
    map.map_fixed(
        range(top - 0x2_0000, top),
        Protection::READ_WRITE,
        AreaKind::Stack,
    )
    .unwrap();
    let below = top - 0x2_0000 - 0x1234;
    assert_eq!(
        map.check_access(below, Access::Write),
        Err(memory_map::Fault::NotMapped)
    );
    let grown = map.grow_stack_to(below).unwrap();
    assert_eq!(grown, range(top - 0x2_2000, top - 0x2_0000));
    assert_eq!(area_ranges(&map), [range(top - 0x2_2000, top)]);
    assert!(map.check_access(below, Access::Write).is_ok());
    assert_eq!(
        map.grow_stack_to(top - 0x1000),
        Err(Errno::EFAULT),
        "already mapped"
    );
    check_invariants(&map);
}

#[test]
fn the_stack_stops_at_its_limit_and_at_the_guard_gap() {
    let mut map = MemoryMap::new(Layout {
        stack_limit_bytes: 0x10_0000,
        ..Layout::linux_default()
    });
    let top = 0x7000_0000;
    map.map_fixed(
        range(top - 0x1_0000, top),
        Protection::READ_WRITE,
        AreaKind::Stack,
    )
    .unwrap();
    assert_eq!(
        map.grow_stack_to(top - 0x10_0001),
        Err(Errno::ENOMEM),
        "past RLIMIT_STACK"
    );
    assert!(map.grow_stack_to(top - 0x10_0000).is_ok());
    let neighbour_end = top - 0x10_0000 - STACK_GUARD_GAP;
    map_fixed_pages(&mut map, neighbour_end - PAGE_SIZE, 1);
    map.set_stack_limit(u64::MAX);
    assert_eq!(
        map.grow_stack_to(neighbour_end + 0x1000),
        Err(Errno::ENOMEM),
        "inside the guard gap"
    );
    assert!(
        map.grow_stack_to(neighbour_end + STACK_GUARD_GAP - 0x1000)
            .is_err()
    );
    map.mprotect(neighbour_end - PAGE_SIZE, PAGE_SIZE, PROT_NONE)
        .unwrap();
    assert!(
        map.grow_stack_to(neighbour_end + 0x1000).is_ok(),
        "a PROT_NONE guard does not count"
    );
}

#[test]
fn only_grows_down_areas_grow() {
    let mut map = new_map();
    map_fixed_pages(&mut map, BASE + 0x10_0000, 1);
    assert_eq!(map.grow_stack_to(BASE), Err(Errno::EFAULT));
    assert_eq!(map.grow_stack_to(u64::MAX), Err(Errno::EFAULT));
    map.map_fixed(pages(0x2_0000, 1), Protection::READ_WRITE, AreaKind::Stack)
        .unwrap();
    assert_eq!(
        map.grow_stack_to(0x1000),
        Err(Errno::EPERM),
        "below mmap_min_addr"
    );
}
