//! Thousands of random operations on `Tmpfs` and on a path-keyed reference model, compared.
//!
//! Each step picks an operation and paths from a small name pool (so names collide often), with
//! occasional "." / "..", empty and over-long names, huge and out-of-range offsets, and a page
//! limit in half the runs. Both sides must give the same result or errno. Every few steps the
//! whole tree is compared: names, types, link counts, sizes, blocks, hard-link identity, and
//! `usage()`. At the end everything is closed and removed, and `usage()` must be back to one
//! inode and zero bytes: no page or inode leaks.

mod input;
mod model;
mod tree;

use std::{cell::RefCell, collections::BTreeMap};

use errno::Errno;
use input::Xorshift;
use model::{FileId, Mode, Model, Node, PAGE, Path};
use tmpfs::{FileType, InodeNumber, Limits, NewNode, Owner, RenameMode, Timestamp, Tmpfs};

/// Steps per run.
const STEPS: usize = 4000;
/// Steps between whole-tree comparisons.
const TREE_CHECK_INTERVAL: usize = 25;
/// The page limit of limited runs.
const LIMITED_PAGES: u64 = 12;

/// The filesystem under test, the model, and the open references both hold.
struct Run {
    filesystem: Tmpfs,
    model: Model,
    /// Open references: the inode on one side, the model's file on the other.
    handles: Vec<(InodeNumber, FileId)>,
    random: Xorshift,
    step: usize,
    seed: u64,
    /// How often each operation ended each way ("rename Err(EXDEV)"), to check coverage.
    outcomes: RefCell<BTreeMap<String, usize>>,
}

/// Splits a path into its parent components and last name.
fn split(path: &Path) -> (&[Vec<u8>], &[u8]) {
    let (last, parent) = path.split_last().expect("paths are never empty");
    (parent, last)
}

impl Run {
    fn new(seed: u64, is_limited: bool) -> Self {
        let limits = Limits {
            max_bytes: is_limited.then_some(LIMITED_PAGES * PAGE - 100),
            max_inodes: None,
        };
        let max_pages = is_limited.then_some(LIMITED_PAGES);
        Self {
            filesystem: Tmpfs::with_limits(0o755, 0, 0, Timestamp::default(), limits),
            model: Model::new(max_pages),
            handles: Vec::new(),
            random: Xorshift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
            step: 0,
            seed,
            outcomes: RefCell::default(),
        }
    }

    fn now(&self) -> Timestamp {
        Timestamp::new(self.step as i64, 0)
    }

    fn agree<T: PartialEq + std::fmt::Debug>(&self, what: &str, actual: T, expected: T) {
        assert_eq!(
            actual, expected,
            "seed {} step {}: {what}",
            self.seed, self.step
        );
        let outcome = format!("{actual:?}");
        let outcome = match outcome.get(..3) {
            Some("Ok(") => "Ok",
            Some("Err") => outcome.as_str(),
            _ => "checked",
        };
        *self
            .outcomes
            .borrow_mut()
            .entry(format!("{what} {outcome}"))
            .or_default() += 1;
    }

    /// Walks `components` on both sides; `None` (after comparing errnos) if either fails.
    fn walk(&self, what: &str, components: &[Vec<u8>]) -> Option<(InodeNumber, Path)> {
        let mut inode = self.filesystem.root();
        let mut actual = Ok(());
        for component in components {
            match self.filesystem.lookup(inode, component) {
                Ok(next) => inode = next,
                Err(error) => {
                    actual = Err(error);
                    break;
                }
            }
        }
        let expected = self.model.walk(components);
        self.agree(
            what,
            actual,
            expected.as_ref().map(|_| ()).map_err(|error| *error),
        );
        expected.ok().map(|path| (inode, path))
    }

    fn run_step(&mut self) {
        match self.random.below(100) {
            0..16 => self.create(false),
            16..24 => self.create(true),
            24..27 => self.symlink(),
            27..36 => self.unlink(),
            36..42 => self.rmdir(),
            42..56 => self.rename(),
            56..64 => self.link(),
            64..78 => self.write(),
            78..86 => self.read(),
            86..91 => self.truncate(),
            91..95 => self.stat(),
            95..98 => self.open(),
            _ => self.close(),
        }
    }

    fn create(&mut self, is_directory: bool) {
        let path = self.random.path();
        let (parent, name) = split(&path);
        let Some((directory, parent_path)) = self.walk("create parent", parent) else {
            return;
        };
        let file_type = if is_directory {
            FileType::Directory
        } else {
            FileType::Regular
        };
        let node = NewNode::new(file_type, 0o755, Owner::new(1, 1));
        let actual = self
            .filesystem
            .create(directory, name, node, self.now())
            .map(|_| ());
        let expected = self.model.create(&parent_path, name, is_directory);
        self.agree("create", actual, expected);
    }

    fn symlink(&mut self) {
        let path = self.random.path();
        let (parent, name) = split(&path);
        let lengths = [0, 1, 100, 127, 128, 4095, 4096];
        let target = vec![b't'; lengths[self.random.below(7) as usize]];
        let Some((directory, parent_path)) = self.walk("symlink parent", parent) else {
            return;
        };
        let owner = Owner::new(1, 1);
        let actual = self
            .filesystem
            .symlink(directory, name, &target, owner, self.now());
        let expected = self.model.symlink(&parent_path, name, &target);
        self.agree("symlink", actual.map(|_| ()), expected);
    }

    fn unlink(&mut self) {
        let path = self.random.path();
        let (parent, name) = split(&path);
        let Some((directory, parent_path)) = self.walk("unlink parent", parent) else {
            return;
        };
        let actual = self.filesystem.unlink(directory, name, self.now());
        let expected = self.model.unlink(&parent_path, name);
        self.agree("unlink", actual, expected);
    }

    fn rmdir(&mut self) {
        let path = self.random.path();
        let (parent, name) = split(&path);
        let Some((directory, parent_path)) = self.walk("rmdir parent", parent) else {
            return;
        };
        let actual = self.filesystem.rmdir(directory, name, self.now());
        let expected = self.model.rmdir(&parent_path, name);
        self.agree("rmdir", actual, expected);
    }

    fn rename(&mut self) {
        let (old, new) = (self.random.path(), self.random.path());
        let modes = [
            (RenameMode::Replace, Mode::Replace),
            (RenameMode::NoReplace, Mode::NoReplace),
            (RenameMode::Exchange, Mode::Exchange),
        ];
        let (mode, model_mode) = modes[self.random.below(3) as usize];
        let ((old_parent, old_name), (new_parent, new_name)) = (split(&old), split(&new));
        let Some((old_directory, old_path)) = self.walk("rename old parent", old_parent) else {
            return;
        };
        let Some((new_directory, new_path)) = self.walk("rename new parent", new_parent) else {
            return;
        };
        let now = self.now();
        let actual =
            self.filesystem
                .rename(old_directory, old_name, new_directory, new_name, mode, now);
        let expected = self
            .model
            .rename((&old_path, old_name), (&new_path, new_name), model_mode);
        self.agree("rename", actual, expected);
    }

    fn link(&mut self) {
        let (source, new) = (self.random.path(), self.random.path());
        let Some((inode, source_path)) = self.walk("link source", &source) else {
            return;
        };
        if matches!(self.model.nodes[&source_path], Node::Symlink(_)) {
            return;
        }
        let (parent, name) = split(&new);
        let Some((directory, parent_path)) = self.walk("link parent", parent) else {
            return;
        };
        let actual = self.filesystem.link(inode, directory, name, self.now());
        let expected = self.model.link(&source_path, &parent_path, name);
        self.agree("link", actual, expected);
    }

    /// A target for a data operation: an open reference, or a path (`Err` with the model's
    /// answer when it does not reach a regular file, after comparing the walk).
    fn data_target(
        &mut self,
        offset: u64,
        length: usize,
    ) -> Option<(InodeNumber, Result<FileId, Errno>)> {
        if !self.handles.is_empty() && self.random.below(2) == 0 {
            let (inode, id) = self.handles[self.random.below(self.handles.len() as u64) as usize];
            return Some((inode, model::check_range(offset, length).map(|()| id)));
        }
        let path = self.random.path();
        let (inode, path) = self.walk("data path", &path)?;
        let expected =
            model::check_range(offset, length).and_then(|()| self.model.data_file(&path));
        Some((inode, expected))
    }

    fn write(&mut self) {
        let (offset, data) = (self.random.offset(), self.random.data());
        let Some((inode, file)) = self.data_target(offset, data.len()) else {
            return;
        };
        let actual = self.filesystem.write(inode, offset, &data, self.now());
        let expected = file.and_then(|id| {
            if data.is_empty() {
                Ok(0)
            } else {
                self.model.write(id, offset, &data)
            }
        });
        self.agree("write", actual, expected);
    }

    fn read(&mut self) {
        let offset = self.random.offset();
        let length = self.random.below(9000) as usize;
        let Some((inode, file)) = self.data_target(offset, length) else {
            return;
        };
        let mut buffer = vec![0xee; length];
        let actual = self
            .filesystem
            .read(inode, offset, &mut buffer)
            .map(|count| {
                buffer.truncate(count);
                buffer
            });
        let expected = file.map(|id| self.model.read(id, offset, length));
        self.agree("read", actual, expected);
    }

    fn truncate(&mut self) {
        let size = self.random.offset();
        let Some((inode, file)) = self.data_target(size, 0) else {
            return;
        };
        let actual = self.filesystem.truncate(inode, size, self.now());
        let expected = file.map(|id| self.model.truncate(id, size));
        self.agree("truncate", actual, expected);
    }

    fn stat(&mut self) {
        let path = self.random.path();
        let Some((inode, path)) = self.walk("stat path", &path) else {
            return;
        };
        let metadata = self
            .filesystem
            .metadata(inode)
            .expect("a walked inode lives");
        let actual = (metadata.link_count, metadata.size, metadata.blocks);
        self.agree("stat", actual, self.model.stat(&path));
    }

    fn open(&mut self) {
        let path = self.random.path();
        let Some((inode, path)) = self.walk("open path", &path) else {
            return;
        };
        if let Node::File(id) = self.model.nodes[&path] {
            self.filesystem
                .open_reference(inode)
                .expect("open a live file");
            self.handles.push((inode, id));
            self.model.handles.push(id);
        }
    }

    fn close(&mut self) {
        if self.handles.is_empty() {
            return;
        }
        let index = self.random.below(self.handles.len() as u64) as usize;
        let (inode, id) = self.handles.swap_remove(index);
        self.model.handles.swap_remove(index);
        self.filesystem
            .release_reference(inode)
            .expect("release an open file");
        self.model.drop_file_if_unreferenced(id);
    }
}

fn run(seed: u64, is_limited: bool) -> BTreeMap<String, usize> {
    let mut run = Run::new(seed, is_limited);
    let start = run.filesystem.usage();
    for step in 1..=STEPS {
        run.step = step;
        run.run_step();
        if step % TREE_CHECK_INTERVAL == 0 {
            run.check_tree();
        }
    }
    run.check_tree();
    run.remove_everything();
    run.check_tree();
    assert_eq!(
        run.filesystem.usage(),
        start,
        "seed {seed}: leaked inodes or pages"
    );
    let root = run.filesystem.metadata(run.filesystem.root()).unwrap();
    assert_eq!(
        (root.link_count, root.size),
        (2, 40),
        "seed {seed}: root back to empty"
    );
    assert!(run.model.files.is_empty());
    run.outcomes.into_inner()
}

/// Adds one run's outcome counts to a total.
fn merge(total: &mut BTreeMap<String, usize>, outcomes: BTreeMap<String, usize>) {
    for (outcome, count) in outcomes {
        *total.entry(outcome).or_default() += count;
    }
}

/// Fails unless every outcome in `required` happened at least `minimum` times.
fn assert_covered(total: &BTreeMap<String, usize>, required: &[&str], minimum: usize) {
    for outcome in required {
        let count = total.get(*outcome).copied().unwrap_or(0);
        assert!(
            count >= minimum,
            "{outcome} happened {count} times; outcomes: {total:#?}"
        );
    }
}

/// Outcomes that unlimited runs must produce, so the comparison covers every rule.
const REQUIRED_WITHOUT_LIMITS: &[&str] = &[
    "create Ok",
    "create Err(EEXIST)",
    "create Err(ENAMETOOLONG)",
    "create Err(ENOENT)",
    "create parent Err(ENOTDIR)",
    "create Err(ENOTDIR)",
    "symlink Ok",
    "symlink Err(ENOENT)",
    "symlink Err(ENAMETOOLONG)",
    "unlink Ok",
    "unlink Err(EISDIR)",
    "unlink Err(ENOENT)",
    "rmdir Ok",
    "rmdir Err(ENOTEMPTY)",
    "rmdir Err(EINVAL)",
    "rmdir Err(ENOTDIR)",
    "rename Ok",
    "rename Err(EBUSY)",
    "rename Err(EEXIST)",
    "rename Err(EINVAL)",
    "rename Err(ENOTEMPTY)",
    "rename Err(EISDIR)",
    "rename Err(ENOTDIR)",
    "rename Err(ENOENT)",
    "link Ok",
    "link Err(EPERM)",
    "link Err(EEXIST)",
    "write Ok",
    "write Err(EINVAL)",
    "write Err(EISDIR)",
    "read Ok",
    "read Err(EISDIR)",
    "truncate Ok",
    "truncate Err(EINVAL)",
    "stat checked",
    "open file checked",
    "tree stat checked",
    "usage checked",
    "cleanup Ok",
];

#[test]
fn random_operations_match_the_model_without_limits() {
    let mut total = BTreeMap::new();
    for seed in 1..=4 {
        merge(&mut total, run(seed, false));
    }
    assert_covered(&total, REQUIRED_WITHOUT_LIMITS, 3);
}

#[test]
fn random_operations_match_the_model_with_a_page_limit() {
    let mut total = BTreeMap::new();
    for seed in 101..=104 {
        merge(&mut total, run(seed, true));
    }
    let required = [
        "write Ok",
        "write Err(ENOSPC)",
        "symlink Err(ENOSPC)",
        "truncate Ok",
    ];
    assert_covered(&total, &required, 3);
}
