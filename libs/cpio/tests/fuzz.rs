//! A deterministic mutation fuzzer for `unpack`, run by every `cargo test`.
//!
//! It is not a cargo-fuzz target because cargo-fuzz (libFuzzer through `-Z sanitizer`) needs a
//! nightly toolchain, and Loam builds with pinned stable Rust only. Instead a fixed-seed xorshift
//! generator flips, overwrites, inserts, deletes and duplicates bytes of valid seed initrds, plain
//! and gzip, and also gzips mutated plain archives so the cpio parser behind the decompressor
//! sees damaged input too. Each run checks that `unpack` returns (no panic, no abort), that its
//! output stays bounded by the input and the decompression limit, and that the summary agrees with
//! what the sink saw. Being deterministic, a failure reproduces on every run.

mod common;

use std::time::{Duration, Instant};

use common::*;
use cpio::{ErrorKind, unpack};

/// The decompression limit for fuzzed inputs.
const FUZZ_LIMIT: usize = 1 << 20;
/// Mutated inputs per seed.
const ITERATIONS_PER_SEED: usize = 2000;
/// The runtime the fuzzer must stay under in a debug build.
const TIME_BUDGET: Duration = Duration::from_secs(5);

/// Marsaglia's xorshift64: tiny, fast and reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let sample = sample_archive().finish();
    let mut linked = ArchiveWriter::new();
    linked
        .entry(
            &Entry::new("a", S_IFREG | 0o644)
                .linked(3, 2)
                .with_checksum(),
        )
        .entry(
            &Entry::new("b", S_IFREG | 0o644)
                .linked(3, 2)
                .data(b"data")
                .with_checksum(),
        )
        .entry(&Entry::new("fifo", S_IFIFO | 0o600).linked(4, 2))
        .entry(&Entry::new("fifo2", S_IFIFO | 0o600).linked(4, 2))
        .trailer();
    let mut concatenated = sample.clone();
    concatenated.extend_from_slice(&gzip(&linked.finish()));
    concatenated.extend_from_slice(&[0; 7]);
    concatenated.extend_from_slice(&gzip_with_header_crc(&sample));
    vec![
        sample.clone(),
        linked.finish(),
        gzip(&sample),
        gzip_with_named_header(&sample),
        concatenated,
    ]
}

/// Writes eight random hex digits somewhere, so damaged headers still parse and carry odd sizes.
fn overwrite_with_hex(input: &mut [u8], random: &mut XorShift) {
    if input.len() < 8 {
        return;
    }
    let start = random.below(input.len() - 7);
    for byte in &mut input[start..start + 8] {
        *byte = b"0123456789abcdefF"[random.below(17)];
    }
}

fn mutate(input: &mut Vec<u8>, random: &mut XorShift) {
    let rounds = 1 + random.below(4);
    for _ in 0..rounds {
        if input.is_empty() {
            input.push(random.byte());
        }
        let at = random.below(input.len());
        match random.below(8) {
            0 => input[at] ^= 1 << random.below(8),
            1 => input[at] = random.byte(),
            2 => input[at] = [0, b'0', b'7', 0xff, 0x1f][random.below(5)],
            3 => input.insert(at, random.byte()),
            4 => {
                input.remove(at);
            }
            5 => input.truncate(at),
            6 => {
                let end = (at + 1 + random.below(64)).min(input.len());
                let copy = input[at..end].to_vec();
                let to = random.below(input.len());
                input.splice(to..to, copy);
            }
            _ => overwrite_with_hex(input, random),
        }
    }
}

/// Unpacks `input` and checks everything that must hold for any input.
fn check(input: &[u8]) {
    let mut delivered_actions = 0_usize;
    let mut delivered_bytes = 0_usize;
    let result = unpack(input, FUZZ_LIMIT, |action| {
        delivered_actions += 1;
        delivered_bytes += match Owned::from(action) {
            Owned::File { data, .. }
            | Owned::HardLink {
                file: Some((.., data)),
                ..
            } => data.len(),
            Owned::Symlink { target, .. } => target.len(),
            _ => 0,
        };
        Ok(())
    });
    let readable = input.len() + FUZZ_LIMIT;
    assert!(
        delivered_bytes <= readable,
        "{delivered_bytes} bytes of data delivered"
    );
    // Every action needs a header of 110 bytes and a name.
    assert!(
        delivered_actions <= readable / 112 + 1,
        "{delivered_actions} actions"
    );
    match result {
        Ok(summary) => {
            assert_eq!(summary.actions, delivered_actions);
            assert!(summary.decompressed_bytes <= FUZZ_LIMIT);
        }
        Err(error) => {
            assert!(!error.to_string().is_empty());
            assert!(!matches!(
                error.kind,
                ErrorKind::Rejected(_) | ErrorKind::OutOfMemory
            ));
        }
    }
}

#[test]
fn mutated_initrds_never_panic_and_stay_bounded() {
    let started = Instant::now();
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let seeds = seeds();
    for seed in &seeds {
        check(seed);
        for _ in 0..ITERATIONS_PER_SEED {
            let mut input = seed.clone();
            mutate(&mut input, &mut random);
            check(&input);
        }
    }
    // Mutate the plain archive, then compress it: damage behind a valid gzip layer.
    let plain = &seeds[0];
    for _ in 0..ITERATIONS_PER_SEED {
        let mut input = plain.clone();
        mutate(&mut input, &mut random);
        check(&gzip(&input));
    }
    let elapsed = started.elapsed();
    assert!(elapsed < TIME_BUDGET, "fuzzing took {elapsed:?}");
}

#[test]
fn random_bytes_never_panic() {
    let mut random = XorShift(42);
    for length in 0..600 {
        let input: Vec<u8> = (0..length).map(|_| random.byte()).collect();
        check(&input);
        // The same bytes behind a valid newc magic and behind a gzip magic.
        let mut with_magic = b"070701".to_vec();
        with_magic.extend_from_slice(&input);
        check(&with_magic);
        let mut with_gzip_magic = vec![0x1f, 0x8b, 8, 0];
        with_gzip_magic.extend_from_slice(&input);
        check(&with_gzip_magic);
    }
}
