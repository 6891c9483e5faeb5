//! Processes and running them: for now one at a time, starting with init.

pub mod limits;
pub mod process;
mod run;
pub mod signals;
pub mod table;

pub use run::start_init;
