//! Random inputs for the randomized test: names, paths, offsets and data.

use crate::model::{PAGE, Path};

/// Components of most paths.
pub const NAME_POOL: [&[u8]; 4] = [b"a", b"b", b"c", b"d"];

/// xorshift64*: reproducible by seed.
pub struct Xorshift(pub u64);

impl Xorshift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    pub fn last_name(&mut self) -> Vec<u8> {
        match self.below(100) {
            0..3 => b".".to_vec(),
            3..6 => b"..".to_vec(),
            6..8 => vec![b'z'; 256],
            8..10 => vec![b'z'; 255],
            10 => Vec::new(),
            _ => NAME_POOL[self.below(4) as usize].to_vec(),
        }
    }

    pub fn path(&mut self) -> Path {
        let depth = 1 + self.below(3) as usize;
        let mut path: Path = (1..depth)
            .map(|_| NAME_POOL[self.below(4) as usize].to_vec())
            .collect();
        path.push(self.last_name());
        path
    }

    pub fn offset(&mut self) -> u64 {
        let largest = i64::MAX as u64;
        match self.below(20) {
            0..10 => self.below(3 * PAGE),
            10..14 => (1 + self.below(4)) * PAGE - 3 + self.below(6),
            14..16 => (1 << 40) + self.below(2 * PAGE),
            16..18 => largest - self.below(400),
            18 => largest + 1 + self.below(2),
            _ => u64::MAX - self.below(3),
        }
    }

    pub fn data(&mut self) -> Vec<u8> {
        let length = if self.below(10) < 8 {
            self.below(300)
        } else {
            self.below(9000)
        };
        (0..length)
            .map(|_| {
                if self.below(4) == 0 {
                    0
                } else {
                    self.next() as u8
                }
            })
            .collect()
    }
}
