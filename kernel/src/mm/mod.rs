//! Memory management policy: process address spaces, their mappings, and page faults.

mod operations;
mod pages;
pub mod process_memory;
mod user_access;

#[cfg(feature = "ktest")]
pub mod process_memory_test;
#[cfg(feature = "ktest")]
pub mod test;
