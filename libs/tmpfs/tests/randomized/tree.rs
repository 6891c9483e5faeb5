//! Whole-tree comparisons and the final clean-up of the randomized test.

use std::collections::{BTreeMap, BTreeSet};

use tmpfs::{FileType, InodeNumber};

use crate::{
    Run,
    model::{FileId, Node, PAGE, Path},
    split,
};

impl Run {
    /// Every path in the filesystem with its inode, by walking `read_directory`.
    fn listing(&self) -> BTreeMap<Path, (InodeNumber, FileType)> {
        let mut found = BTreeMap::new();
        found.insert(Vec::new(), (self.filesystem.root(), FileType::Directory));
        let mut pending = vec![(Vec::new(), self.filesystem.root())];
        while let Some((path, directory)) = pending.pop() {
            self.filesystem
                .read_directory(directory, 2, |entry| {
                    let mut child: Path = path.clone();
                    child.push(entry.name.to_vec());
                    if entry.file_type == FileType::Directory {
                        pending.push((child.clone(), entry.inode));
                    }
                    found.insert(child, (entry.inode, entry.file_type));
                    true
                })
                .expect("list a live directory");
        }
        found
    }

    pub fn check_tree(&self) {
        let listing = self.listing();
        let paths: Vec<&Path> = listing.keys().collect();
        self.agree("tree paths", paths, self.model.nodes.keys().collect());
        let mut inode_of_file: BTreeMap<FileId, InodeNumber> = BTreeMap::new();
        for (path, (inode, file_type)) in &listing {
            let expected_type = match self.model.nodes[path] {
                Node::Directory => FileType::Directory,
                Node::File(id) => {
                    let first = *inode_of_file.entry(id).or_insert(*inode);
                    self.agree("hard links share an inode", *inode, first);
                    FileType::Regular
                }
                Node::Symlink(_) => FileType::Symlink,
            };
            self.agree("type", *file_type, expected_type);
            let metadata = self
                .filesystem
                .metadata(*inode)
                .expect("listed inode lives");
            let actual = (metadata.link_count, metadata.size, metadata.blocks);
            self.agree("tree stat", actual, self.model.stat(path));
        }
        let distinct: BTreeSet<_> = inode_of_file.values().collect();
        self.agree("one inode per file", distinct.len(), inode_of_file.len());
        self.check_handles_and_usage();
    }

    fn check_handles_and_usage(&self) {
        for &(inode, id) in &self.handles {
            let metadata = self.filesystem.metadata(inode).expect("open inode lives");
            let expected = (self.model.file_link_count(id), self.model.files[&id].size);
            self.agree("open file", (metadata.link_count, metadata.size), expected);
        }
        let usage = self.filesystem.usage();
        let expected = (self.model.live_inodes(), self.model.used_pages() * PAGE);
        self.agree("usage", (usage.inodes, usage.bytes), expected);
    }

    /// Closes everything and removes every name, deepest first.
    pub fn remove_everything(&mut self) {
        while !self.handles.is_empty() {
            self.close();
        }
        let mut paths: Vec<Path> = self
            .model
            .nodes
            .keys()
            .filter(|path| !path.is_empty())
            .cloned()
            .collect();
        paths.sort_by_key(|path| std::cmp::Reverse(path.len()));
        for path in paths {
            let (parent, name) = split(&path);
            let (directory, parent_path) =
                self.walk("cleanup parent", parent).expect("parent lives");
            let is_directory = self.model.nodes[&path] == Node::Directory;
            let actual = if is_directory {
                self.filesystem.rmdir(directory, name, self.now())
            } else {
                self.filesystem.unlink(directory, name, self.now())
            };
            let expected = if is_directory {
                self.model.rmdir(&parent_path, name)
            } else {
                self.model.unlink(&parent_path, name)
            };
            self.agree("cleanup", actual, expected);
        }
    }
}
