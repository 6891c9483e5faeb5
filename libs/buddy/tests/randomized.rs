//! Randomized allocate/free sequences checked step by step against a plain reference model.
//!
//! The model is two bitmaps (managed frames, used frames) and a list of live allocations. After
//! every step the allocator's counters must match the model, its invariants must hold, and an
//! allocation must fail exactly when the model has no free naturally aligned block of that order.

use buddy::{BuddyAllocator, FrameMeta, FreeError, MAX_ORDER};

/// Steps per seed.
const STEPS: usize = 3000;

/// A tiny deterministic pseudo-random generator (xorshift64*), so failures reproduce by seed.
struct Xorshift(u64);

impl Xorshift {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound`.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    /// An order, mostly small ones as in a real kernel, sometimes any order up to the maximum.
    fn order(&mut self) -> usize {
        let bound = if self.below(10) < 3 { MAX_ORDER + 1 } else { 4 };
        self.below(bound as u64) as usize
    }
}

/// What the allocator should hold.
struct Model {
    base_frame: u64,
    managed: Vec<bool>,
    used: Vec<bool>,
    allocations: Vec<(u64, usize)>,
}

impl Model {
    fn new(base_frame: u64, frames: usize) -> Self {
        Self {
            base_frame,
            managed: vec![false; frames],
            used: vec![false; frames],
            allocations: Vec::new(),
        }
    }

    fn end_frame(&self) -> u64 {
        self.base_frame + self.managed.len() as u64
    }

    fn index(&self, frame: u64) -> usize {
        (frame - self.base_frame) as usize
    }

    fn add_range(&mut self, start_frame: u64, end_frame: u64) {
        let start = start_frame.clamp(self.base_frame, self.end_frame());
        let end = end_frame.clamp(start, self.end_frame());
        for frame in start..end {
            let index = self.index(frame);
            self.managed[index] = true;
        }
    }

    fn managed_frames(&self) -> u64 {
        self.managed.iter().filter(|&&managed| managed).count() as u64
    }

    fn used_frames(&self) -> u64 {
        self.used.iter().filter(|&&used| used).count() as u64
    }

    fn is_free(&self, frame: u64) -> bool {
        let index = self.index(frame);
        self.managed[index] && !self.used[index]
    }

    /// Whether some naturally aligned block of `order` is entirely managed and free.
    fn has_free_block(&self, order: usize) -> bool {
        let size = 1u64 << order;
        let first = self.base_frame.next_multiple_of(size);
        (first..self.end_frame())
            .step_by(size as usize)
            .filter(|start| start + size <= self.end_frame())
            .any(|start| (start..start + size).all(|frame| self.is_free(frame)))
    }

    fn set_used(&mut self, frame: u64, order: usize, is_used: bool) {
        for block_frame in frame..frame + (1 << order) {
            let index = self.index(block_frame);
            assert!(self.managed[index], "frame {block_frame} is not managed");
            assert_ne!(self.used[index], is_used, "frame {block_frame} overlaps");
            self.used[index] = is_used;
        }
    }

    /// The error `free(frame, order)` must return, or `None` if the free is valid.
    fn expected_free_error(&self, frame: u64, order: usize) -> Option<FreeError> {
        if frame < self.base_frame || frame >= self.end_frame() {
            return Some(FreeError::OutOfRange);
        }
        if !self.managed[self.index(frame)] {
            return Some(FreeError::NotManaged);
        }
        let containing = self
            .allocations
            .iter()
            .find(|(start, size_order)| (*start..start + (1 << size_order)).contains(&frame));
        match containing {
            None => Some(FreeError::DoubleFree),
            Some(&(start, allocated_order)) if start == frame => {
                (allocated_order != order).then_some(FreeError::WrongOrder { allocated_order })
            }
            Some(_) => Some(FreeError::NotBlockStart),
        }
    }

    /// The free blocks of a fully coalesced allocator: each managed run cut into maximal
    /// naturally aligned blocks.
    fn maximal_blocks(&self) -> Vec<(u64, usize)> {
        let mut blocks = Vec::new();
        let mut frame = self.base_frame;
        while frame < self.end_frame() {
            if !self.managed[self.index(frame)] {
                frame += 1;
                continue;
            }
            let order = (0..=MAX_ORDER)
                .rev()
                .find(|&order| {
                    let size = 1u64 << order;
                    frame.is_multiple_of(size)
                        && frame + size <= self.end_frame()
                        && (frame..frame + size).all(|inner| self.managed[self.index(inner)])
                })
                .unwrap();
            blocks.push((frame, order));
            frame += 1 << order;
        }
        blocks
    }
}

/// Checks counters and invariants against the model.
fn assert_matches(allocator: &BuddyAllocator<'_>, model: &Model) {
    allocator.check_invariants().unwrap();
    assert_eq!(allocator.managed_frames(), model.managed_frames());
    assert_eq!(allocator.used_frames(), model.used_frames());
    assert_eq!(
        allocator.free_frames(),
        model.managed_frames() - model.used_frames()
    );
}

/// A random range around the covered frames, so some ranges are clamped and some leave holes.
fn random_range(random: &mut Xorshift, model: &Model) -> (u64, u64) {
    let span = model.managed.len() as u64 + 200;
    let start = (model.base_frame + random.below(span)).saturating_sub(100);
    (
        start,
        start + random.below(model.managed.len() as u64 / 3 + 1),
    )
}

fn allocate_step(allocator: &mut BuddyAllocator<'_>, model: &mut Model, order: usize) {
    let could_succeed = model.has_free_block(order);
    match allocator.allocate(order) {
        Some(frame) => {
            assert!(
                could_succeed,
                "allocated order {order} the model has no room for"
            );
            assert_eq!(frame % (1 << order), 0, "order {order} block at {frame}");
            model.set_used(frame, order, true);
            model.allocations.push((frame, order));
        }
        None => assert!(
            !could_succeed,
            "order {order} failed with a free block left"
        ),
    }
}

fn free_step(allocator: &mut BuddyAllocator<'_>, model: &mut Model, random: &mut Xorshift) {
    if model.allocations.is_empty() {
        return;
    }
    let which = random.below(model.allocations.len() as u64) as usize;
    let (frame, order) = model.allocations.swap_remove(which);
    allocator.free(frame, order).unwrap();
    model.set_used(frame, order, false);
}

fn bad_free_step(allocator: &mut BuddyAllocator<'_>, model: &Model, random: &mut Xorshift) {
    let frame = (model.base_frame + random.below(model.managed.len() as u64 + 4)).saturating_sub(2);
    let order = random.below(MAX_ORDER as u64 + 2) as usize;
    if let Some(expected) = model.expected_free_error(frame, order) {
        assert_eq!(
            allocator.free(frame, order),
            Err(expected),
            "free({frame}, {order})"
        );
    }
}

/// Frees every live allocation, then checks that the allocator coalesced back to the maximal
/// blocks of the managed frames by draining it from the largest order down.
fn free_all_and_check_coalesced(allocator: &mut BuddyAllocator<'_>, model: &mut Model) {
    while let Some((frame, order)) = model.allocations.pop() {
        allocator.free(frame, order).unwrap();
        model.set_used(frame, order, false);
    }
    assert_matches(allocator, model);
    assert_eq!(allocator.free_frames(), model.managed_frames());
    let mut drained = Vec::new();
    for order in (0..=MAX_ORDER).rev() {
        while let Some(frame) = allocator.allocate(order) {
            drained.push((frame, order));
        }
    }
    drained.sort_unstable();
    assert_eq!(drained, model.maximal_blocks());
    assert_eq!(allocator.free_frames(), 0);
}

fn run_seed(seed: u64) {
    let mut random = Xorshift::new(seed);
    let frames = 600 + random.below(2000) as usize;
    let base_frame = random.below(3000);
    let mut meta = vec![FrameMeta::default(); frames];
    let mut allocator = BuddyAllocator::new(&mut meta, base_frame);
    let mut model = Model::new(base_frame, frames);
    for _ in 0..1 + random.below(5) {
        let (start, end) = random_range(&mut random, &model);
        allocator.add_free_range(start, end);
        model.add_range(start, end);
    }
    for _ in 0..STEPS {
        match random.below(100) {
            0..50 => allocate_step(&mut allocator, &mut model, random.order()),
            50..90 => free_step(&mut allocator, &mut model, &mut random),
            90..97 => bad_free_step(&mut allocator, &model, &mut random),
            _ => {
                let (start, end) = random_range(&mut random, &model);
                allocator.add_free_range(start, end);
                model.add_range(start, end);
            }
        }
        assert_matches(&allocator, &model);
    }
    free_all_and_check_coalesced(&mut allocator, &mut model);
}

#[test]
fn random_sequences_match_the_reference_model() {
    for seed in 1..=12 {
        run_seed(seed);
    }
}

#[test]
fn random_sequences_over_a_maximal_aligned_region_return_to_one_block_per_order_ten() {
    let mut random = Xorshift::new(99);
    let frames = 4 << MAX_ORDER;
    let mut meta = vec![FrameMeta::default(); frames];
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    let mut model = Model::new(0, frames);
    allocator.add_free_range(0, frames as u64);
    model.add_range(0, frames as u64);
    for _ in 0..STEPS {
        if random.below(100) < 60 {
            allocate_step(&mut allocator, &mut model, random.order());
        } else {
            free_step(&mut allocator, &mut model, &mut random);
        }
        assert_matches(&allocator, &model);
    }
    free_all_and_check_coalesced(&mut allocator, &mut model);
    assert_eq!(model.maximal_blocks().len(), 4);
}
