//! Physical memory: the direct map, the frame allocator, the kernel heap and kernel stacks.

#[cfg(feature = "ktest")]
pub mod debug;
pub mod direct_map;
pub mod frames;
pub mod heap;
pub(crate) mod ranges;
pub mod stack;

/// Bytes in a page and in a frame.
pub const PAGE_SIZE: u64 = 4096;
