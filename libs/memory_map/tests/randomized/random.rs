//! A small deterministic generator (xorshift64*) and the argument shapes the tests draw.

use linux_raw_sys::general::{MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE, PROT_SEM};
use memory_map::{PAGE_SIZE, TASK_SIZE};

use crate::{WINDOW_PAGES, WINDOW_START};

/// xorshift64*: reproducible by seed.
pub struct Xorshift(u64);

impl Xorshift {
    pub fn new(seed: u64) -> Xorshift {
        Xorshift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Mostly a page in the window; sometimes unaligned, zero, near the top, or anything.
    pub fn address(&mut self) -> u64 {
        let page = WINDOW_START + self.below(WINDOW_PAGES) * PAGE_SIZE;
        match self.below(100) {
            0..=4 => page + self.below(PAGE_SIZE),
            5..=7 => 0,
            8..=9 => TASK_SIZE - self.below(4) * PAGE_SIZE,
            10 => self.next(),
            _ => page,
        }
    }

    /// Mostly a few pages; sometimes unaligned, zero, or enormous.
    pub fn length(&mut self) -> u64 {
        let pages = (1 + self.below(8)) * PAGE_SIZE;
        match self.below(100) {
            0..=7 => pages - self.below(PAGE_SIZE),
            8..=10 => 0,
            11..=12 => u64::MAX - self.below(2 * PAGE_SIZE),
            13 => self.next(),
            _ => pages,
        }
    }

    /// A `prot` word: mostly valid, sometimes with `PROT_SEM` or an unknown bit.
    pub fn protection_word(&mut self) -> u32 {
        let prot = self.below(8) as u32;
        match self.below(100) {
            0..=4 => prot | PROT_SEM,
            5..=7 => prot | 0x40,
            _ => prot,
        }
    }

    /// A `brk` request: mostly near the current break, sometimes zero or wild.
    pub fn break_request(&mut self, current: u64) -> u64 {
        match self.below(100) {
            0..=9 => 0,
            10..=14 => self.next(),
            15..=29 => WINDOW_START + self.below(WINDOW_PAGES * PAGE_SIZE),
            _ => (current + self.below(8 * PAGE_SIZE)).saturating_sub(4 * PAGE_SIZE),
        }
    }

    /// `mremap` flags: any mix of the three, now and then an unknown bit.
    pub fn remap_flags(&mut self) -> u32 {
        let mut flags = 0;
        for flag in [
            MREMAP_MAYMOVE,
            MREMAP_MAYMOVE,
            MREMAP_FIXED,
            MREMAP_DONTUNMAP,
        ] {
            if self.chance(40) {
                flags |= flag;
            }
        }
        if self.chance(3) {
            flags |= 0x8;
        }
        flags
    }
}
