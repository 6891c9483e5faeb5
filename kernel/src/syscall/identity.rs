//! Who a process is: getpid(2), getuid(2), uname(2), and setting identities.

use errno::{Errno, Result};

use super::user_memory::write_bytes;
use crate::task::process::Process;

pub fn sys_getpid(process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(u64::from(process.pid))
}

pub fn sys_gettid(process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(u64::from(process.pid))
}

pub fn sys_getppid(process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(u64::from(process.parent_pid()))
}

/// PID 1 starts in process group 0 and session 0 (LINUX-NOTES.md).
pub fn sys_getpgrp(_process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(0)
}

/// getpgid(2), which musl's `getpgrp` calls: `ESRCH` for a process that does not exist.
pub fn sys_getpgid(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    require_own_pid(process, arguments[0])?;
    Ok(0)
}

/// getsid(2): init's session is 0 until it calls `setsid` (issue 5).
pub fn sys_getsid(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    require_own_pid(process, arguments[0])?;
    Ok(0)
}

/// `pid` names the caller (0 or its own PID); only one process exists until issue 5.
fn require_own_pid(process: &Process, pid: u64) -> Result<()> {
    if pid == 0 || pid == u64::from(process.pid) {
        Ok(())
    } else {
        Err(Errno::ESRCH)
    }
}

pub fn sys_getuid(process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(u64::from(process.credentials.uid))
}

pub fn sys_geteuid(process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(u64::from(process.credentials.effective_uid))
}

pub fn sys_getgid(process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(u64::from(process.credentials.gid))
}

pub fn sys_getegid(process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(u64::from(process.credentials.effective_gid))
}

/// No supplementary groups.
pub fn sys_getgroups(_process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    if (arguments[0] as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

/// setuid(2): root may become anyone (all three ids); others only their real or saved id.
pub fn sys_setuid(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let uid = arguments[0] as u32;
    let credentials = &mut process.credentials;
    if credentials.effective_uid == 0 {
        credentials.uid = uid;
        credentials.effective_uid = uid;
    } else if uid == credentials.uid {
        credentials.effective_uid = uid;
    } else {
        return Err(Errno::EPERM);
    }
    Ok(0)
}

pub fn sys_setgid(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let gid = arguments[0] as u32;
    let credentials = &mut process.credentials;
    if credentials.effective_uid == 0 {
        credentials.gid = gid;
        credentials.effective_gid = gid;
    } else if gid == credentials.gid {
        credentials.effective_gid = gid;
    } else {
        return Err(Errno::EPERM);
    }
    Ok(0)
}

static HOSTNAME: spin::Mutex<([u8; 65], usize)> = spin::Mutex::new((*b"(none)\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 6));

/// uname(2): Linux's fields, so programs that check `sysname` or the release see a Linux.
pub fn sys_uname(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    const FIELD_BYTES: usize = 65;
    let mut bytes = [0u8; FIELD_BYTES * 6];
    let hostname = *HOSTNAME.lock();
    let release = concat!("6.1.0-loam-", env!("CARGO_PKG_VERSION"));
    let fields: [&[u8]; 6] = [
        b"Linux",
        &hostname.0[..hostname.1],
        release.as_bytes(),
        b"#1 SMP Loam",
        b"x86_64",
        b"(none)",
    ];
    for (index, field) in fields.iter().enumerate() {
        bytes[index * FIELD_BYTES..index * FIELD_BYTES + field.len()].copy_from_slice(field);
    }
    write_bytes(process, arguments[0], &bytes).map(|()| 0)
}

pub fn sys_sethostname(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [name, length, ..] = *arguments;
    if process.credentials.effective_uid != 0 {
        return Err(Errno::EPERM);
    }
    let length = usize::try_from(length).map_err(|_| Errno::EINVAL)?;
    if length > 64 {
        return Err(Errno::EINVAL);
    }
    let mut buffer = [0u8; 65];
    process.memory.copy_from_user(name, &mut buffer[..length])?;
    *HOSTNAME.lock() = (buffer, length);
    Ok(0)
}
