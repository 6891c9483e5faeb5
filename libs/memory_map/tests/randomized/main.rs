//! Randomized `mmap`/`munmap`/`mprotect`/`brk`/`mremap`/`madvise` sequences, checked after
//! every step against a page-by-page model: same results, same reported pages, and the same
//! areas (so merging matches too), with the invariants holding throughout.
//!
//! The operations aim at a 256-page window around `mmap_min_addr` that holds `mmap_base`, the
//! legacy base and the heap, so they collide often; a few use wild arguments.

#[path = "../common/mod.rs"]
mod common;
mod model;
mod model_resize;
mod random;
mod wild;

use linux_raw_sys::general::{
    MADV_DONTNEED, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE,
};
use memory_map::{Access, Fault, Layout, MMAP_MIN_ADDRESS, MemoryMap, PAGE_SIZE, Range};
use model::{MmapModelRequest, Model, ModelArea, Page};
use random::Xorshift;

/// Steps per seed.
const STEPS: usize = 3000;
/// Bottom of the window the operations aim at.
pub const WINDOW_START: u64 = MMAP_MIN_ADDRESS;
/// Pages in that window.
pub const WINDOW_PAGES: u64 = 256;
const HEAP_START: u64 = WINDOW_START + 170 * PAGE_SIZE;

fn layout(max_area_count: usize) -> Layout {
    Layout {
        mmap_base: WINDOW_START + 160 * PAGE_SIZE,
        legacy_mmap_base: WINDOW_START + 100 * PAGE_SIZE,
        max_area_count,
        ..Layout::linux_default()
    }
}

/// The page addresses a report covers.
fn pages_of(ranges: &[Range]) -> Vec<u64> {
    ranges.iter().flat_map(Range::pages).collect()
}

struct Harness {
    map: MemoryMap,
    model: Model,
    random: Xorshift,
    context: String,
}

impl Harness {
    fn new(seed: u64, max_area_count: usize) -> Harness {
        let mut map = MemoryMap::new(layout(max_area_count));
        map.set_program_break_start(HEAP_START).unwrap();
        Harness {
            map,
            model: Model::new(layout(max_area_count), HEAP_START),
            random: Xorshift::new(seed),
            context: String::new(),
        }
    }

    fn step(&mut self, with_mremap: bool) {
        match self.random.below(if with_mremap { 8 } else { 7 }) {
            0 | 1 => self.mmap(),
            2 => self.munmap(),
            3 => self.mprotect(),
            4 => self.brk(),
            5 => self.madvise(),
            6 => self.access(),
            _ => self.mremap(),
        }
        self.check();
    }

    fn mmap(&mut self) {
        let request = MmapModelRequest {
            hint: self.random.address(),
            length: self.random.length(),
            protection: memory_map::Protection::from_linux(self.random.below(8) as u32),
            is_fixed: self.random.chance(50),
            is_no_replace: self.random.chance(15),
            has_type: !self.random.chance(5),
        };
        let mut flags = MAP_ANONYMOUS;
        flags |= if request.has_type { MAP_PRIVATE } else { 0 };
        flags |= if request.is_fixed { MAP_FIXED } else { 0 };
        flags |= if request.is_no_replace {
            MAP_FIXED_NOREPLACE
        } else {
            0
        };
        self.context = format!("{request:?}");
        let prot = request.protection.to_linux();
        let real = self.map.mmap(request.hint, request.length, prot, flags);
        let real = real.map(|mapped| (mapped.range.start(), pages_of(&mapped.replaced)));
        assert_eq!(real, self.model.mmap(request), "{}", self.context);
    }

    fn munmap(&mut self) {
        let (address, length) = (self.random.address(), self.random.length());
        self.context = format!("munmap({address:#x}, {length:#x})");
        let real = self
            .map
            .munmap(address, length)
            .map(|removed| pages_of(&removed));
        assert_eq!(real, self.model.munmap(address, length), "{}", self.context);
    }

    fn mprotect(&mut self) {
        let (address, length) = (self.random.address(), self.random.length());
        let prot = self.random.protection_word();
        self.context = format!("mprotect({address:#x}, {length:#x}, {prot:#x})");
        let real = self.map.mprotect(address, length, prot).map(|changed| {
            let new = memory_map::Protection::from_linux(prot);
            assert!(
                changed.iter().all(|(_, protection)| *protection == new),
                "{}",
                self.context
            );
            changed
                .iter()
                .flat_map(|(range, _)| range.pages())
                .collect::<Vec<_>>()
        });
        assert_eq!(
            real,
            self.model.mprotect(address, length, prot),
            "{}",
            self.context
        );
    }

    fn brk(&mut self) {
        let requested = self.random.break_request(self.map.program_break());
        self.context = format!("brk({requested:#x})");
        let real = self.map.brk(requested);
        let real = (
            real.program_break,
            pages_of(&real.unmapped),
            pages_of(real.mapped.as_slice()),
        );
        assert_eq!(real, self.model.brk(requested), "{}", self.context);
    }

    fn madvise(&mut self) {
        let (address, length) = (self.random.address(), self.random.length());
        let advice = if self.random.chance(5) {
            999
        } else {
            MADV_DONTNEED
        };
        self.context = format!("madvise({address:#x}, {length:#x}, {advice})");
        let real = self.map.madvise(address, length, advice).map(|advised| {
            assert!(advised.populate.is_empty(), "{}", self.context);
            (pages_of(&advised.discard), advised.error)
        });
        let expected = if advice == 999 {
            Err(errno::Errno::EINVAL)
        } else {
            self.model.dont_need(address, length)
        };
        assert_eq!(real, expected, "{}", self.context);
    }

    fn access(&mut self) {
        let address = self.random.address();
        let access = [Access::Read, Access::Write, Access::Execute][self.random.below(3) as usize];
        let real = self
            .map
            .check_access(address, access)
            .map(|area| area.range().contains(address));
        let expected = match self.model.pages.get(&(address - address % PAGE_SIZE)) {
            None => Err(Fault::NotMapped),
            Some(page) if page.protection.permits(access) => Ok(true),
            Some(_) => Err(Fault::AccessDenied),
        };
        assert_eq!(real, expected, "check_access({address:#x}, {access:?})");
    }

    fn mremap(&mut self) {
        let (address, old_length) = (self.random.address(), self.random.length());
        let new_length = if self.random.chance(30) {
            old_length
        } else {
            self.random.length()
        };
        let (flags, new_address) = (self.random.remap_flags(), self.random.address());
        self.context = format!(
            "mremap({address:#x}, {old_length:#x}, {new_length:#x}, {flags:#x}, {new_address:#x})"
        );
        let real = self
            .map
            .mremap(address, old_length, new_length, flags, new_address)
            .map(|remap| {
                let moved = remap
                    .moved
                    .map(|moved| (moved.from.start(), moved.to.start(), moved.from.length()));
                (remap.address, pages_of(&remap.unmapped), moved)
            });
        let call = model_resize::RemapCall {
            address,
            old_length,
            new_length,
            flags,
            new_address,
        };
        let expected = self.model.mremap(call);
        let expected = expected.map(|remap| (remap.address, remap.unmapped, remap.moved));
        assert_eq!(real, expected, "{}", self.context);
    }

    fn check(&self) {
        common::check_invariants(&self.map);
        let real: Vec<ModelArea> = self
            .map
            .areas()
            .iter()
            .map(|area| {
                assert!(
                    !area.is_shared() && !area.is_grows_down(),
                    "{}",
                    self.context
                );
                let page = Page {
                    protection: area.protection(),
                    kind: area.kind(),
                    offset: area.page_offset(),
                };
                ModelArea {
                    start: area.range().start(),
                    end: area.range().end(),
                    page,
                }
            })
            .collect();
        assert_eq!(real, self.model.areas(), "after {}", self.context);
        assert_eq!(
            self.map.program_break(),
            self.model.program_break,
            "after {}",
            self.context
        );
    }
}

fn run(seed: u64, max_area_count: usize, with_mremap: bool) {
    let mut harness = Harness::new(seed, max_area_count);
    for _ in 0..STEPS {
        harness.step(with_mremap);
    }
}

#[test]
fn random_operations_match_the_page_model_at_a_low_area_limit() {
    for seed in 1..=4 {
        run(seed, 40, false);
    }
}

#[test]
fn random_operations_with_mremap_match_the_page_model() {
    for seed in 11..=14 {
        run(seed, memory_map::DEFAULT_MAX_AREA_COUNT, true);
    }
}
