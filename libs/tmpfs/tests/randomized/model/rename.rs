//! The model's `rename(2)`/`renameat2(2)`, written over paths.

use errno::Errno;

use super::{Model, Node, Path, check_name, is_dot_name, join};

/// `renameat2(2)`'s three behaviours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Replace,
    NoReplace,
    Exchange,
}

impl Model {
    /// Renames `old_parent/old_name` to `new_parent/new_name`; both parents already resolved.
    pub fn rename(
        &mut self,
        old: (&Path, &[u8]),
        new: (&Path, &[u8]),
        mode: Mode,
    ) -> Result<(), Errno> {
        let (old_path, new_path) = self.rename_paths(old, new, mode)?;
        let target = self.nodes.get(&new_path).cloned();
        let source = self.nodes[&old_path].clone();
        self.check_ancestry(old, new, mode)?;
        let is_same_file =
            matches!((&source, &target), (Node::File(a), Some(Node::File(b))) if a == b);
        if old_path == new_path || is_same_file {
            return Ok(());
        }
        if mode == Mode::Exchange {
            let old_subtree = self.take_subtree(&old_path);
            let new_subtree = self.take_subtree(&new_path);
            self.put_subtree(old_subtree, &old_path, &new_path);
            self.put_subtree(new_subtree, &new_path, &old_path);
            return Ok(());
        }
        if let Some(target) = target {
            self.check_replacement(&source, &target, &new_path)?;
            self.nodes.remove(&new_path);
            if let Node::File(id) = target {
                self.drop_file_if_unreferenced(id);
            }
        }
        let subtree = self.take_subtree(&old_path);
        self.put_subtree(subtree, &old_path, &new_path);
        Ok(())
    }

    /// The checks up to the target lookup, giving the two full paths.
    fn rename_paths(
        &self,
        (old_parent, old_name): (&Path, &[u8]),
        (new_parent, new_name): (&Path, &[u8]),
        mode: Mode,
    ) -> Result<(Path, Path), Errno> {
        if !self.is_directory(old_parent) || !self.is_directory(new_parent) {
            return Err(Errno::ENOTDIR);
        }
        if is_dot_name(old_name) {
            return Err(Errno::EBUSY);
        }
        if is_dot_name(new_name) {
            return Err(if mode == Mode::NoReplace {
                Errno::EEXIST
            } else {
                Errno::EBUSY
            });
        }
        check_name(old_name)?;
        let old_path = join(old_parent, old_name);
        if !self.nodes.contains_key(&old_path) {
            return Err(Errno::ENOENT);
        }
        check_name(new_name)?;
        let new_path = join(new_parent, new_name);
        let has_target = self.nodes.contains_key(&new_path);
        match mode {
            Mode::NoReplace if has_target => Err(Errno::EEXIST),
            Mode::Exchange if !has_target => Err(Errno::ENOENT),
            _ => Ok((old_path, new_path)),
        }
    }

    /// fs/namei.c's trap: the source may not be an ancestor of the new parent, nor the target
    /// an ancestor of the old parent.
    fn check_ancestry(
        &self,
        (old_parent, old_name): (&Path, &[u8]),
        (new_parent, new_name): (&Path, &[u8]),
        mode: Mode,
    ) -> Result<(), Errno> {
        if old_parent == new_parent {
            return Ok(());
        }
        if new_parent.starts_with(old_parent) {
            if new_parent[old_parent.len()] == old_name {
                return Err(Errno::EINVAL);
            }
        } else if old_parent.starts_with(new_parent) && old_parent[new_parent.len()] == new_name {
            return Err(if mode == Mode::Exchange {
                Errno::EINVAL
            } else {
                Errno::ENOTEMPTY
            });
        }
        Ok(())
    }

    fn check_replacement(
        &self,
        source: &Node,
        target: &Node,
        target_path: &Path,
    ) -> Result<(), Errno> {
        let is_source_directory = *source == Node::Directory;
        let is_target_directory = *target == Node::Directory;
        if is_source_directory && !is_target_directory {
            return Err(Errno::ENOTDIR);
        }
        if !is_source_directory && is_target_directory {
            return Err(Errno::EISDIR);
        }
        if is_target_directory && self.children(target_path).next().is_some() {
            return Err(Errno::ENOTEMPTY);
        }
        Ok(())
    }

    fn take_subtree(&mut self, root: &Path) -> Vec<(Path, Node)> {
        let keys: Vec<Path> = self
            .nodes
            .keys()
            .filter(|key| key.starts_with(root))
            .cloned()
            .collect();
        keys.into_iter()
            .map(|key| {
                let node = self.nodes.remove(&key).unwrap();
                (key, node)
            })
            .collect()
    }

    fn put_subtree(&mut self, subtree: Vec<(Path, Node)>, from: &Path, to: &Path) {
        for (path, node) in subtree {
            let mut moved = to.clone();
            moved.extend_from_slice(&path[from.len()..]);
            self.nodes.insert(moved, node);
        }
    }
}
