//! Block orders: a block of order `n` is `2^n` frames, naturally aligned to its own size.
//!
//! These helpers convert between frame counts and orders so that callers never shift by an
//! unchecked amount.

/// The largest order the allocator hands out or keeps on a free list: `2^10` frames, 4 MiB of
/// 4 KiB frames, the same ceiling as Linux's `MAX_PAGE_ORDER`.
pub const MAX_ORDER: usize = 10;

/// Number of frames in a block of `order`, or `None` if `order` exceeds [`MAX_ORDER`].
pub fn frames_in_order(order: usize) -> Option<u64> {
    (order <= MAX_ORDER).then(|| 1u64 << order)
}

/// The smallest order whose block holds `count` frames, or `None` if even a [`MAX_ORDER`] block is
/// too small. A count of zero needs no frames and maps to order 0.
pub fn order_for_frames(count: u64) -> Option<usize> {
    (0..=MAX_ORDER).find(|&order| (1u64 << order) >= count)
}

/// Number of frames in a block of `order`, for orders already known to be at most [`MAX_ORDER`].
pub(crate) const fn block_frames(order: usize) -> u64 {
    debug_assert!(order <= MAX_ORDER);
    1u64 << order
}

/// Whether `frame` is aligned to a block of `order`.
pub(crate) const fn is_aligned(frame: u64, order: usize) -> bool {
    frame & (block_frames(order) - 1) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_for_frames_rounds_up_to_a_power_of_two() {
        assert_eq!(order_for_frames(0), Some(0));
        assert_eq!(order_for_frames(1), Some(0));
        assert_eq!(order_for_frames(2), Some(1));
        assert_eq!(order_for_frames(3), Some(2));
        assert_eq!(order_for_frames(4), Some(2));
        assert_eq!(order_for_frames(5), Some(3));
        assert_eq!(order_for_frames(1024), Some(MAX_ORDER));
    }

    #[test]
    fn order_for_frames_rejects_counts_beyond_the_largest_block() {
        assert_eq!(order_for_frames(1025), None);
        assert_eq!(order_for_frames(u64::MAX), None);
    }

    #[test]
    fn frames_in_order_rejects_orders_beyond_the_maximum() {
        assert_eq!(frames_in_order(0), Some(1));
        assert_eq!(frames_in_order(MAX_ORDER), Some(1024));
        assert_eq!(frames_in_order(MAX_ORDER + 1), None);
        assert_eq!(frames_in_order(usize::MAX), None);
    }
}
