//! The x86_64 system-call table: Linux's numbers (from `linux-raw-sys`) to handlers.

use linux_raw_sys::general as linux;

use super::{
    Handler, arch::x86_64::*, file_io::*, files::*, identity::*, memory::*, names_x86_64::NAMES,
    poll::*, process_control::*, signals::*, system::*, time::*,
};

/// Room for every x86_64 system-call number (Linux's highest is below 512).
const TABLE_SIZE: usize = 512;

/// The handler for system call `number`, if Loam implements it: one array index per call.
pub fn handler(number: u64) -> Option<Handler> {
    let index = usize::try_from(number).ok()?;
    TABLE.get(index).copied().flatten()
}

/// [`IMPLEMENTED`] indexed by number, built at compile time.
static TABLE: [Option<Handler>; TABLE_SIZE] = {
    let mut table: [Option<Handler>; TABLE_SIZE] = [None; TABLE_SIZE];
    let mut entry = 0;
    while entry < IMPLEMENTED.len() {
        let (number, handler) = IMPLEMENTED[entry];
        table[number as usize] = Some(handler);
        entry += 1;
    }
    table
};

/// Linux's name of system call `number`.
pub fn name(number: u64) -> Option<&'static str> {
    let number = u32::try_from(number).ok()?;
    NAMES
        .iter()
        .find(|(entry, _)| *entry == number)
        .map(|&(_, name)| name)
}

/// Every implemented system call, in Linux's numeric order.
const IMPLEMENTED: &[(u32, Handler)] = &[
    (linux::__NR_read, sys_read),
    (linux::__NR_write, sys_write),
    (linux::__NR_open, sys_open),
    (linux::__NR_close, sys_close),
    (linux::__NR_stat, sys_stat),
    (linux::__NR_fstat, sys_fstat),
    (linux::__NR_lstat, sys_lstat),
    (linux::__NR_lseek, sys_lseek),
    (linux::__NR_mmap, sys_mmap),
    (linux::__NR_mprotect, sys_mprotect),
    (linux::__NR_munmap, sys_munmap),
    (linux::__NR_brk, sys_brk),
    (linux::__NR_ioctl, sys_ioctl),
    (linux::__NR_pread64, sys_pread64),
    (linux::__NR_pwrite64, sys_pwrite64),
    (linux::__NR_readv, sys_readv),
    (linux::__NR_writev, sys_writev),
    (linux::__NR_access, sys_access),
    (linux::__NR_sched_yield, sys_sched_yield),
    (linux::__NR_mremap, sys_mremap),
    (linux::__NR_madvise, sys_madvise),
    (linux::__NR_dup, sys_dup),
    (linux::__NR_dup2, sys_dup2),
    (linux::__NR_nanosleep, sys_nanosleep),
    (linux::__NR_getpid, sys_getpid),
    (linux::__NR_execve, sys_execve),
    (linux::__NR_exit, sys_exit),
    (linux::__NR_uname, sys_uname),
    (linux::__NR_fcntl, sys_fcntl),
    (linux::__NR_fsync, sys_fsync),
    (linux::__NR_fdatasync, sys_fsync),
    (linux::__NR_truncate, sys_truncate),
    (linux::__NR_ftruncate, sys_ftruncate),
    (linux::__NR_getcwd, sys_getcwd),
    (linux::__NR_chdir, sys_chdir),
    (linux::__NR_fchdir, sys_fchdir),
    (linux::__NR_rename, sys_rename),
    (linux::__NR_mkdir, sys_mkdir),
    (linux::__NR_rmdir, sys_rmdir),
    (linux::__NR_creat, sys_creat),
    (linux::__NR_link, sys_link),
    (linux::__NR_unlink, sys_unlink),
    (linux::__NR_symlink, sys_symlink),
    (linux::__NR_readlink, sys_readlink),
    (linux::__NR_chmod, sys_chmod),
    (linux::__NR_fchmod, sys_fchmod),
    (linux::__NR_chown, sys_chown),
    (linux::__NR_fchown, sys_fchown),
    (linux::__NR_lchown, sys_lchown),
    (linux::__NR_umask, sys_umask),
    (linux::__NR_gettimeofday, sys_gettimeofday),
    (linux::__NR_getrlimit, sys_getrlimit),
    (linux::__NR_sysinfo, sys_sysinfo),
    (linux::__NR_times, sys_times),
    (linux::__NR_getuid, sys_getuid),
    (linux::__NR_getgid, sys_getgid),
    (linux::__NR_setuid, sys_setuid),
    (linux::__NR_setgid, sys_setgid),
    (linux::__NR_geteuid, sys_geteuid),
    (linux::__NR_getegid, sys_getegid),
    (linux::__NR_getppid, sys_getppid),
    (linux::__NR_getpgrp, sys_getpgrp),
    (linux::__NR_poll, sys_poll),
    (linux::__NR_ppoll, sys_ppoll),
    (linux::__NR_rt_sigaction, sys_rt_sigaction),
    (linux::__NR_rt_sigprocmask, sys_rt_sigprocmask),
    (linux::__NR_sigaltstack, sys_sigaltstack),
    (linux::__NR_kill, sys_kill),
    (linux::__NR_tkill, sys_tkill),
    (linux::__NR_tgkill, sys_tgkill),
    (linux::__NR_getpgid, sys_getpgid),
    (linux::__NR_getsid, sys_getsid),
    (linux::__NR_getgroups, sys_getgroups),
    (linux::__NR_mknod, sys_mknod),
    (linux::__NR_statfs, sys_statfs),
    (linux::__NR_fstatfs, sys_fstatfs),
    (linux::__NR_arch_prctl, sys_arch_prctl),
    (linux::__NR_setrlimit, sys_setrlimit),
    (linux::__NR_sync, sys_sync),
    (linux::__NR_mount, sys_mount),
    (linux::__NR_umount2, sys_umount2),
    (linux::__NR_reboot, sys_reboot),
    (linux::__NR_sethostname, sys_sethostname),
    (linux::__NR_gettid, sys_gettid),
    (linux::__NR_time, sys_time),
    (linux::__NR_set_tid_address, sys_set_tid_address),
    (linux::__NR_clock_gettime, sys_clock_gettime),
    (linux::__NR_clock_getres, sys_clock_getres),
    (linux::__NR_clock_nanosleep, sys_clock_nanosleep),
    (linux::__NR_exit_group, sys_exit),
    (linux::__NR_openat, sys_openat),
    (linux::__NR_mkdirat, sys_mkdirat),
    (linux::__NR_mknodat, sys_mknodat),
    (linux::__NR_fchownat, sys_fchownat),
    (linux::__NR_newfstatat, sys_newfstatat),
    (linux::__NR_unlinkat, sys_unlinkat),
    (linux::__NR_renameat, sys_renameat),
    (linux::__NR_linkat, sys_linkat),
    (linux::__NR_symlinkat, sys_symlinkat),
    (linux::__NR_readlinkat, sys_readlinkat),
    (linux::__NR_fchmodat, sys_fchmodat),
    (linux::__NR_faccessat, sys_faccessat),
    (linux::__NR_set_robust_list, sys_set_robust_list),
    (linux::__NR_utimensat, sys_utimensat),
    (linux::__NR_dup3, sys_dup3),
    (linux::__NR_prlimit64, sys_prlimit64),
    (linux::__NR_renameat2, sys_renameat2),
    (linux::__NR_getrandom, sys_getrandom),
    (linux::__NR_statx, sys_statx),
    (linux::__NR_faccessat2, sys_faccessat2),
    (linux::__NR_getdents64, sys_getdents64),
];
