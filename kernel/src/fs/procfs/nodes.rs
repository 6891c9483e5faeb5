//! procfs inode numbers: each names what the file shows, so no inode table is kept.
//!
//! The root is 1, machine-wide files and `self` are small numbers, and a process's files are
//! `pid << 8 | kind` (pids start at 1, so these never meet the small numbers).

use errno::{Errno, Result};

use crate::{fs::filesystem::InodeNumber, task::table};

/// A machine-wide file in the procfs root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemFile {
    Cpuinfo,
    Filesystems,
    Meminfo,
    Mounts,
    Uptime,
}

/// A file in `/proc/<pid>/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessFile {
    Auxv,
    Cmdline,
    Exe,
    Stat,
    Status,
}

/// What a procfs inode is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Root,
    System(SystemFile),
    /// `/proc/self`, a link to the reader's pid.
    SelfLink,
    ProcessDirectory(u32),
    Process(u32, ProcessFile),
}

pub const SYSTEM_FILES: [(&[u8], SystemFile); 5] = [
    (b"cpuinfo", SystemFile::Cpuinfo),
    (b"filesystems", SystemFile::Filesystems),
    (b"meminfo", SystemFile::Meminfo),
    (b"mounts", SystemFile::Mounts),
    (b"uptime", SystemFile::Uptime),
];

pub const PROCESS_FILES: [(&[u8], ProcessFile); 5] = [
    (b"auxv", ProcessFile::Auxv),
    (b"cmdline", ProcessFile::Cmdline),
    (b"exe", ProcessFile::Exe),
    (b"stat", ProcessFile::Stat),
    (b"status", ProcessFile::Status),
];

pub const ROOT_INODE: InodeNumber = 1;
const SELF_INODE: InodeNumber = 2;
const FIRST_SYSTEM_INODE: InodeNumber = 3;
const KIND_BITS: u32 = 8;

impl Node {
    pub fn inode(self) -> InodeNumber {
        match self {
            Node::Root => ROOT_INODE,
            Node::SelfLink => SELF_INODE,
            Node::System(file) => FIRST_SYSTEM_INODE + system_index(file) as u64,
            Node::ProcessDirectory(pid) => u64::from(pid) << KIND_BITS,
            Node::Process(pid, file) => {
                (u64::from(pid) << KIND_BITS) | (process_index(file) as u64 + 1)
            }
        }
    }

    /// The node `inode` names; `ENOENT` if it is a process's file and the process is gone.
    pub fn from_inode(inode: InodeNumber) -> Result<Node> {
        let system_count = SYSTEM_FILES.len() as u64;
        match inode {
            ROOT_INODE => return Ok(Node::Root),
            SELF_INODE => return Ok(Node::SelfLink),
            _ if (FIRST_SYSTEM_INODE..FIRST_SYSTEM_INODE + system_count).contains(&inode) => {
                return Ok(Node::System(
                    SYSTEM_FILES[(inode - FIRST_SYSTEM_INODE) as usize].1,
                ));
            }
            _ => {}
        }
        let pid = u32::try_from(inode >> KIND_BITS).map_err(|_| Errno::ENOENT)?;
        if pid == 0 || table::find(pid).is_none() {
            return Err(Errno::ENOENT);
        }
        match (inode & ((1 << KIND_BITS) - 1)) as usize {
            0 => Ok(Node::ProcessDirectory(pid)),
            kind => PROCESS_FILES
                .get(kind - 1)
                .map(|&(_, file)| Node::Process(pid, file))
                .ok_or(Errno::ENOENT),
        }
    }
}

fn system_index(file: SystemFile) -> usize {
    SYSTEM_FILES
        .iter()
        .position(|&(_, candidate)| candidate == file)
        .unwrap_or(0)
}

fn process_index(file: ProcessFile) -> usize {
    PROCESS_FILES
        .iter()
        .position(|&(_, candidate)| candidate == file)
        .unwrap_or(0)
}

/// A pid written as Linux's `name_to_int` accepts it: decimal digits, no leading zero.
pub fn parse_pid(name: &[u8]) -> Option<u32> {
    if name.first() == Some(&b'0') || name.is_empty() || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    core::str::from_utf8(name).ok()?.parse().ok()
}
