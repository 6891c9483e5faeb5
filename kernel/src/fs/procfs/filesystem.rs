//! The procfs [`FileSystem`]: lookups, listings and attributes of the nodes.
//!
//! Creating anything fails as on Linux, whose proc directories have no `create`, `mkdir`
//! or `unlink` operations: `open(O_CREAT)` gives `EACCES` (`lookup_open`), the others
//! `EPERM` (`vfs_mkdir`, `vfs_unlink` ...).

use alloc::{format, vec::Vec};

use errno::{Errno, Result};

use super::{
    nodes::{Node, PROCESS_FILES, ROOT_INODE, SYSTEM_FILES, parse_pid},
    process_files, system_files,
};
use crate::{
    fs::{
        filesystem::{
            DeviceNumber, DirectoryEntry, FileSystem, FileType, InodeNumber, Metadata, NewNode,
            Statistics,
        },
        memory_fs::now,
        mount::Location,
    },
    task::table,
};

/// `PROC_SUPER_MAGIC` from linux/magic.h.
const PROC_SUPER_MAGIC: u64 = 0x9fa0;

/// A procfs instance; all instances show the same processes.
pub struct ProcFileSystem;

impl FileSystem for ProcFileSystem {
    fn type_name(&self) -> &'static str {
        "proc"
    }

    fn root(&self) -> InodeNumber {
        ROOT_INODE
    }

    fn metadata(&self, inode: InodeNumber) -> Result<Metadata> {
        let node = Node::from_inode(inode)?;
        let (file_type, permissions) = match node {
            Node::Root | Node::ProcessDirectory(_) => (FileType::Directory, 0o555),
            Node::SelfLink | Node::Process(_, super::nodes::ProcessFile::Exe) => {
                (FileType::Symlink, 0o777)
            }
            Node::Process(_, super::nodes::ProcessFile::Auxv) => (FileType::Regular, 0o400),
            Node::System(_) | Node::Process(..) => (FileType::Regular, 0o444),
        };
        let (uid, gid) = owner(node);
        let time = now();
        Ok(Metadata {
            inode,
            file_type,
            mode: file_type.mode_bits() | permissions,
            link_count: if file_type == FileType::Directory {
                2
            } else {
                1
            },
            uid,
            gid,
            size: 0,
            blocks: 0,
            rdev: DeviceNumber::NONE,
            accessed: time,
            modified: time,
            changed: time,
        })
    }

    fn lookup(&self, directory: InodeNumber, name: &[u8]) -> Result<InodeNumber> {
        let node = match (Node::from_inode(directory)?, name) {
            (directory @ (Node::Root | Node::ProcessDirectory(_)), b".") => directory,
            (Node::Root | Node::ProcessDirectory(_), b"..") => Node::Root,
            (Node::Root, b"self") => Node::SelfLink,
            (Node::Root, name) => root_entry(name)?,
            (Node::ProcessDirectory(pid), name) => PROCESS_FILES
                .iter()
                .find(|(file_name, _)| *file_name == name)
                .map(|&(_, file)| Node::Process(pid, file))
                .ok_or(Errno::ENOENT)?,
            _ => return Err(Errno::ENOTDIR),
        };
        Ok(node.inode())
    }

    fn read(&self, inode: InodeNumber, offset: u64, buffer: &mut [u8]) -> Result<usize> {
        let bytes = self.snapshot(inode)?.ok_or(Errno::EINVAL)?;
        let start = usize::try_from(offset).map_or(bytes.len(), |start| start.min(bytes.len()));
        let count = buffer.len().min(bytes.len() - start);
        buffer[..count].copy_from_slice(&bytes[start..start + count]);
        Ok(count)
    }

    fn read_link(&self, inode: InodeNumber) -> Result<Vec<u8>> {
        match Node::from_inode(inode)? {
            Node::SelfLink => Ok(format!("{}", table::current_pid()).into_bytes()),
            Node::Process(pid, super::nodes::ProcessFile::Exe) => {
                process_files::executable_path(pid)
            }
            _ => Err(Errno::EINVAL),
        }
    }

    fn read_directory(
        &self,
        directory: InodeNumber,
        cookie: u64,
        visit: &mut dyn FnMut(DirectoryEntry<'_>) -> bool,
    ) -> Result<u64> {
        let entries = match Node::from_inode(directory)? {
            Node::Root => root_entries(),
            Node::ProcessDirectory(pid) => process_entries(pid),
            _ => return Err(Errno::ENOTDIR),
        };
        let start = usize::try_from(cookie).unwrap_or(usize::MAX);
        for (index, (name, node)) in entries.iter().enumerate().skip(start) {
            let file_type = self.metadata(node.inode())?.file_type;
            let entry = DirectoryEntry {
                name,
                inode: node.inode(),
                file_type,
                cookie: index as u64,
                next_cookie: index as u64 + 1,
            };
            if !visit(entry) {
                return Ok(index as u64);
            }
        }
        Ok(entries.len().max(start) as u64)
    }

    fn statistics(&self) -> Statistics {
        Statistics {
            magic: PROC_SUPER_MAGIC,
            block_size: hal::memory::PAGE_SIZE,
            name_max: 255,
            ..Statistics::default()
        }
    }

    fn snapshot(&self, inode: InodeNumber) -> Result<Option<Vec<u8>>> {
        match Node::from_inode(inode)? {
            Node::System(file) => Ok(Some(system_files::contents(file)?)),
            Node::Process(pid, file) => process_files::contents(pid, file).map(Some),
            _ => Ok(None),
        }
    }

    fn link_location(&self, inode: InodeNumber) -> Result<Option<Location>> {
        match Node::from_inode(inode)? {
            Node::Process(pid, super::nodes::ProcessFile::Exe) => {
                process_files::executable(pid).map(|executable| Some(executable.file))
            }
            _ => Ok(None),
        }
    }

    fn namespace_refusal(&self) -> Errno {
        Errno::EPERM
    }

    /// `open(O_CREAT)` of a new name is `EACCES` (the directory is not writable); other
    /// creations are `EPERM`.
    fn create(&self, _directory: InodeNumber, _name: &[u8], node: NewNode) -> Result<InodeNumber> {
        Err(match node.file_type {
            FileType::Regular => Errno::EACCES,
            _ => Errno::EPERM,
        })
    }

    /// Linux's proc files without a `write` operation refuse writes with `EINVAL`.
    fn write(&self, _inode: InodeNumber, _offset: u64, _data: &[u8]) -> Result<usize> {
        Err(Errno::EINVAL)
    }
}

/// A process's files belong to its effective user and group, the rest to root.
fn owner(node: Node) -> (u32, u32) {
    let pid = match node {
        Node::ProcessDirectory(pid) | Node::Process(pid, _) => pid,
        _ => return (0, 0),
    };
    table::find(pid).map_or((0, 0), |record| {
        let credentials = record.details().published.credentials;
        (credentials.effective_uid, credentials.effective_gid)
    })
}

fn root_entry(name: &[u8]) -> Result<Node> {
    if let Some(&(_, file)) = SYSTEM_FILES
        .iter()
        .find(|(file_name, _)| *file_name == name)
    {
        return Ok(Node::System(file));
    }
    let pid = parse_pid(name).ok_or(Errno::ENOENT)?;
    table::find(pid).ok_or(Errno::ENOENT)?;
    Ok(Node::ProcessDirectory(pid))
}

/// `.`, `..`, the machine-wide files, `self`, then each process, as Linux lists them.
fn root_entries() -> Vec<(Vec<u8>, Node)> {
    let mut entries = alloc::vec![(b".".to_vec(), Node::Root), (b"..".to_vec(), Node::Root)];
    for (name, file) in SYSTEM_FILES {
        entries.push((name.to_vec(), Node::System(file)));
    }
    entries.push((b"self".to_vec(), Node::SelfLink));
    for pid in table::pids() {
        entries.push((format!("{pid}").into_bytes(), Node::ProcessDirectory(pid)));
    }
    entries
}

fn process_entries(pid: u32) -> Vec<(Vec<u8>, Node)> {
    let mut entries = alloc::vec![
        (b".".to_vec(), Node::ProcessDirectory(pid)),
        (b"..".to_vec(), Node::Root)
    ];
    for (name, file) in PROCESS_FILES {
        entries.push((name.to_vec(), Node::Process(pid, file)));
    }
    entries
}
