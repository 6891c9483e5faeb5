//! `getdents64(2)` listing: order, cookies, resuming, and reading while the directory changes.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{mkdir, mkfile, names, new_filesystem, time};
use errno::Errno;
use tmpfs::{FileType, ROOT_INODE, Tmpfs};

const ROOT: u64 = ROOT_INODE;

/// One visited entry, owned.
#[derive(Debug, PartialEq, Eq)]
struct Listed {
    name: String,
    inode: u64,
    file_type: FileType,
    cookie: u64,
    next_cookie: u64,
}

/// Reads at most `limit` entries from `cookie`; returns them and the cookie to resume from.
fn read_batch(filesystem: &Tmpfs, directory: u64, cookie: u64, limit: usize) -> (Vec<Listed>, u64) {
    let mut listed = Vec::new();
    let resume = filesystem
        .read_directory(directory, cookie, |entry| {
            if listed.len() == limit {
                return false;
            }
            listed.push(Listed {
                name: String::from_utf8_lossy(entry.name).into_owned(),
                inode: entry.inode,
                file_type: entry.file_type,
                cookie: entry.cookie,
                next_cookie: entry.next_cookie,
            });
            true
        })
        .unwrap();
    (listed, resume)
}

#[test]
fn dot_entries_come_first_then_insertion_order() {
    let mut filesystem = new_filesystem();
    let directory = mkdir(&mut filesystem, ROOT, "d");
    let zebra = mkfile(&mut filesystem, directory, "zebra");
    let apple = mkdir(&mut filesystem, directory, "apple");
    let (listed, resume) = read_batch(&filesystem, directory, 0, usize::MAX);
    let expected = [
        (".", directory, FileType::Directory, 0),
        ("..", ROOT, FileType::Directory, 1),
        ("zebra", zebra, FileType::Regular, 2),
        ("apple", apple, FileType::Directory, 3),
    ];
    let expected: Vec<Listed> = expected
        .into_iter()
        .map(|(name, inode, file_type, cookie)| Listed {
            name: name.into(),
            inode,
            file_type,
            cookie,
            next_cookie: cookie + 1,
        })
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(resume, 4);
    assert_eq!(
        read_batch(&filesystem, directory, resume, usize::MAX),
        (vec![], 4)
    );
}

#[test]
fn a_refused_entry_is_where_reading_resumes() {
    let mut filesystem = new_filesystem();
    for name in ["a", "b", "c"] {
        mkfile(&mut filesystem, ROOT, name);
    }
    let (first, resume) = read_batch(&filesystem, ROOT, 0, 1);
    assert_eq!((first.len(), resume), (1, 1));
    let (second, resume) = read_batch(&filesystem, ROOT, resume, 2);
    let second: Vec<&str> = second.iter().map(|entry| entry.name.as_str()).collect();
    assert_eq!((second, resume), (vec!["..", "a"], 3));
    let (rest, resume) = read_batch(&filesystem, ROOT, resume, 10);
    let rest: Vec<&str> = rest.iter().map(|entry| entry.name.as_str()).collect();
    assert_eq!((rest, resume), (vec!["b", "c"], 5));
}

#[test]
fn a_cookie_of_a_removed_entry_resumes_at_the_next_one() {
    let mut filesystem = new_filesystem();
    for name in ["a", "b", "c"] {
        mkfile(&mut filesystem, ROOT, name);
    }
    filesystem.unlink(ROOT, b"b", time(2)).unwrap();
    let (listed, _) = read_batch(&filesystem, ROOT, 3, 10);
    assert_eq!(
        listed
            .first()
            .map(|entry| (entry.name.as_str(), entry.cookie)),
        Some(("c", 4))
    );
}

#[test]
fn listing_a_non_directory_is_enotdir() {
    let mut filesystem = new_filesystem();
    let file = mkfile(&mut filesystem, ROOT, "f");
    assert_eq!(
        filesystem.read_directory(file, 0, |_| true),
        Err(Errno::ENOTDIR)
    );
    assert_eq!(filesystem.end_cookie(file), Err(Errno::ENOTDIR));
    assert_eq!(
        filesystem.read_directory(404, 0, |_| true),
        Err(Errno::ESTALE)
    );
}

#[test]
fn stopping_at_the_end_cookie_hides_later_additions() {
    let mut filesystem = new_filesystem();
    mkfile(&mut filesystem, ROOT, "before");
    let end = filesystem.end_cookie(ROOT).unwrap();
    mkfile(&mut filesystem, ROOT, "after");
    let mut seen = Vec::new();
    filesystem
        .read_directory(ROOT, 0, |entry| {
            if entry.cookie >= end {
                return false;
            }
            seen.push(String::from_utf8_lossy(entry.name).into_owned());
            true
        })
        .unwrap();
    assert_eq!(seen, [".", "..", "before"]);
    assert_eq!(names(&filesystem, ROOT), [".", "..", "before", "after"]);
}

/// xorshift64*, so the interleaving below is varied but reproducible.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound
    }
}

/// What one interleaved read saw.
struct Interleaving {
    /// How often each name was returned.
    returned: BTreeMap<String, usize>,
    /// Names present from start to end.
    stayed: BTreeSet<String>,
    /// Entries added or removed during the read.
    changes: usize,
}

/// The root directory of a filesystem that changes at random, and what is known about it.
struct ChangingDirectory {
    filesystem: Tmpfs,
    random: Xorshift,
    /// Names present now.
    present: BTreeSet<String>,
    /// Names present since the start.
    stayed: BTreeSet<String>,
    added: usize,
    changes: usize,
}

impl ChangingDirectory {
    /// Forty files in the root.
    fn new(seed: u64) -> Self {
        let mut filesystem = new_filesystem();
        let present: BTreeSet<String> = (0..40).map(|index| format!("initial{index}")).collect();
        for name in &present {
            mkfile(&mut filesystem, ROOT, name);
        }
        Self {
            filesystem,
            random: Xorshift(seed | 1),
            stayed: present.clone(),
            present,
            added: 0,
            changes: 0,
        }
    }

    /// Removes or adds up to two entries.
    fn change(&mut self) {
        for _ in 0..self.random.below(3) {
            let index = self.random.below(self.present.len().max(1) as u64) as usize;
            let victim = self.present.iter().nth(index).cloned();
            if let Some(victim) = victim.filter(|_| self.random.below(2) == 0) {
                self.filesystem
                    .unlink(ROOT, victim.as_bytes(), time(2))
                    .unwrap();
                self.present.remove(&victim);
                self.stayed.remove(&victim);
                self.changes += 1;
            } else if self.added < 60 {
                let name = format!("added{}", self.added);
                mkfile(&mut self.filesystem, ROOT, &name);
                self.present.insert(name);
                self.added += 1;
                self.changes += 1;
            }
        }
    }
}

/// Reads the root a few entries at a time while entries are added and removed between reads.
fn read_while_changing(seed: u64) -> Interleaving {
    let mut directory = ChangingDirectory::new(seed);
    let mut returned = BTreeMap::new();
    let mut cookie = 0;
    loop {
        let limit = 1 + directory.random.below(4) as usize;
        let (batch, resume) = read_batch(&directory.filesystem, ROOT, cookie, limit);
        for entry in &batch {
            let is_present = directory.present.contains(&entry.name);
            assert!(
                is_present || entry.name.starts_with('.'),
                "removed entry returned"
            );
            *returned.entry(entry.name.clone()).or_insert(0) += 1;
        }
        if batch.is_empty() {
            return Interleaving {
                returned,
                stayed: directory.stayed,
                changes: directory.changes,
            };
        }
        cookie = resume;
        directory.change();
    }
}

#[test]
fn reading_while_the_directory_changes_returns_each_staying_entry_once() {
    let mut changes = 0;
    for seed in 1..=50 {
        let Interleaving {
            returned,
            stayed,
            changes: changes_in_this_run,
        } = read_while_changing(seed);
        changes += changes_in_this_run;
        for name in &stayed {
            assert_eq!(
                returned.get(name),
                Some(&1),
                "seed {seed}: {name} present throughout"
            );
        }
        for (name, count) in &returned {
            assert_eq!(*count, 1, "seed {seed}: {name} returned more than once");
        }
        assert_eq!(
            (returned.get("."), returned.get("..")),
            (Some(&1), Some(&1))
        );
    }
    assert!(
        changes > 500,
        "the directory really changed during the reads: {changes}"
    );
}
