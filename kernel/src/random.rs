//! The kernel's random numbers: ChaCha20 seeded from the CPU's generator or timer jitter.
//!
//! Everything random the kernel hands out (`getrandom`, `/dev/urandom`, `AT_RANDOM`) comes
//! from one ChaCha20 stream. Its seed is 256 bits from RDSEED/RDRAND when the CPU has them,
//! mixed with time-stamp-counter jitter, which is all there is on CPUs without them.

use rand_chacha::{
    ChaCha20Rng,
    rand_core::{Rng, SeedableRng},
};
use spin::Mutex;

static GENERATOR: Mutex<Option<ChaCha20Rng>> = Mutex::new(None);

/// Fills `buffer` with random bytes.
pub fn fill(buffer: &mut [u8]) {
    let mut generator = GENERATOR.lock();
    generator
        .get_or_insert_with(|| ChaCha20Rng::from_seed(seed()))
        .fill_bytes(buffer);
}

fn seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    for (index, chunk) in seed.chunks_mut(8).enumerate() {
        let hardware = hal::arch::cpu::hardware_random().unwrap_or(0);
        let jitter = timer_jitter().rotate_left(index as u32 * 13);
        chunk.copy_from_slice(&(hardware ^ jitter).to_le_bytes());
    }
    seed
}

/// 64 bits gathered from the low bits of the time-stamp counter around short busy loops.
fn timer_jitter() -> u64 {
    let mut value = 0u64;
    for _ in 0..64 {
        let start = hal::arch::cpu::read_timestamp_counter();
        let mut spin = 0u64;
        for step in 0..(start & 0x3f) {
            spin = spin.wrapping_add(step).rotate_left(3);
        }
        let end = hal::arch::cpu::read_timestamp_counter();
        value = value.rotate_left(1) ^ end.wrapping_sub(start) ^ spin;
    }
    value
}
