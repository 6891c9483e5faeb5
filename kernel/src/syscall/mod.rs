//! The Linux system-call ABI: decode, dispatch by number, return a value or `-errno`.
//!
//! Handlers are `sys_<name>(process, arguments) -> Result<u64>`, grouped by area in the
//! files below; the per-arch table (`table_x86_64`) maps numbers to them. A number with no
//! handler returns `ENOSYS` and is logged once by name, so gaps show in the kernel log.

mod arch;
mod file_io;
mod files;
mod identity;
mod memory;
mod names_x86_64;
mod poll;
mod process_control;
mod signals;
mod system;
mod table_x86_64;
mod time;
mod user_memory;

use alloc::collections::BTreeSet;

use errno::{Errno, Result};
use spin::Mutex;

use crate::task::process::Process;

/// A system-call handler.
pub type Handler = fn(&mut Process, &[u64; 6]) -> Result<u64>;

/// Runs the system call `process` just made and stores its result in its registers.
pub fn dispatch(process: &mut Process) {
    let call = process.context.system_call();
    let result = match table_x86_64::handler(call.number) {
        Some(handler) => handler(process, &call.arguments),
        None => {
            log_unimplemented(call.number);
            Err(Errno::ENOSYS)
        }
    };
    let value = match result {
        Ok(value) => value,
        Err(errno) => errno.as_return_value() as u64,
    };
    process.context.set_return_value(value);
    process.publish();
    crate::task::signals::deliver_pending(process);
}

static REPORTED: Mutex<BTreeSet<u64>> = Mutex::new(BTreeSet::new());

fn log_unimplemented(number: u64) {
    if REPORTED.lock().insert(number) {
        log::warn!(
            "syscall {} ({number}) is not implemented: ENOSYS",
            table_x86_64::name(number).unwrap_or("unknown")
        );
    }
}
