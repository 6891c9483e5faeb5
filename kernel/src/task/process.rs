//! A process: its registers, memory, files, identity. One runs at a time until issue 5.

use alloc::vec::Vec;

use hal::user::UserContext;

use super::limits::ResourceLimits;
use crate::{
    exec::{Executable, LoadedProgram, ProgramImage},
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
    pub pid: u32,
    pub parent_pid: u32,
    pub context: UserContext,
    pub memory: ProcessMemory,
    pub files: FdTable,
    pub root: Location,
    pub working_directory: PinnedLocation,
    pub umask: u32,
    pub credentials: Credentials,
    pub limits: ResourceLimits,
    /// The command name (`comm`): the executable's base name, at most 15 bytes.
    pub name: Vec<u8>,
    /// The path given to `execve`, for `/proc/self/exe`'s fallback and logs.
    pub executable_path: Vec<u8>,
    /// The file the process runs.
    pub executable: Executable,
    /// The auxiliary vector of the running image, for `/proc/self/auxv`.
    pub auxiliary_vector: Vec<(u64, u64)>,
    /// `set_tid_address`'s pointer.
    pub clear_child_tid: u64,
    /// Set when the process has ended: its wait status (`code << 8`, or the signal number).
    pub wait_status: Option<u32>,
}

impl Process {
    /// A new process running `program`.
    pub fn new(
        pid: u32,
        program: LoadedProgram,
        executable_path: &[u8],
        root: Location,
        files: FdTable,
    ) -> Self {
        let LoadedProgram { image, executable } = program;
        let ProgramImage {
            memory,
            entry,
            stack,
        } = image;
        memory.activate();
        hal::user::FpuState::initial().restore();
        Self {
            pid,
            parent_pid: 0,
            context: UserContext::new(entry, stack.stack_pointer),
            memory,
            files,
            working_directory: PinnedLocation::new(root.clone()),
            root,
            umask: DEFAULT_UMASK,
            credentials: Credentials::ROOT,
            limits: ResourceLimits::initial(),
            name: command_name(executable_path),
            executable_path: executable_path.to_vec(),
            executable,
            auxiliary_vector: stack.auxiliary_vector,
            clear_child_tid: 0,
            wait_status: None,
        }
    }

    /// Switches to a new program image (the point of no return of `execve`).
    pub fn replace_image(&mut self, program: LoadedProgram, executable_path: &[u8]) {
        let LoadedProgram { image, executable } = program;
        self.executable = executable;
        self.context = UserContext::new(image.entry, image.stack.stack_pointer);
        self.memory = image.memory;
        self.memory.activate();
        self.auxiliary_vector = image.stack.auxiliary_vector;
        self.executable_path = executable_path.to_vec();
        self.name = command_name(executable_path);
        self.files.close_for_exec();
        hal::user::FpuState::initial().restore();
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
    pub fn display_name(&self) -> &str {
        core::str::from_utf8(&self.name).unwrap_or("?")
    }
}

/// `comm`: the base name of the executable, cut to 15 bytes as Linux's `TASK_COMM_LEN` does.
fn command_name(path: &[u8]) -> Vec<u8> {
    let base = path.rsplit(|&byte| byte == b'/').next().unwrap_or(path);
    base[..base.len().min(15)].to_vec()
}
