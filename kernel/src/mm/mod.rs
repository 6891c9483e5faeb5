//! Memory management policy: process address spaces, their mappings, and page faults.

pub mod process_memory;

#[cfg(feature = "ktest")]
pub mod test;
