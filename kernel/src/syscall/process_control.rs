//! Starting and ending programs, and per-process settings: execve(2), exit(2),
//! set_tid_address(2), prlimit64(2), reboot(2), getrandom(2).

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::user_memory::{Field, pack, read_path, read_string_array, read_u64, write_bytes};
use crate::{
    exec::{self, ExecRequest},
    task::{limits::Limit, process::Process},
};

pub fn sys_execve(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [path, argv, envp, ..] = *arguments;
    let path = read_path(process, path)?;
    let arguments = read_string_array(process, argv)?;
    let environment = read_string_array(process, envp)?;
    let program = exec::load(
        &process.walk(),
        ExecRequest {
            path: path.clone(),
            arguments,
            environment,
        },
    )?;
    process.replace_image(program, &path);
    Ok(0)
}

pub fn sys_exit(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    process.wait_status = Some((arguments[0] as u32 & 0xff) << 8);
    Ok(0)
}

pub fn sys_set_tid_address(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    process.clear_child_tid = arguments[0];
    Ok(u64::from(process.pid))
}

/// set_robust_list(2): the list is only read when a thread dies holding futexes (issue 6);
/// Linux checks the header size.
pub fn sys_set_robust_list(_process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    const ROBUST_LIST_HEAD_BYTES: u64 = 24;
    if arguments[1] != ROBUST_LIST_HEAD_BYTES {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

/// prlimit64(2): the new limits are read before anything changes and the old ones written
/// after, as `kernel/sys.c` does; only the caller's own process exists so far.
pub fn sys_prlimit64(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [pid, resource, new_limit, old_limit, ..] = *arguments;
    if pid != 0 && pid != u64::from(process.pid) {
        return Err(Errno::ESRCH);
    }
    let resource = u32::try_from(resource).map_err(|_| Errno::EINVAL)?;
    let requested = if new_limit == 0 {
        None
    } else {
        let soft = read_u64(process, new_limit)?;
        let hard = read_u64(process, new_limit.checked_add(8).ok_or(Errno::EFAULT)?)?;
        Some(Limit { soft, hard })
    };
    let old = process.limits.get(resource)?;
    if let Some(limit) = requested {
        let may_raise_hard = process.credentials.effective_uid == 0;
        process.limits.set(resource, limit, may_raise_hard)?;
    }
    if old_limit != 0 {
        write_bytes(
            process,
            old_limit,
            &pack(&[Field::U64(old.soft), Field::U64(old.hard)]),
        )?;
    }
    Ok(0)
}

pub fn sys_getrlimit(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_prlimit64(process, &[0, arguments[0], 0, arguments[1], 0, 0])
}

pub fn sys_setrlimit(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    sys_prlimit64(process, &[0, arguments[0], arguments[1], 0, 0, 0])
}

pub fn sys_getrandom(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [buffer, length, flags, ..] = *arguments;
    let known = u64::from(linux::GRND_NONBLOCK | linux::GRND_RANDOM | linux::GRND_INSECURE);
    let both = u64::from(linux::GRND_INSECURE | linux::GRND_RANDOM);
    if flags & !known != 0 || flags & both == both {
        return Err(Errno::EINVAL);
    }
    // Linux returns at most 32 MiB - 1 per call; filled a page at a time, so a large request
    // never needs a large kernel buffer.
    let length = (length as usize).min((32 << 20) - 1);
    let mut chunk = [0u8; 4096];
    let mut done = 0;
    while done < length {
        let count = chunk.len().min(length - done);
        crate::random::fill(&mut chunk[..count]);
        let destination = buffer.checked_add(done as u64).ok_or(Errno::EFAULT)?;
        write_bytes(process, destination, &chunk[..count])?;
        done += count;
    }
    Ok(length as u64)
}

/// reboot(2): power-off and halt end the machine; restart is a power-off too (QEMU runs with
/// `-no-reboot`); `CAD_ON`/`CAD_OFF` are accepted.
pub fn sys_reboot(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [magic, magic2, command, ..] = *arguments;
    if process.credentials.effective_uid != 0 {
        return Err(Errno::EPERM);
    }
    let magic2_values = [
        linux::LINUX_REBOOT_MAGIC2,
        linux::LINUX_REBOOT_MAGIC2A,
        linux::LINUX_REBOOT_MAGIC2B,
        linux::LINUX_REBOOT_MAGIC2C,
    ];
    if magic as u32 != linux::LINUX_REBOOT_MAGIC1 || !magic2_values.contains(&(magic2 as u32)) {
        return Err(Errno::EINVAL);
    }
    match command as u32 {
        linux::LINUX_REBOOT_CMD_POWER_OFF
        | linux::LINUX_REBOOT_CMD_HALT
        | linux::LINUX_REBOOT_CMD_RESTART => {
            log::info!("reboot: Power down");
            crate::shutdown::power_off()
        }
        linux::LINUX_REBOOT_CMD_CAD_ON | linux::LINUX_REBOOT_CMD_CAD_OFF => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_sched_yield(_process: &mut Process, _arguments: &[u64; 6]) -> Result<u64> {
    Ok(0)
}
