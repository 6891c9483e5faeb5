//! Every entry point with arbitrary arguments: no panics, and the invariants always hold.

use linux_raw_sys::general::{MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE};
use memory_map::{
    Access, AreaKind, FileId, FileMapping, Layout, MemoryMap, PAGE_SIZE, Protection, Range,
};

use crate::{WINDOW_PAGES, WINDOW_START, common::check_invariants, random::Xorshift};

/// Calls per seed.
const CALLS: usize = 20_000;

/// Mostly raw 64-bit noise, sometimes a plausible window address or length.
fn argument(random: &mut Xorshift) -> u64 {
    match random.below(4) {
        0 => random.next(),
        1 => WINDOW_START + random.below(WINDOW_PAGES * PAGE_SIZE),
        2 => random.below(16) * PAGE_SIZE,
        _ => random.address(),
    }
}

/// Flags words: noise, or noise over a plausible base.
fn flags(random: &mut Xorshift) -> u32 {
    let noise = random.next() as u32;
    match random.below(3) {
        0 => noise,
        1 => MAP_PRIVATE | MAP_ANONYMOUS | (noise & 0xffff),
        _ => MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
    }
}

fn kind(random: &mut Xorshift) -> AreaKind {
    [
        AreaKind::Anonymous,
        AreaKind::ProgramImage,
        AreaKind::Heap,
        AreaKind::Stack,
        AreaKind::File(FileId(1)),
    ][random.below(5) as usize]
}

fn call_one(map: &mut MemoryMap, random: &mut Xorshift) {
    let (first, second, third) = (argument(random), argument(random), argument(random));
    let word = random.next() as u32;
    match random.below(11) {
        0 => drop(map.mmap(first, second, word, flags(random))),
        1 => drop(map.mmap_file(
            first,
            second,
            word,
            flags(random),
            FileMapping {
                file: FileId(2),
                offset: third,
            },
        )),
        2 => drop(map.munmap(first, second)),
        3 => drop(map.mprotect(first, second, word)),
        4 => drop(map.brk(first)),
        5 => drop(map.mremap(first, second, third, word & 0xf, argument(random))),
        6 => drop(map.madvise(first, second, word % 128)),
        7 => drop(map.grow_stack_to(first)),
        8 => drop(map.check_range_access(first, second, Access::Write)),
        9 => {
            if let Some(range) =
                Range::from_start_length(first - first % PAGE_SIZE, second - second % PAGE_SIZE)
            {
                drop(map.map_fixed(range, Protection::from_linux(word), kind(random)));
            }
        }
        _ => drop(map.set_program_break_start(first)),
    }
}

#[test]
fn arbitrary_arguments_never_panic_or_break_invariants() {
    for seed in 21..=23 {
        let mut random = Xorshift::new(seed);
        let mut map = MemoryMap::new(Layout {
            max_area_count: 64,
            ..Layout::linux_default()
        });
        for _ in 0..CALLS {
            call_one(&mut map, &mut random);
            check_invariants(&map);
        }
        let copy = map.try_clone().unwrap();
        assert_eq!(copy, map);
    }
}
