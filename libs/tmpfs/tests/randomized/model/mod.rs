//! A path-keyed reference model of a POSIX filesystem, for the randomized test.
//!
//! It shares no code and no structure with the crate: nodes live in one map from full path to
//! node, file data is a map of non-zero bytes, and every derived value (link counts, sizes, page
//! usage) is recomputed by scanning. Its rules are written from the man pages and Linux's
//! fs/namei.c directly, so agreement with the crate means two independent readings agree.

use std::collections::{BTreeMap, BTreeSet};

use errno::Errno;

mod rename;

pub use rename::Mode;

/// Bytes per page.
pub const PAGE: u64 = 4096;
/// The largest file size (`MAX_LFS_FILESIZE`).
pub const LARGEST: u64 = i64::MAX as u64;

/// A path from the root, one component per element; the root is empty.
pub type Path = Vec<Vec<u8>>;
/// Identifies one regular file, whatever names it has.
pub type FileId = u64;

/// What a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Directory,
    File(FileId),
    Symlink(Vec<u8>),
}

/// The contents of one regular file.
#[derive(Clone, Debug, Default)]
pub struct FileModel {
    pub size: u64,
    /// Bytes that are not zero, by offset.
    pub bytes: BTreeMap<u64, u8>,
    /// Indexes of pages the file has been given.
    pub pages: BTreeSet<u64>,
}

/// The whole filesystem.
#[derive(Debug)]
pub struct Model {
    pub nodes: BTreeMap<Path, Node>,
    pub files: BTreeMap<FileId, FileModel>,
    /// Open references, each to one file.
    pub handles: Vec<FileId>,
    next_file: FileId,
    max_pages: Option<u64>,
}

fn is_dot_name(name: &[u8]) -> bool {
    name == b"." || name == b".."
}

fn check_name(name: &[u8]) -> Result<(), Errno> {
    if name.is_empty() {
        Err(Errno::ENOENT)
    } else if name.len() > 255 {
        Err(Errno::ENAMETOOLONG)
    } else {
        Ok(())
    }
}

fn join(parent: &Path, name: &[u8]) -> Path {
    let mut path = parent.clone();
    path.push(name.to_vec());
    path
}

/// `EINVAL` unless the byte range fits below the largest file size.
pub fn check_range(offset: u64, length: usize) -> Result<(), Errno> {
    match offset.checked_add(length as u64) {
        Some(end) if offset <= LARGEST && end <= LARGEST => Ok(()),
        _ => Err(Errno::EINVAL),
    }
}

impl Model {
    pub fn new(max_pages: Option<u64>) -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(Vec::new(), Node::Directory);
        Self {
            nodes,
            files: BTreeMap::new(),
            handles: Vec::new(),
            next_file: 0,
            max_pages,
        }
    }

    fn is_directory(&self, path: &Path) -> bool {
        self.nodes.get(path) == Some(&Node::Directory)
    }

    fn children(&self, path: &Path) -> impl Iterator<Item = (&Path, &Node)> {
        let depth = path.len() + 1;
        self.nodes
            .iter()
            .filter(move |(key, _)| key.len() == depth && key.starts_with(path))
    }

    /// Resolves components one by one as the kernel's walk over `lookup` would.
    pub fn walk(&self, components: &[Vec<u8>]) -> Result<Path, Errno> {
        let mut current = Vec::new();
        for component in components {
            if !self.is_directory(&current) {
                return Err(Errno::ENOTDIR);
            }
            match component.as_slice() {
                b"." => {}
                b".." => {
                    current.pop();
                }
                name => {
                    check_name(name)?;
                    current.push(name.to_vec());
                    if !self.nodes.contains_key(&current) {
                        return Err(Errno::ENOENT);
                    }
                }
            }
        }
        Ok(current)
    }

    pub fn used_pages(&self) -> u64 {
        let data: u64 = self
            .files
            .values()
            .map(|file| file.pages.len() as u64)
            .sum();
        let symlinks = self
            .nodes
            .values()
            .filter(|node| matches!(node, Node::Symlink(target) if target.len() >= 128))
            .count() as u64;
        data + symlinks
    }

    pub fn live_inodes(&self) -> u64 {
        let non_files = self
            .nodes
            .values()
            .filter(|node| !matches!(node, Node::File(_)))
            .count();
        (non_files + self.files.len()) as u64
    }

    fn names_of(&self, id: FileId) -> usize {
        self.nodes
            .values()
            .filter(|node| **node == Node::File(id))
            .count()
    }

    pub fn file_link_count(&self, id: FileId) -> u32 {
        self.names_of(id) as u32
    }

    /// Link count, size and blocks of the node at `path`.
    pub fn stat(&self, path: &Path) -> (u32, u64, u64) {
        match &self.nodes[path] {
            Node::Directory => {
                let subdirectories = self
                    .children(path)
                    .filter(|(_, node)| **node == Node::Directory);
                let entries = self.children(path).count() as u64;
                (2 + subdirectories.count() as u32, 40 + 20 * entries, 0)
            }
            Node::File(id) => {
                let file = &self.files[id];
                (
                    self.file_link_count(*id),
                    file.size,
                    8 * file.pages.len() as u64,
                )
            }
            Node::Symlink(target) => {
                let blocks = if target.len() >= 128 { 8 } else { 0 };
                (1, target.len() as u64, blocks)
            }
        }
    }

    pub fn drop_file_if_unreferenced(&mut self, id: FileId) {
        if self.names_of(id) == 0 && !self.handles.contains(&id) {
            self.files.remove(&id);
        }
    }

    fn name_to_add(&self, parent: &Path, name: &[u8]) -> Result<Path, Errno> {
        if !self.is_directory(parent) {
            return Err(Errno::ENOTDIR);
        }
        if is_dot_name(name) {
            return Err(Errno::EEXIST);
        }
        check_name(name)?;
        let path = join(parent, name);
        if self.nodes.contains_key(&path) {
            return Err(Errno::EEXIST);
        }
        Ok(path)
    }

    pub fn create(&mut self, parent: &Path, name: &[u8], is_directory: bool) -> Result<(), Errno> {
        let path = self.name_to_add(parent, name)?;
        let node = if is_directory {
            Node::Directory
        } else {
            self.next_file += 1;
            self.files.insert(self.next_file, FileModel::default());
            Node::File(self.next_file)
        };
        self.nodes.insert(path, node);
        Ok(())
    }

    pub fn symlink(&mut self, parent: &Path, name: &[u8], target: &[u8]) -> Result<(), Errno> {
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        if target.len() >= 4096 {
            return Err(Errno::ENAMETOOLONG);
        }
        let path = self.name_to_add(parent, name)?;
        if target.len() >= 128 && self.max_pages.is_some_and(|max| self.used_pages() >= max) {
            return Err(Errno::ENOSPC);
        }
        self.nodes.insert(path, Node::Symlink(target.to_vec()));
        Ok(())
    }

    pub fn link(&mut self, source: &Path, parent: &Path, name: &[u8]) -> Result<(), Errno> {
        let path = self.name_to_add(parent, name)?;
        let node = self.nodes[source].clone();
        if node == Node::Directory {
            return Err(Errno::EPERM);
        }
        // Symlinks have no identity in the model, so the harness never hard-links them.
        assert!(
            !matches!(node, Node::Symlink(_)),
            "the harness does not hard-link symlinks"
        );
        self.nodes.insert(path, node);
        Ok(())
    }

    fn existing(
        &self,
        parent: &Path,
        name: &[u8],
        dot_errors: (Errno, Errno),
    ) -> Result<Path, Errno> {
        if !self.is_directory(parent) {
            return Err(Errno::ENOTDIR);
        }
        match name {
            b"." => return Err(dot_errors.0),
            b".." => return Err(dot_errors.1),
            _ => {}
        }
        check_name(name)?;
        let path = join(parent, name);
        if !self.nodes.contains_key(&path) {
            return Err(Errno::ENOENT);
        }
        Ok(path)
    }

    pub fn unlink(&mut self, parent: &Path, name: &[u8]) -> Result<(), Errno> {
        let path = self.existing(parent, name, (Errno::EISDIR, Errno::EISDIR))?;
        match self.nodes.remove(&path) {
            Some(Node::Directory) => {
                self.nodes.insert(path, Node::Directory);
                Err(Errno::EISDIR)
            }
            Some(Node::File(id)) => {
                self.drop_file_if_unreferenced(id);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub fn rmdir(&mut self, parent: &Path, name: &[u8]) -> Result<(), Errno> {
        let path = self.existing(parent, name, (Errno::EINVAL, Errno::ENOTEMPTY))?;
        if !self.is_directory(&path) {
            return Err(Errno::ENOTDIR);
        }
        if self.children(&path).next().is_some() {
            return Err(Errno::ENOTEMPTY);
        }
        self.nodes.remove(&path);
        Ok(())
    }

    /// The file a data operation on `path` reaches: directories are `EISDIR`, symlinks `EINVAL`.
    pub fn data_file(&self, path: &Path) -> Result<FileId, Errno> {
        match &self.nodes[path] {
            Node::Directory => Err(Errno::EISDIR),
            Node::Symlink(_) => Err(Errno::EINVAL),
            Node::File(id) => Ok(*id),
        }
    }

    pub fn write(&mut self, id: FileId, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        let mut done = 0usize;
        while done < data.len() {
            let position = offset + done as u64;
            let chunk = ((PAGE - position % PAGE) as usize).min(data.len() - done);
            let page = position / PAGE;
            if !self.files[&id].pages.contains(&page) {
                if self.max_pages.is_some_and(|max| self.used_pages() >= max) {
                    if done == 0 {
                        return Err(Errno::ENOSPC);
                    }
                    break;
                }
                self.files.get_mut(&id).unwrap().pages.insert(page);
            }
            let file = self.files.get_mut(&id).unwrap();
            for (index, &byte) in data[done..done + chunk].iter().enumerate() {
                let at = position + index as u64;
                if byte == 0 {
                    file.bytes.remove(&at);
                } else {
                    file.bytes.insert(at, byte);
                }
            }
            done += chunk;
        }
        let file = self.files.get_mut(&id).unwrap();
        file.size = file.size.max(offset + done as u64);
        Ok(done)
    }

    pub fn read(&self, id: FileId, offset: u64, length: usize) -> Vec<u8> {
        let file = &self.files[&id];
        let end = file.size.min(offset.saturating_add(length as u64));
        (offset..end.max(offset))
            .map(|at| file.bytes.get(&at).copied().unwrap_or(0))
            .collect()
    }

    pub fn truncate(&mut self, id: FileId, size: u64) {
        let file = self.files.get_mut(&id).unwrap();
        if size < file.size {
            file.bytes.retain(|&at, _| at < size);
            file.pages.retain(|&page| page < size.div_ceil(PAGE));
        }
        file.size = size;
    }
}
