//! Files: the VFS (mounts, paths, open files, descriptors) and the filesystems under it.

pub mod device;
pub mod fd_table;
pub mod file;
pub mod filesystem;
pub mod initramfs;
pub mod memory_fs;
pub mod mount;
pub mod operations;
pub mod path;
pub mod permission;
pub mod procfs;
pub mod terminal;
#[cfg(feature = "ktest")]
pub mod test;
pub mod write_access;

use alloc::sync::Arc;

use mount::Location;

/// Mounts a fresh tmpfs as `/` and unpacks the initrd into it; returns the root.
pub fn mount_root(initrd: Option<&[u8]>) -> Location {
    let filesystem = Arc::new(memory_fs::MemoryFileSystem::new("rootfs", 0o755));
    let root_mount = mount::mount(filesystem, None, "rootfs", mount::MountFlags::default());
    let root = Location::root_of(&root_mount);
    initramfs::populate(&root, initrd);
    root
}

/// A filesystem of type `type_name` to mount (`mount(2)`'s `filesystemtype`): a new tmpfs,
/// a procfs, or the one devtmpfs; `None` for types Loam does not have. The same types are
/// listed in `/proc/filesystems` ([`procfs::FILESYSTEM_TYPES`]).
pub fn filesystem_of_type(type_name: &[u8]) -> Option<Arc<dyn filesystem::FileSystem>> {
    let filesystem: Arc<dyn filesystem::FileSystem> = match type_name {
        b"tmpfs" => Arc::new(memory_fs::MemoryFileSystem::new("tmpfs", 0o1777)),
        b"proc" => Arc::new(procfs::ProcFileSystem),
        b"devtmpfs" => devtmpfs(),
        _ => return None,
    };
    debug_assert!(
        procfs::FILESYSTEM_TYPES
            .iter()
            .any(|(name, _)| name.as_bytes() == type_name)
    );
    Some(filesystem)
}

/// The one devtmpfs instance, made on first mount with Linux's basic device nodes.
pub fn devtmpfs() -> Arc<dyn filesystem::FileSystem> {
    static INSTANCE: spin::Once<Arc<memory_fs::MemoryFileSystem>> = spin::Once::new();
    INSTANCE
        .call_once(|| {
            let filesystem = Arc::new(memory_fs::MemoryFileSystem::new("devtmpfs", 0o755));
            let root = filesystem::FileSystem::root(filesystem.as_ref());
            let nodes = [
                (&b"console"[..], device::CONSOLE, 0o600),
                (b"null", device::NULL, 0o666),
                (b"zero", device::ZERO, 0o666),
                (b"full", device::FULL, 0o666),
                (b"random", device::RANDOM, 0o666),
                (b"urandom", device::URANDOM, 0o666),
                (b"tty", device::TTY, 0o666),
            ];
            for (name, number, mode) in nodes {
                let node = filesystem::NewNode::device(
                    filesystem::FileType::CharDevice,
                    mode,
                    filesystem::Owner::new(0, 0),
                    number,
                );
                if let Err(error) =
                    filesystem::FileSystem::create(filesystem.as_ref(), root, name, node)
                {
                    log::warn!("devtmpfs: cannot create a device node: {error}");
                }
            }
            filesystem
        })
        .clone()
}
