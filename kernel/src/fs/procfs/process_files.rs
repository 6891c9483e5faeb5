//! The files of `/proc/<pid>/`: `auxv`, `cmdline`, `exe`, `stat`, `status` (fs/proc/base.c,
//! fs/proc/array.c), from the process's record in the process table.

use alloc::{sync::Arc, vec::Vec};

use errno::{Errno, Result};
use procfs_text::{ProcessFacts, ProcessState};

use super::nodes::ProcessFile;
use crate::{
    exec::Executable,
    fs::{mount, path, permission::Credentials},
    task::table::{self, ProcessDetails, ProcessRecord},
    time::CLOCK_TICKS_PER_SECOND,
};

/// The bytes of `file` of process `pid`.
pub fn contents(pid: u32, file: ProcessFile) -> Result<Vec<u8>> {
    let record = record(pid)?;
    let details = record.details();
    match file {
        ProcessFile::Auxv => Ok(auxiliary_vector_bytes(&details)),
        ProcessFile::Cmdline => Ok(command_line(&record, &details)),
        ProcessFile::Stat => Ok(procfs_text::stat_line(&facts(pid, &details))),
        ProcessFile::Status => Ok(procfs_text::status_text(&facts(pid, &details))),
        ProcessFile::Exe => Err(Errno::EINVAL),
    }
}

/// The running program of process `pid`.
pub fn executable(pid: u32) -> Result<Executable> {
    Ok(record(pid)?.details().executable)
}

/// The absolute path of process `pid`'s program, found again from the directory that held
/// it; Linux's `d_path` appends " (deleted)" once the name is gone, and so does this.
pub fn executable_path(pid: u32) -> Result<Vec<u8>> {
    let Executable {
        file, directory, ..
    } = executable(pid)?;
    let root = mount::tree_root().ok_or(Errno::ENOENT)?;
    let mut path = path::absolute_path(&root, &directory, &Credentials::ROOT)?;
    if file.is_same(&directory) {
        return Ok(path);
    }
    match path::name_in(&directory, file.inode) {
        Ok(name) => {
            if path != b"/" {
                path.push(b'/');
            }
            path.extend_from_slice(&name);
        }
        Err(_) => path.extend_from_slice(b" (deleted)"),
    }
    Ok(path)
}

fn record(pid: u32) -> Result<Arc<ProcessRecord>> {
    table::find(pid).ok_or(Errno::ENOENT)
}

/// `mm->saved_auxv` as the stack holds it: (type, value) pairs of native-endian words.
fn auxiliary_vector_bytes(details: &ProcessDetails) -> Vec<u8> {
    details
        .auxiliary_vector
        .iter()
        .flat_map(|&(kind, value)| [kind.to_ne_bytes(), value.to_ne_bytes()])
        .flatten()
        .collect()
}

/// The argument strings read from the process's memory (Linux's `get_mm_cmdline`), or
/// nothing when they cannot be read.
fn command_line(record: &ProcessRecord, details: &ProcessDetails) -> Vec<u8> {
    let range = &details.argument_strings;
    let Ok(length) = usize::try_from(range.end.saturating_sub(range.start)) else {
        return Vec::new();
    };
    let mut bytes = alloc::vec![0; length];
    match record.read_memory(range.start, &mut bytes) {
        Ok(()) => bytes,
        Err(_) => Vec::new(),
    }
}

fn facts<'a>(pid: u32, details: &'a ProcessDetails) -> ProcessFacts<'a> {
    let credentials = details.published.credentials;
    // Loam keeps no saved set-ids yet; they equal the effective ids, as after a plain exec.
    let user_ids = [
        credentials.uid,
        credentials.effective_uid,
        credentials.effective_uid,
        credentials.effective_uid,
    ];
    let group_ids = [
        credentials.gid,
        credentials.effective_gid,
        credentials.effective_gid,
        credentials.effective_gid,
    ];
    let state = if pid == table::current_pid() {
        ProcessState::Running
    } else {
        ProcessState::Sleeping
    };
    ProcessFacts {
        pid,
        name: &details.name,
        state,
        parent_pid: details.parent_pid,
        // PID 1 starts in process group 0 and session 0 and Loam has no setsid yet.
        process_group: 0,
        session: 0,
        user_ids,
        group_ids,
        umask: details.published.umask,
        thread_count: 1,
        start_time_ticks: details.start_time_nanoseconds * CLOCK_TICKS_PER_SECOND / 1_000_000_000,
        stack_start: details.stack_start,
        argument_strings: details.argument_strings.clone(),
        environment_strings: details.environment_strings.clone(),
        exit_signal: if pid == 1 {
            0
        } else {
            linux_raw_sys::general::SIGCHLD
        },
    }
}
