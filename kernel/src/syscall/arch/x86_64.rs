//! System calls only x86_64 has: arch_prctl(2).

use errno::{Errno, Result};
use linux_raw_sys::general as linux;

use crate::{syscall::user_memory::write_bytes, task::process::Process};

/// arch_prctl(2) codes linux-raw-sys lacks (arch/x86/include/uapi/asm/prctl.h).
const ARCH_SET_GS: u32 = 0x1001;
const ARCH_GET_FS: u32 = 0x1003;
const ARCH_GET_GS: u32 = 0x1004;

pub fn sys_arch_prctl(process: &mut Process, arguments: &[u64; 6]) -> Result<u64> {
    let [code, address, ..] = *arguments;
    let is_user = |address: u64| address < hal::user::USER_SPACE_END;
    match code as u32 {
        linux::ARCH_SET_FS if is_user(address) => {
            process.context.registers_mut().fs_base = address;
            Ok(0)
        }
        ARCH_SET_GS if is_user(address) => {
            process.context.registers_mut().gs_base = address;
            Ok(0)
        }
        linux::ARCH_SET_FS | ARCH_SET_GS => Err(Errno::EPERM),
        ARCH_GET_FS => {
            let value = process.context.registers().fs_base;
            write_bytes(process, address, &value.to_le_bytes()).map(|()| 0)
        }
        ARCH_GET_GS => {
            let value = process.context.registers().gs_base;
            write_bytes(process, address, &value.to_le_bytes()).map(|()| 0)
        }
        _ => Err(Errno::EINVAL),
    }
}
