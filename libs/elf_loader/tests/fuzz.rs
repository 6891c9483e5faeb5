//! Deterministic mutation fuzzing on stable: mutate valid images with a xorshift generator and
//! check that parsing never panics and that every accepted plan keeps the crate's promises.

mod builder;

use builder::{ENTRY_SIZE, ElfImage, HEADER_SIZE};
use elf_loader::{ELF_ET_DYN_BASE, ImageKind, LoadPlan, PAGE_SIZE, PATH_MAX, TASK_SIZE_MAX, parse};

const ITERATIONS: usize = 20_000;

/// Marsaglia's xorshift64: a fixed seed gives the same mutations on every run.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Values that sit on the boundaries the validation cares about.
const INTERESTING: [u64; 14] = [
    0,
    1,
    0x38,
    0xfff,
    PAGE_SIZE,
    0x40_1000,
    0x20_0000,
    TASK_SIZE_MAX - PAGE_SIZE,
    TASK_SIZE_MAX,
    TASK_SIZE_MAX + 1,
    i64::MAX as u64,
    u64::MAX - PAGE_SIZE,
    u64::MAX - 1,
    u64::MAX,
];

fn seeds() -> Vec<Vec<u8>> {
    vec![
        ElfImage::static_executable().build(),
        ElfImage::static_pie().build(),
        ElfImage::static_pie()
            .with_interpreter(b"/lib/ld.so\0")
            .build(),
    ]
}

/// Overwrites one 8-byte program header or file header field with a boundary or random value.
fn mutate_field(file: &mut [u8], random: &mut Xorshift) {
    let count_bytes = [file.get(56).copied(), file.get(57).copied()];
    let count = u16::from_le_bytes(count_bytes.map(|byte| byte.unwrap_or(0))).min(8);
    let field_offsets = [24, 32, 48, 54, 56];
    let offset = if random.below(4) == 0 || count == 0 {
        field_offsets[random.below(field_offsets.len())]
    } else {
        let entry = HEADER_SIZE + ENTRY_SIZE * random.below(usize::from(count)) as u64;
        entry as usize + [0, 4, 8, 16, 32, 40, 48][random.below(7)]
    };
    let value = if random.below(3) == 0 {
        random.next()
    } else {
        INTERESTING[random.below(INTERESTING.len())]
    };
    let width = if (48..64).contains(&offset) {
        2
    } else if offset % 8 == 4 {
        4
    } else {
        8
    };
    for (index, byte) in value.to_le_bytes().iter().take(width).enumerate() {
        if let Some(slot) = file.get_mut(offset + index) {
            *slot = *byte;
        }
    }
}

fn mutate(mut file: Vec<u8>, random: &mut Xorshift) -> Vec<u8> {
    for _ in 0..=random.below(4) {
        match random.below(10) {
            0..=5 => mutate_field(&mut file, random),
            6 | 7 => {
                let at = random.below(file.len());
                file[at] = random.next() as u8;
            }
            8 => {
                let at = random.below(file.len() * 8);
                file[at / 8] ^= 1 << (at % 8);
            }
            _ => file.truncate(random.below(file.len() + 1).max(1)),
        }
    }
    file
}

/// The promises a plan makes to the kernel.
fn assert_invariants(plan: &LoadPlan, file: &[u8]) {
    assert!(!plan.segments.is_empty());
    for pair in plan.segments.windows(2) {
        assert!(
            pair[0].virtual_address <= pair[1].virtual_address,
            "sorted by start"
        );
    }
    for segment in &plan.segments {
        assert_segment_invariants(segment, file);
    }
    let (start, end) = plan.span;
    assert!(start <= plan.segments[0].virtual_address && end <= TASK_SIZE_MAX);
    assert_eq!(plan.program_break_start(), end);
    if plan.kind == ImageKind::Fixed || plan.load_bias != 0 {
        assert!(plan.entry < TASK_SIZE_MAX);
    }
    if let Some(interpreter) = &plan.interpreter {
        assert!((interpreter.len() as u64) < PATH_MAX && !interpreter.contains(&0));
    }
    let _ = plan.check_strict();
}

fn assert_segment_invariants(segment: &elf_loader::Segment, file: &[u8]) {
    let end = segment
        .virtual_address
        .checked_add(segment.memory_size)
        .unwrap();
    assert!(end <= TASK_SIZE_MAX, "within user space");
    assert!(segment.file_size <= segment.memory_size);
    let file_end = segment.file_offset.checked_add(segment.file_size).unwrap();
    assert!(file_end <= file.len() as u64, "file data inside the file");
    let pages = segment.page_range();
    assert!(pages.start.is_multiple_of(PAGE_SIZE) && pages.end.is_multiple_of(PAGE_SIZE));
    let copy = segment.file_copy();
    let bytes = copy.bytes(file).expect("copy source inside the file");
    if !bytes.is_empty() {
        assert!(pages.contains(&copy.destination));
        assert!(copy.destination + bytes.len() as u64 <= pages.end);
    }
    let zero = segment.zero_range();
    if !zero.is_empty() {
        assert!(pages.start <= zero.start && zero.end <= pages.end);
    }
}

#[test]
fn mutated_images_never_panic_and_accepted_plans_hold_their_invariants() {
    let seeds = seeds();
    let mut random = Xorshift(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for _ in 0..ITERATIONS {
        let seed = seeds[random.below(seeds.len())].clone();
        let file = mutate(seed, &mut random);
        let Ok(plan) = parse(&file) else {
            continue;
        };
        accepted += 1;
        assert_invariants(&plan, &file);
        if let Ok(placed) = plan.apply_bias(ELF_ET_DYN_BASE) {
            assert_invariants(&placed, &file);
        }
    }
    eprintln!("{accepted} of {ITERATIONS} mutations accepted");
    // Enough mutations must survive for the invariant checks to mean something.
    assert!(accepted > ITERATIONS / 10, "only {accepted} accepted");
    assert!(accepted < ITERATIONS, "every mutation accepted");
}

#[test]
fn single_byte_corruption_anywhere_in_the_headers_never_panics() {
    for seed in seeds() {
        let header_end = 0x400.min(seed.len());
        for offset in 0..header_end {
            for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut file = seed.clone();
                file[offset] = value;
                if let Ok(plan) = parse(&file) {
                    assert_invariants(&plan, &file);
                }
            }
        }
    }
}
