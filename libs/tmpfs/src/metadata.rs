//! What `stat(2)` reports about an inode: numbers, types, device numbers, times.
//!
//! These are plain values the kernel copies into `struct stat` / `struct statx`; the mode and
//! directory-entry type numbers come from `linux-raw-sys` so they cannot drift from Linux's.

use linux_raw_sys::general as linux;

/// An inode number (`st_ino`). Unique within one [`Tmpfs`](crate::Tmpfs) and never reused.
pub type InodeNumber = u64;

/// A point in time as `struct timespec` holds it: seconds since the epoch and nanoseconds.
///
/// Ordered by seconds, then nanoseconds, which is chronological order as long as
/// `nanoseconds < 1_000_000_000` (the kernel's clock guarantees that).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01 00:00:00 UTC; negative before it.
    pub seconds: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanoseconds: u32,
}

impl Timestamp {
    /// A timestamp from its two parts.
    pub const fn new(seconds: i64, nanoseconds: u32) -> Self {
        Self {
            seconds,
            nanoseconds,
        }
    }
}

/// The kind of an inode: the `S_IFMT` part of its mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileType {
    /// A regular file with sparse, page-backed data.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link; its target is the data.
    Symlink,
    /// A character device node; the kernel routes opens to the driver named by `rdev`.
    CharDevice,
    /// A block device node; the kernel routes opens to the driver named by `rdev`.
    BlockDevice,
    /// A named pipe; the kernel keeps the pipe itself.
    Fifo,
    /// A Unix-domain socket's name; the kernel keeps the socket itself.
    Socket,
}

impl FileType {
    /// The `S_IF*` bits of `st_mode` for this type.
    pub const fn mode_bits(self) -> u32 {
        match self {
            FileType::Regular => linux::S_IFREG,
            FileType::Directory => linux::S_IFDIR,
            FileType::Symlink => linux::S_IFLNK,
            FileType::CharDevice => linux::S_IFCHR,
            FileType::BlockDevice => linux::S_IFBLK,
            FileType::Fifo => linux::S_IFIFO,
            FileType::Socket => linux::S_IFSOCK,
        }
    }

    /// The type named by the `S_IFMT` bits of `mode`, as `mknod(2)` decodes its argument; `None`
    /// when those bits name no type.
    pub const fn from_mode(mode: u32) -> Option<Self> {
        match mode & linux::S_IFMT {
            linux::S_IFREG => Some(FileType::Regular),
            linux::S_IFDIR => Some(FileType::Directory),
            linux::S_IFLNK => Some(FileType::Symlink),
            linux::S_IFCHR => Some(FileType::CharDevice),
            linux::S_IFBLK => Some(FileType::BlockDevice),
            linux::S_IFIFO => Some(FileType::Fifo),
            linux::S_IFSOCK => Some(FileType::Socket),
            _ => None,
        }
    }

    /// The `d_type` that `getdents64(2)` reports for this type (`DT_REG`, `DT_DIR`, ...).
    pub const fn directory_entry_type(self) -> u8 {
        let value = match self {
            FileType::Regular => linux::DT_REG,
            FileType::Directory => linux::DT_DIR,
            FileType::Symlink => linux::DT_LNK,
            FileType::CharDevice => linux::DT_CHR,
            FileType::BlockDevice => linux::DT_BLK,
            FileType::Fifo => linux::DT_FIFO,
            FileType::Socket => linux::DT_SOCK,
        };
        // DT_* values are 0..=14 (they are S_IFMT >> 12), so this never truncates.
        value as u8
    }

    /// Whether this is [`FileType::Directory`].
    pub const fn is_directory(self) -> bool {
        matches!(self, FileType::Directory)
    }

    /// Whether this is a character or block device node, the only types that keep an `rdev`.
    pub const fn is_device(self) -> bool {
        matches!(self, FileType::CharDevice | FileType::BlockDevice)
    }
}

/// A device number, as `makedev(3)` splits it: which driver (major) and which unit (minor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeviceNumber {
    /// The driver, 12 bits in Linux's encoding.
    pub major: u32,
    /// The unit within the driver, 20 bits in Linux's encoding.
    pub minor: u32,
}

impl DeviceNumber {
    /// No device: what non-device inodes report as `st_rdev`.
    pub const NONE: DeviceNumber = DeviceNumber { major: 0, minor: 0 };

    /// A device number from its parts.
    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    /// The 32-bit value the system-call ABI uses for `mknod(2)`'s argument and `st_rdev`:
    /// Linux's `new_encode_dev` (include/linux/kdev_t.h), minor bits 0-7, major bits 8-19,
    /// minor bits 8-19 in bits 20-31. Bits beyond 12 of major and 20 of minor are dropped, as
    /// Linux drops them.
    pub const fn to_linux_encoding(self) -> u32 {
        let major = self.major & 0xfff;
        let minor = self.minor & 0xf_ffff;
        (minor & 0xff) | (major << 8) | ((minor & !0xff) << 12)
    }

    /// The device number a `mknod(2)` argument names: Linux's `new_decode_dev`.
    pub const fn from_linux_encoding(encoded: u32) -> Self {
        Self {
            major: (encoded & 0xf_ff00) >> 8,
            minor: (encoded & 0xff) | ((encoded >> 12) & 0xf_ff00),
        }
    }
}

/// Everything `stat(2)` reports about an inode that the filesystem knows.
///
/// `st_dev`, `st_blksize` (the page size, [`PAGE_SIZE`](crate::PAGE_SIZE)) and the mount's
/// flags come from the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// The inode number (`st_ino`).
    pub inode: InodeNumber,
    /// The type, also present in `mode`.
    pub file_type: FileType,
    /// The full `st_mode`: type bits, set-id and sticky bits, permission bits.
    pub mode: u32,
    /// Names that refer to the inode (`st_nlink`); for a directory, 2 plus its subdirectories,
    /// and 0 once removed.
    pub link_count: u32,
    /// Owner (`st_uid`).
    pub uid: u32,
    /// Group (`st_gid`).
    pub gid: u32,
    /// Size in bytes (`st_size`): file length, symlink target length, or for a directory
    /// 20 bytes per entry including "." and ".." (tmpfs's `BOGO_DIRENT_SIZE`, mm/shmem.c).
    pub size: u64,
    /// 512-byte blocks actually allocated (`st_blocks`): 8 per data page; holes cost nothing.
    pub blocks: u64,
    /// The device a device node names (`st_rdev`); [`DeviceNumber::NONE`] for other types.
    pub rdev: DeviceNumber,
    /// Last access (`st_atime`).
    pub accessed: Timestamp,
    /// Last data modification (`st_mtime`).
    pub modified: Timestamp,
    /// Last status change (`st_ctime`).
    pub changed: Timestamp,
}
