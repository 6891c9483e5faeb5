//! Memory management policy: process address spaces, their mappings, and page faults.

#[cfg(feature = "ktest")]
pub mod test;
