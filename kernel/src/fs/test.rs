//! In-kernel tests of mounts and procfs: use counts, lazy unmount, read-only mounts and the
//! text of `/proc/mounts`, on a root tmpfs made for the test boot.

use alloc::{string::String, sync::Arc};

use errno::Errno;
use linux_raw_sys::general as linux;

use super::{
    memory_fs::MemoryFileSystem,
    mount::{self, Location, MountFlags, UnmountMode},
    operations,
    path::{FollowLast, Walk},
    permission::Credentials,
    procfs::ProcFileSystem,
};
use crate::ktest::{KernelTest, TestResult, ensure, ordinary};

/// The root the tests share (test boots mount none).
fn root() -> Location {
    static ROOT: spin::Once<Location> = spin::Once::new();
    ROOT.call_once(|| super::mount_root(None)).clone()
}

fn walk(root: &Location) -> Walk<'_> {
    Walk {
        root,
        start: root,
        credentials: &Credentials::ROOT,
    }
}

/// Makes `/<name>` and mounts a new tmpfs (with `flags`) on it; returns the mount's root.
fn mount_tmpfs(name: &str, flags: MountFlags) -> Result<Location, String> {
    let root = root();
    let path = alloc::format!("/{name}");
    operations::make_directory(&walk(&root), path.as_bytes(), 0o755, 0)
        .map_err(|error| alloc::format!("mkdir {path}: {error}"))?;
    let point = walk(&root)
        .resolve(path.as_bytes(), FollowLast::Follow)
        .map_err(|error| alloc::format!("resolve {path}: {error}"))?;
    let filesystem = Arc::new(MemoryFileSystem::new("tmpfs", 0o1777));
    let mounted = mount::mount(filesystem, Some(point), name, flags);
    Ok(Location::root_of(&mounted))
}

fn is_listed(id: u64) -> bool {
    mount::all_mounts().iter().any(|mount| mount.id == id)
}

fn a_mount_in_use_is_busy_until_its_last_user_lets_go() -> TestResult {
    let mounted = mount_tmpfs("busy", MountFlags::default())?;
    let working_directory = mounted.clone();
    let result = mount::unmount(&mounted, UnmountMode::RefuseBusy);
    ensure!(
        result == Err(Errno::EBUSY),
        "unmount in use gave {result:?}"
    );
    drop(working_directory);
    let result = mount::unmount(&mounted, UnmountMode::RefuseBusy);
    ensure!(
        result == Ok(()),
        "unmount of an unused mount gave {result:?}"
    );
    ensure!(!is_listed(mounted.mount.id), "the mount is still listed");
    Ok(())
}

fn a_detached_mount_stays_with_its_users_as_its_own_parent() -> TestResult {
    let mounted = mount_tmpfs("detached", MountFlags::default())?;
    let working_directory = mounted.clone();
    let result = mount::unmount(&mounted, UnmountMode::Detach);
    ensure!(result == Ok(()), "MNT_DETACH gave {result:?}");
    ensure!(
        !is_listed(mounted.mount.id),
        "the detached mount is still listed"
    );
    let parent = Walk {
        root: &root(),
        start: &working_directory,
        credentials: &Credentials::ROOT,
    }
    .resolve(b"..", FollowLast::Follow)
    .map_err(|error| alloc::format!("..: {error}"))?;
    ensure!(
        parent.is_same(&working_directory),
        ".. left the detached tree"
    );
    Ok(())
}

fn a_read_only_mount_refuses_new_files() -> TestResult {
    let flags = MountFlags {
        is_read_only: true,
        ..MountFlags::default()
    };
    let mounted = mount_tmpfs("readonly", flags)?;
    let result = operations::make_directory(&walk(&root()), b"/readonly/directory", 0o755, 0);
    ensure!(result == Err(Errno::EROFS), "mkdir gave {result:?}");
    let result = operations::open(&walk(&root()), b"/readonly/file", linux::O_CREAT, 0o644, 0);
    ensure!(
        result.err() == Some(Errno::EROFS),
        "open(O_CREAT) did not give EROFS"
    );
    mount::unmount(&mounted, UnmountMode::RefuseBusy).map_err(|error| alloc::format!("{error}"))
}

fn proc_mounts_lists_each_mount_as_linux_does() -> TestResult {
    let root = root();
    operations::make_directory(&walk(&root), b"/proc", 0o555, 0)
        .map_err(|error| alloc::format!("mkdir /proc: {error}"))?;
    let point = walk(&root)
        .resolve(b"/proc", FollowLast::Follow)
        .map_err(|error| alloc::format!("{error}"))?;
    let mounted = Location::root_of(&mount::mount(
        Arc::new(ProcFileSystem),
        Some(point),
        "proc",
        MountFlags::default(),
    ));
    let file = operations::open(&walk(&root), b"/proc/mounts", linux::O_RDONLY, 0, 0)
        .map_err(|error| alloc::format!("open /proc/mounts: {error}"))?;
    let mut bytes = alloc::vec::Vec::new();
    let mut append = |piece: &[u8]| {
        bytes.extend_from_slice(piece);
        Ok(piece.len())
    };
    // Reads in 3-byte pieces must add up to the one generation made at open.
    while let Ok(1..) = file.read(3, &mut append) {}
    let text = core::str::from_utf8(&bytes).map_err(|_| "not UTF-8")?;
    ensure!(
        text.starts_with("rootfs / rootfs rw,relatime 0 0\n"),
        "{text}"
    );
    ensure!(
        text.contains("\nproc /proc proc rw,relatime 0 0\n"),
        "{text}"
    );
    drop(file);
    let missing = walk(&root).resolve(b"/proc/99999", FollowLast::Follow);
    ensure!(missing.err() == Some(Errno::ENOENT), "/proc/99999 exists");
    mount::unmount(&mounted, UnmountMode::RefuseBusy).map_err(|error| alloc::format!("{error}"))
}

pub static TESTS: &[KernelTest] = &[
    ordinary!(a_mount_in_use_is_busy_until_its_last_user_lets_go),
    ordinary!(a_detached_mount_stays_with_its_users_as_its_own_parent),
    ordinary!(a_read_only_mount_refuses_new_files),
    ordinary!(proc_mounts_lists_each_mount_as_linux_does),
];
