//! procfs: `/proc`, files that describe processes and the machine, generated when read.
//!
//! docs/procfs.md has the design: inode numbers encode what a file shows, process facts
//! come from the process table (`task::table`), and open files keep the bytes generated at
//! open.

mod arch;
mod filesystem;
mod nodes;
mod process_files;
mod system_files;

pub use filesystem::ProcFileSystem;
pub use system_files::FILESYSTEM_TYPES;
