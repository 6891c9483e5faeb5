//! A process: its registers, memory, files, identity. One runs at a time until issue 5.

use alloc::{string::String, sync::Arc, vec::Vec};

use hal::user::UserContext;

use super::{
    limits::ResourceLimits,
    signals::SignalState,
    table::{self, ProcessDetails, ProcessRecord, Published},
};
use crate::{
    exec::ProgramImage,
    fs::{
        fd_table::FdTable,
        mount::{Location, PinnedLocation},
        path::Walk,
        permission::Credentials,
    },
    mm::process_memory::ProcessMemory,
};

/// Linux's default umask for init (`init_fs.umask`).
pub const DEFAULT_UMASK: u32 = 0o022;

/// Everything the kernel keeps about one process.
pub struct Process {
    /// The same as `record.pid`, which never changes.
    pub pid: u32,
    /// What others may read about the process (parent, name, executable, auxv ...), shared
    /// with the process table.
    pub record: Arc<ProcessRecord>,
    pub context: UserContext,
    pub memory: ProcessMemory,
    pub files: FdTable,
    pub root: Location,
    pub working_directory: PinnedLocation,
    pub umask: u32,
    pub credentials: Credentials,
    pub limits: ResourceLimits,
    pub signals: SignalState,
    /// `set_tid_address`'s pointer.
    pub clear_child_tid: u64,
    /// Set when the process has ended: its wait status (`code << 8`, or the signal number).
    pub wait_status: Option<u32>,
}

impl Process {
    /// A new process running `image` (loaded from `executable_path`), entered in the
    /// process table.
    pub fn new(
        pid: u32,
        image: ProgramImage,
        executable_path: &[u8],
        root: Location,
        files: FdTable,
    ) -> Self {
        let ProgramImage {
            memory,
            entry,
            stack,
            executable,
        } = image;
        memory.activate();
        hal::user::FpuState::initial().restore();
        let published = Published {
            credentials: Credentials::ROOT,
            umask: DEFAULT_UMASK,
        };
        let details = ProcessDetails {
            parent_pid: 0,
            name: command_name(executable_path),
            executable,
            auxiliary_vector: stack.auxiliary_vector,
            stack_start: stack.stack_pointer,
            argument_strings: stack.argument_strings,
            environment_strings: stack.environment_strings,
            start_time_nanoseconds: crate::time::monotonic_nanoseconds(),
            published,
        };
        let record = ProcessRecord::new(pid, details);
        table::insert(record.clone());
        Self {
            pid,
            record,
            context: UserContext::new(entry, stack.stack_pointer),
            memory,
            files,
            working_directory: PinnedLocation::new(root.clone()),
            root,
            umask: published.umask,
            credentials: published.credentials,
            limits: ResourceLimits::initial(),
            signals: SignalState::new(),
            clear_child_tid: 0,
            wait_status: None,
        }
    }

    /// Switches to a new program image (the point of no return of `execve`).
    pub fn replace_image(&mut self, image: ProgramImage, executable_path: &[u8]) {
        self.context = UserContext::new(image.entry, image.stack.stack_pointer);
        self.memory = image.memory;
        self.memory.activate();
        let stack = image.stack;
        self.record.update(|details| {
            details.name = command_name(executable_path);
            details.executable = image.executable;
            details.auxiliary_vector = stack.auxiliary_vector;
            details.stack_start = stack.stack_pointer;
            details.argument_strings = stack.argument_strings;
            details.environment_strings = stack.environment_strings;
        });
        self.files.close_for_exec();
        self.signals.reset_for_exec();
        hal::user::FpuState::initial().restore();
    }

    /// Copies the fields the record publishes (see [`Published`]) into it.
    pub fn publish(&self) {
        self.record.publish(Published {
            credentials: self.credentials,
            umask: self.umask,
        });
    }

    /// The parent's pid (0 for init).
    pub fn parent_pid(&self) -> u32 {
        self.record.details().parent_pid
    }

    /// A walk starting at the working directory.
    pub fn walk(&self) -> Walk<'_> {
        self.walk_from(&self.working_directory)
    }

    /// A walk starting at `start` (a directory file descriptor's location).
    pub fn walk_from<'a>(&'a self, start: &'a Location) -> Walk<'a> {
        Walk {
            root: &self.root,
            start,
            credentials: &self.credentials,
        }
    }

    /// The command name for logs.
    pub fn display_name(&self) -> String {
        String::from_utf8_lossy(&self.record.details().name).into_owned()
    }
}

impl Drop for Process {
    /// A process that is gone leaves the process table (with issue 5, when it is reaped).
    fn drop(&mut self) {
        table::remove(self.pid);
    }
}

/// `comm`: the base name of the executable, cut to 15 bytes as Linux's `TASK_COMM_LEN` does.
fn command_name(path: &[u8]) -> Vec<u8> {
    let base = path.rsplit(|&byte| byte == b'/').next().unwrap_or(path);
    base[..base.len().min(15)].to_vec()
}
