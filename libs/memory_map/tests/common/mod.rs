//! Helpers shared by the integration tests: building maps and checking their invariants.
#![allow(
    dead_code,
    reason = "each test crate uses a different subset of the helpers"
)]

use linux_raw_sys::general::{MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_READ, PROT_WRITE};
use memory_map::{
    Area, AreaKind, Layout, MMAP_MIN_ADDRESS, MemoryMap, PAGE_SIZE, Range, TASK_SIZE,
};

/// `PROT_READ | PROT_WRITE`.
pub const READ_WRITE: u32 = PROT_READ | PROT_WRITE;
/// `MAP_PRIVATE | MAP_ANONYMOUS`.
pub const PRIVATE_ANONYMOUS: u32 = MAP_PRIVATE | MAP_ANONYMOUS;
/// `MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED`.
pub const FIXED_ANONYMOUS: u32 = PRIVATE_ANONYMOUS | MAP_FIXED;

/// A map with Linux's default layout.
pub fn new_map() -> MemoryMap {
    MemoryMap::new(Layout::linux_default())
}

/// `start..end`, which the test knows to be valid.
pub fn range(start: u64, end: u64) -> Range {
    Range::new(start, end).expect("test ranges are page aligned")
}

/// `pages` pages from `start`.
pub fn pages(start: u64, pages: u64) -> Range {
    range(start, start + pages * PAGE_SIZE)
}

/// Maps `page_count` read-write private anonymous pages at `address` with `MAP_FIXED`.
pub fn map_fixed_pages(map: &mut MemoryMap, address: u64, page_count: u64) -> Range {
    map.mmap(address, page_count * PAGE_SIZE, READ_WRITE, FIXED_ANONYMOUS)
        .expect("fixed mapping succeeds")
        .range
}

/// The ranges of all areas, in order.
pub fn area_ranges(map: &MemoryMap) -> Vec<Range> {
    map.areas().iter().map(Area::range).collect()
}

/// Whether Linux would merge `lower` with `upper` (which must not both exist in a valid map).
pub fn are_mergeable(lower: &Area, upper: &Area) -> bool {
    let is_private_object = !lower.is_shared() || matches!(lower.kind(), AreaKind::File(_));
    lower.range().end() == upper.range().start()
        && lower.protection() == upper.protection()
        && lower.kind() == upper.kind()
        && lower.is_shared() == upper.is_shared()
        && lower.is_grows_down() == upper.is_grows_down()
        && is_private_object
        && lower.page_offset() + lower.range().page_count() == upper.page_offset()
}

/// Sorted, non-overlapping, inside user space, maximally merged, within the area limit.
pub fn check_invariants(map: &MemoryMap) {
    let areas = map.areas();
    assert!(areas.len() <= map.layout().max_area_count, "too many areas");
    for area in areas {
        assert!(
            area.range().start() >= MMAP_MIN_ADDRESS,
            "area below mmap_min_addr: {area:?}"
        );
        assert!(
            area.range().end() <= TASK_SIZE,
            "area past TASK_SIZE: {area:?}"
        );
    }
    for pair in areas.windows(2) {
        let [lower, upper] = pair else { unreachable!() };
        assert!(
            lower.range().end() <= upper.range().start(),
            "unsorted or overlapping: {pair:?}"
        );
        assert!(!are_mergeable(lower, upper), "left unmerged: {pair:?}");
    }
}
