//! The process table: each live process's shared record, by pid, and which process runs.
//!
//! A [`Process`](super::process::Process) is owned by the code running it and reached as
//! `&mut Process` only there. What other parts of the kernel must see about a process while
//! it runs (procfs now; `wait`, signals and the scheduler with issue 5) lives in its
//! [`ProcessRecord`], an `Arc` shared by the process and this table. The record is the only
//! copy of what it owns ([`ProcessDetails`]); the few fields the process keeps for its hot
//! paths are published into it as a [`Published`] snapshot (see there). docs/procfs.md
//! explains the design.

use alloc::{collections::BTreeMap, sync::Arc, vec::Vec};
use core::{
    ops::Range,
    sync::atomic::{AtomicU32, Ordering},
};

use errno::{Errno, Result};
use spin::Mutex;

use crate::{exec::Executable, fs::permission::Credentials};

/// What the kernel shares about one process.
pub struct ProcessRecord {
    /// Fixed for the life of the process.
    pub pid: u32,
    details: Mutex<ProcessDetails>,
}

/// The state a record owns: written by the process (exec) or its parent, read by anyone.
#[derive(Clone)]
pub struct ProcessDetails {
    pub parent_pid: u32,
    /// The command name (`comm`): the executable's base name, at most 15 bytes.
    pub name: Vec<u8>,
    /// The running program's file, for `/proc/<pid>/exe`.
    pub executable: Executable,
    /// The auxiliary vector of the running image, `AT_NULL` included (`mm->saved_auxv`).
    pub auxiliary_vector: Vec<(u64, u64)>,
    /// Where `argc` was placed (`mm->start_stack`).
    pub stack_start: u64,
    /// The argument strings in the process's memory (`mm->arg_start..arg_end`).
    pub argument_strings: Range<u64>,
    /// The environment strings (`mm->env_start..env_end`).
    pub environment_strings: Range<u64>,
    /// When the process started, in nanoseconds since boot.
    pub start_time_nanoseconds: u64,
    pub published: Published,
}

/// Copies of fields the process keeps in `Process` because every system call reads them.
/// `syscall::dispatch` publishes them after each system call, the only place they change,
/// so a reader in another system call always sees the values of the last completed one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Published {
    pub credentials: Credentials,
    pub umask: u32,
}

impl ProcessRecord {
    pub fn new(pid: u32, details: ProcessDetails) -> Arc<Self> {
        Arc::new(Self {
            pid,
            details: Mutex::new(details),
        })
    }

    /// A copy of the details, taken under the record's lock.
    pub fn details(&self) -> ProcessDetails {
        self.details.lock().clone()
    }

    /// Changes the details under the record's lock.
    pub fn update<T>(&self, change: impl FnOnce(&mut ProcessDetails) -> T) -> T {
        change(&mut self.details.lock())
    }

    /// Stores a new snapshot of the published fields.
    pub fn publish(&self, published: Published) {
        self.details.lock().published = published;
    }

    /// Reads the process's memory at `address`, as Linux's `access_remote_vm` does for
    /// `/proc/<pid>/cmdline`. Only the running process's address space is active, so until
    /// issue 5 shares process memory with the record, other processes give `ESRCH`; pages
    /// not present give `EFAULT`.
    pub fn read_memory(&self, address: u64, buffer: &mut [u8]) -> Result<()> {
        if self.pid != current_pid() {
            return Err(Errno::ESRCH);
        }
        hal::user::copy_from_user(address, buffer).map_err(|_| Errno::EFAULT)
    }
}

static TABLE: Mutex<BTreeMap<u32, Arc<ProcessRecord>>> = Mutex::new(BTreeMap::new());
/// The pid of the process this CPU runs (0 before init); per-CPU once there is SMP.
static CURRENT_PID: AtomicU32 = AtomicU32::new(0);

/// Adds a new process's record.
pub fn insert(record: Arc<ProcessRecord>) {
    TABLE.lock().insert(record.pid, record);
}

/// Removes a process's record (it has been reaped).
pub fn remove(pid: u32) {
    TABLE.lock().remove(&pid);
}

/// The record of process `pid`, if it lives.
pub fn find(pid: u32) -> Option<Arc<ProcessRecord>> {
    TABLE.lock().get(&pid).cloned()
}

/// Every live pid, in increasing order.
pub fn pids() -> Vec<u32> {
    TABLE.lock().keys().copied().collect()
}

/// Notes that `pid` now runs on this CPU.
pub fn set_current(pid: u32) {
    CURRENT_PID.store(pid, Ordering::Relaxed);
}

/// The pid of the process running on this CPU, which `/proc/self` names.
pub fn current_pid() -> u32 {
    CURRENT_PID.load(Ordering::Relaxed)
}
