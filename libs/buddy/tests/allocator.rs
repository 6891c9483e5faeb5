//! Behaviour tests of the buddy allocator through its public interface.

use buddy::{BuddyAllocator, FrameMeta, FreeError, MAX_ORDER};

const MAX_BLOCK_FRAMES: u64 = 1 << MAX_ORDER;

/// Metadata for `frames` frames, all reserved.
fn metadata(frames: usize) -> Vec<FrameMeta> {
    vec![FrameMeta::default(); frames]
}

/// Allocates blocks of `order` until none is left, checking invariants on the way.
fn allocate_until_exhausted(allocator: &mut BuddyAllocator<'_>, order: usize) -> Vec<u64> {
    let mut frames = Vec::new();
    while let Some(frame) = allocator.allocate(order) {
        frames.push(frame);
        allocator.check_invariants().unwrap();
    }
    frames
}

#[test]
fn new_allocator_has_nothing_to_give() {
    let mut meta = metadata(64);
    let mut allocator = BuddyAllocator::new(&mut meta, 100);
    assert_eq!(allocator.allocate(0), None);
    assert_eq!(allocator.free_frames(), 0);
    assert_eq!(allocator.used_frames(), 0);
    assert_eq!(allocator.managed_frames(), 0);
    assert_eq!(allocator.covered_frames(), 100..164);
    allocator.check_invariants().unwrap();
}

#[test]
fn allocating_one_frame_splits_a_maximal_block_down_to_order_zero() {
    let mut meta = metadata(MAX_BLOCK_FRAMES as usize);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(0, MAX_BLOCK_FRAMES);
    assert_eq!(allocator.allocate(0), Some(0));
    assert_eq!(allocator.free_frames(), MAX_BLOCK_FRAMES - 1);
    allocator.check_invariants().unwrap();
    // The split left one free block of every smaller order, each right after the previous one.
    assert_eq!(allocator.allocate(0), Some(1));
    for order in 1..MAX_ORDER {
        assert_eq!(allocator.allocate(order), Some(1 << order));
    }
    assert_eq!(allocator.free_frames(), 0);
    assert_eq!(allocator.allocate(0), None);
    allocator.check_invariants().unwrap();
}

#[test]
fn freeing_every_frame_coalesces_back_into_one_maximal_block() {
    let mut meta = metadata(MAX_BLOCK_FRAMES as usize);
    let mut allocator = BuddyAllocator::new(&mut meta, 4096);
    allocator.add_free_range(4096, 4096 + MAX_BLOCK_FRAMES);
    let frames = allocate_until_exhausted(&mut allocator, 0);
    assert_eq!(frames.len() as u64, MAX_BLOCK_FRAMES);
    // Free in an order that interleaves distant buddies.
    for frame in frames
        .iter()
        .step_by(2)
        .chain(frames.iter().skip(1).step_by(2))
    {
        allocator.free(*frame, 0).unwrap();
        allocator.check_invariants().unwrap();
    }
    assert_eq!(allocator.free_frames(), MAX_BLOCK_FRAMES);
    assert_eq!(allocator.allocate(MAX_ORDER), Some(4096));
    assert_eq!(allocator.allocate(0), None);
}

#[test]
fn every_order_is_naturally_aligned_even_from_an_odd_base() {
    for order in 0..=MAX_ORDER {
        let mut meta = metadata(5000);
        let mut allocator = BuddyAllocator::new(&mut meta, 3);
        allocator.add_free_range(3, 5003);
        let frames = allocate_until_exhausted(&mut allocator, order);
        assert!(!frames.is_empty(), "order {order} found no block");
        for frame in frames {
            assert_eq!(frame % (1 << order), 0, "order {order} block at {frame}");
            assert!(frame >= 3 && frame + (1 << order) <= 5003);
        }
    }
}

#[test]
fn allocating_beyond_the_maximum_order_fails() {
    let mut meta = metadata(4 * MAX_BLOCK_FRAMES as usize);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(0, 4 * MAX_BLOCK_FRAMES);
    assert_eq!(allocator.allocate(MAX_ORDER + 1), None);
    assert_eq!(allocator.allocate(usize::MAX), None);
    assert_eq!(allocator.free_frames(), 4 * MAX_BLOCK_FRAMES);
}

#[test]
fn double_free_is_refused_and_changes_nothing() {
    let mut meta = metadata(64);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(0, 64);
    let frame = allocator.allocate(2).unwrap();
    let _other = allocator.allocate(2).unwrap();
    allocator.free(frame, 2).unwrap();
    let free_before = allocator.free_frames();
    assert_eq!(allocator.free(frame, 2), Err(FreeError::DoubleFree));
    assert_eq!(allocator.free(frame + 1, 0), Err(FreeError::DoubleFree));
    assert_eq!(allocator.free(40, 0), Err(FreeError::DoubleFree));
    assert_eq!(allocator.free_frames(), free_before);
    allocator.check_invariants().unwrap();
}

#[test]
fn freeing_with_the_wrong_order_is_refused() {
    let mut meta = metadata(64);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(0, 64);
    let frame = allocator.allocate(2).unwrap();
    let wrong_order = Err(FreeError::WrongOrder { allocated_order: 2 });
    assert_eq!(allocator.free(frame, 1), wrong_order);
    assert_eq!(allocator.free(frame, 3), wrong_order);
    assert_eq!(allocator.free(frame, usize::MAX), wrong_order);
    assert_eq!(allocator.used_frames(), 4);
    allocator.check_invariants().unwrap();
    assert_eq!(allocator.free(frame, 2), Ok(()));
    assert_eq!(allocator.free_frames(), 64);
}

#[test]
fn freeing_the_middle_of_an_allocated_block_is_refused() {
    let mut meta = metadata(64);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(0, 64);
    let frame = allocator.allocate(3).unwrap();
    assert_eq!(allocator.free(frame + 1, 0), Err(FreeError::NotBlockStart));
    assert_eq!(allocator.free(frame + 4, 2), Err(FreeError::NotBlockStart));
    assert_eq!(allocator.free(frame + 7, 0), Err(FreeError::NotBlockStart));
    assert_eq!(allocator.used_frames(), 8);
    allocator.check_invariants().unwrap();
}

#[test]
fn frames_outside_the_covered_range_are_refused() {
    let mut meta = metadata(64);
    let mut allocator = BuddyAllocator::new(&mut meta, 64);
    allocator.add_free_range(64, 128);
    assert_eq!(allocator.free(63, 0), Err(FreeError::OutOfRange));
    assert_eq!(allocator.free(128, 0), Err(FreeError::OutOfRange));
    assert_eq!(
        allocator.free(u64::MAX, MAX_ORDER),
        Err(FreeError::OutOfRange)
    );
    assert_eq!(allocator.free(0, 0), Err(FreeError::OutOfRange));
}

#[test]
fn reserved_frames_are_refused() {
    let mut meta = metadata(64);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(0, 16);
    allocator.add_free_range(32, 64);
    assert_eq!(allocator.free(16, 0), Err(FreeError::NotManaged));
    assert_eq!(allocator.free(31, 0), Err(FreeError::NotManaged));
    assert_eq!(allocator.managed_frames(), 48);
}

#[test]
fn unaligned_range_is_split_into_maximal_aligned_blocks() {
    let mut meta = metadata(2048);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(3, 1030);
    assert_eq!(allocator.free_frames(), 1027);
    allocator.check_invariants().unwrap();
    // 3..1030 is 3, 4..8, 8..16, ..., 512..1024, 1024..1028, 1028..1030: no order-10 block fits.
    assert_eq!(allocator.allocate(MAX_ORDER), None);
    assert_eq!(allocator.allocate(9), Some(512));
    assert_eq!(allocator.allocate(8), Some(256));
    let mut small_blocks = vec![
        allocator.allocate(2).unwrap(),
        allocator.allocate(2).unwrap(),
    ];
    small_blocks.sort_unstable();
    assert_eq!(small_blocks, [4, 1024]);
    assert_eq!(allocator.allocate(1), Some(1028));
    assert_eq!(allocator.allocate(0), Some(3));
    allocator.check_invariants().unwrap();
}

#[test]
fn ranges_added_separately_coalesce_into_one_block() {
    let mut meta = metadata(MAX_BLOCK_FRAMES as usize);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(512, 1024);
    allocator.add_free_range(1, 512);
    allocator.add_free_range(0, 1);
    allocator.check_invariants().unwrap();
    assert_eq!(allocator.allocate(MAX_ORDER), Some(0));
}

#[test]
fn adding_overlapping_ranges_never_frees_a_frame_twice() {
    let mut meta = metadata(256);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(0, 128);
    let frame = allocator.allocate(0).unwrap();
    allocator.add_free_range(0, 128);
    allocator.add_free_range(64, 192);
    assert_eq!(allocator.managed_frames(), 192);
    assert_eq!(allocator.used_frames(), 1);
    allocator.check_invariants().unwrap();
    let frames = allocate_until_exhausted(&mut allocator, 0);
    assert!(!frames.contains(&frame));
    assert_eq!(frames.len(), 191);
}

#[test]
fn added_ranges_are_clamped_to_the_covered_frames() {
    let mut meta = metadata(100);
    let mut allocator = BuddyAllocator::new(&mut meta, 1000);
    allocator.add_free_range(0, 10);
    allocator.add_free_range(5000, 6000);
    allocator.add_free_range(1050, 1000);
    assert_eq!(allocator.managed_frames(), 0);
    allocator.add_free_range(0, u64::MAX);
    assert_eq!(allocator.managed_frames(), 100);
    allocator.check_invariants().unwrap();
}

#[test]
fn exhaustion_hands_out_every_managed_frame_exactly_once() {
    let mut meta = metadata(3000);
    let mut allocator = BuddyAllocator::new(&mut meta, 7);
    allocator.add_free_range(7, 1500);
    allocator.add_free_range(1600, 3007);
    let managed = allocator.managed_frames();
    let mut frames = allocate_until_exhausted(&mut allocator, 0);
    assert_eq!(frames.len() as u64, managed);
    assert_eq!(allocator.used_frames(), managed);
    assert_eq!(allocator.free_frames(), 0);
    frames.sort_unstable();
    frames.dedup();
    assert_eq!(frames.len() as u64, managed);
    for frame in frames {
        allocator.free(frame, 0).unwrap();
    }
    assert_eq!(allocator.free_frames(), managed);
    allocator.check_invariants().unwrap();
}

#[test]
fn exhaustion_at_a_larger_order_leaves_only_smaller_blocks() {
    let mut meta = metadata(1000);
    let mut allocator = BuddyAllocator::new(&mut meta, 0);
    allocator.add_free_range(5, 995);
    let blocks = allocate_until_exhausted(&mut allocator, 4);
    // Order-4 blocks fit at 16, 32, ..., 976: sixty-one of them.
    assert_eq!(blocks.len(), 61);
    let remaining = allocator.free_frames();
    assert_eq!(remaining, 990 - 61 * 16);
    assert_eq!(
        allocate_until_exhausted(&mut allocator, 0).len() as u64,
        remaining
    );
}

#[test]
fn coverage_stops_before_frame_numbers_overflow() {
    let mut meta = metadata(10);
    let mut allocator = BuddyAllocator::new(&mut meta, u64::MAX - 4);
    assert_eq!(allocator.covered_frames(), u64::MAX - 4..u64::MAX);
    allocator.add_free_range(0, u64::MAX);
    assert_eq!(allocator.managed_frames(), 4);
    allocator.check_invariants().unwrap();
    assert_eq!(allocate_until_exhausted(&mut allocator, 0).len(), 4);
}
