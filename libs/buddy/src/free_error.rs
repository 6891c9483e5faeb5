//! Why a call to [`BuddyAllocator::free`](crate::BuddyAllocator::free) was refused.

use core::fmt;

/// A refused free; the allocator's state is unchanged when one is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeError {
    /// The frame lies outside the frames this allocator covers.
    OutOfRange,
    /// The frame was never handed to the allocator (reserved memory or a hole).
    NotManaged,
    /// The frame lies in a block that is already free.
    DoubleFree,
    /// The frame lies inside an allocated block but is not its first frame.
    NotBlockStart,
    /// The frame starts an allocated block of a different order than the one given.
    WrongOrder {
        /// The order the block was allocated with.
        allocated_order: usize,
    },
}

impl fmt::Display for FreeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfRange => formatter.write_str("frame outside the allocator's range"),
            Self::NotManaged => formatter.write_str("frame was never given to the allocator"),
            Self::DoubleFree => formatter.write_str("frame is already free"),
            Self::NotBlockStart => formatter.write_str("frame is not the start of a block"),
            Self::WrongOrder { allocated_order } => {
                write!(
                    formatter,
                    "block was allocated with order {allocated_order}"
                )
            }
        }
    }
}
