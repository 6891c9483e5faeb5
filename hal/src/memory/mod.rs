//! Physical memory: the direct map, the frame allocator, the kernel heap and kernel stacks.

#[cfg(feature = "ktest")]
pub mod debug;
pub mod direct_map;
pub mod frames;
pub mod heap;
pub mod owned_frame;
pub(crate) mod ranges;
pub mod stack;

/// Bytes in a page and in a frame.
pub const PAGE_SIZE: u64 = 4096;

/// What user code may do with a mapped page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PagePermissions {
    /// Any access is allowed (reads at least); a page without it keeps its contents but
    /// faults on every user access, as `PROT_NONE` asks.
    pub is_accessible: bool,
    /// Writes are allowed.
    pub is_writable: bool,
    /// Instruction fetches are allowed.
    pub is_executable: bool,
}
