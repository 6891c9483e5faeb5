//! Signal system calls: rt_sigaction(2), rt_sigprocmask(2), sigaltstack(2), kill(2),
//! tkill(2), tgkill(2). Only the calling process exists until issue 5, so signals can only be
//! sent to it; they are acted on when the system call returns
//! ([`crate::task::signals::deliver_pending`]).

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use super::user_memory::{Field, pack, read_u64, write_bytes};
use crate::task::{
    process::Process,
    signals::{AlternateStack, SIGNAL_COUNT, SignalAction, bit, is_unblockable},
};

/// The `sigsetsize` every call takes: 64 signals.
const SIGNAL_SET_BYTES: u64 = 8;

/// A signal number from user space; `EINVAL` outside 1..=64.
fn signal_number(value: u64) -> Result<u32> {
    u32::try_from(value)
        .ok()
        .filter(|signal| (1..=SIGNAL_COUNT).contains(signal))
        .ok_or(Errno::EINVAL)
}

fn read_words<const N: usize>(process: &mut Process, address: u64) -> Result<[u64; N]> {
    let mut words = [0u64; N];
    for (index, word) in words.iter_mut().enumerate() {
        let at = address.checked_add(8 * index as u64).ok_or(Errno::EFAULT)?;
        *word = read_u64(process, at)?;
    }
    Ok(words)
}

pub fn sys_rt_sigaction(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [signal, new_action, old_action, set_bytes, ..] = *arguments;
    if set_bytes != SIGNAL_SET_BYTES {
        return Err(Errno::EINVAL);
    }
    let signal = signal_number(signal)?;
    let requested = if new_action == 0 {
        None
    } else {
        let [handler, flags, restorer, mask] = read_words::<4>(process, new_action)?;
        Some(SignalAction {
            handler,
            flags,
            restorer,
            mask,
        })
    };
    if requested.is_some() && is_unblockable(signal) {
        return Err(Errno::EINVAL);
    }
    let old = process.signals.action(signal);
    if let Some(action) = requested {
        process.signals.set_action(signal, action);
    }
    if old_action != 0 {
        let fields = [old.handler, old.flags, old.restorer, old.mask].map(Field::U64);
        write_bytes(process, old_action, &pack(&fields))?;
    }
    Ok(0)
}

pub fn sys_rt_sigprocmask(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [how, new_set, old_set, set_bytes, ..] = *arguments;
    if set_bytes != SIGNAL_SET_BYTES {
        return Err(Errno::EINVAL);
    }
    let old = process.signals.blocked;
    if new_set != 0 {
        let set = read_u64(process, new_set)?;
        let blocked = match how as u32 {
            linux::SIG_BLOCK => old | set,
            linux::SIG_UNBLOCK => old & !set,
            linux::SIG_SETMASK => set,
            _ => return Err(Errno::EINVAL),
        };
        process.signals.set_blocked(blocked);
    }
    if old_set != 0 {
        write_bytes(process, old_set, &old.to_le_bytes())?;
    }
    Ok(0)
}

pub fn sys_sigaltstack(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [new_stack, old_stack, ..] = *arguments;
    let old = process.signals.alternate_stack;
    if new_stack != 0 {
        let [base, flags, size] = read_words::<3>(process, new_stack)?;
        let flags = flags as u32;
        let mode = flags & !linux::SS_AUTODISARM;
        if mode != 0 && mode != linux::SS_DISABLE && mode != linux::SS_ONSTACK {
            return Err(Errno::EINVAL);
        }
        process.signals.alternate_stack = if mode == linux::SS_DISABLE {
            AlternateStack::DISABLED
        } else if size < u64::from(linux::MINSIGSTKSZ) {
            return Err(Errno::ENOMEM);
        } else {
            AlternateStack { base, flags, size }
        };
    }
    if old_stack != 0 {
        let fields = [
            Field::U64(old.base),
            Field::U32(old.flags),
            Field::Padding(4),
            Field::U64(old.size),
        ];
        write_bytes(process, old_stack, &pack(&fields))?;
    }
    Ok(0)
}

/// Sends `signal` (0 only checks) to the caller if `is_self`, else `ESRCH`.
fn send_to_self(process: &mut Process, is_self: bool, signal: u64) -> Result<u64> {
    let signal = if signal == 0 {
        None
    } else {
        Some(signal_number(signal)?)
    };
    if !is_self {
        return Err(Errno::ESRCH);
    }
    if let Some(signal) = signal {
        process.signals.pending |= bit(signal);
    }
    Ok(0)
}

/// kill(2): the caller's pid, or 0 (its process group, which holds only it).
pub fn sys_kill(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let pid = arguments[0] as i32;
    let is_self = pid == 0 || pid == process.pid as i32;
    send_to_self(process, is_self, arguments[1])
}

pub fn sys_tkill(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let tid = arguments[0] as i32;
    if tid <= 0 {
        return Err(Errno::EINVAL);
    }
    send_to_self(process, tid == process.pid as i32, arguments[1])
}

pub fn sys_tgkill(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [group, tid, signal, ..] = *arguments;
    if group as i32 <= 0 || tid as i32 <= 0 {
        return Err(Errno::EINVAL);
    }
    let own = process.pid as i32;
    send_to_self(process, group as i32 == own && tid as i32 == own, signal)
}
