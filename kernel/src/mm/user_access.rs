//! The one checked path to user memory: every copy the kernel makes goes through here.
//!
//! Before hal's fault-checked copy runs, each page of the buffer is checked against its area
//! (so a `PROT_NONE` page, which stays present for the kernel, is refused too), the stack
//! grows if the buffer lies just below it, and absent pages get their demand-zero frames, as
//! Linux's fault handler would do during the copy. Anything else is `EFAULT`, never a kernel
//! fault.

use alloc::vec::Vec;

use errno::{Errno, Result};
use hal::memory::PAGE_SIZE;
use memory_map::Access;

use super::process_memory::ProcessMemory;

impl ProcessMemory {
    /// Makes every page of `address..address + length` present for `access`; `EFAULT` if any
    /// is outside an area that allows it.
    fn prepare(&mut self, address: u64, length: usize, access: Access) -> Result<()> {
        if length == 0 {
            return Ok(());
        }
        let end = address.checked_add(length as u64).ok_or(Errno::EFAULT)?;
        let mut page = address - address % PAGE_SIZE;
        while page < end {
            let is_allowed = self
                .map
                .check_access(page, access)
                .is_ok_and(|_| self.space.query(page).is_some());
            if !is_allowed {
                self.map_zero_page(page, access)
                    .map_err(|_| Errno::EFAULT)?;
            }
            page += PAGE_SIZE;
        }
        Ok(())
    }

    /// Copies user memory into `buffer`; `EFAULT` if any byte is not readable.
    pub fn copy_from_user(&mut self, address: u64, buffer: &mut [u8]) -> Result<()> {
        self.prepare(address, buffer.len(), Access::Read)?;
        hal::user::copy_from_user(address, buffer).map_err(|_| Errno::EFAULT)
    }

    /// Copies `bytes` to user memory; `EFAULT` if any byte is not writable.
    pub fn copy_to_user(&mut self, address: u64, bytes: &[u8]) -> Result<()> {
        self.prepare(address, bytes.len(), Access::Write)?;
        hal::user::copy_to_user(address, bytes).map_err(|_| Errno::EFAULT)
    }

    /// Reads a NUL-terminated string of at most `limit` bytes (without the NUL); `Ok(None)`
    /// when there is no NUL within `limit`, for the caller to name (`ENAMETOOLONG`, `E2BIG`).
    pub fn read_c_string(&mut self, address: u64, limit: usize) -> Result<Option<Vec<u8>>> {
        let mut bytes = Vec::new();
        let mut current = address;
        while bytes.len() < limit {
            let page_end = (current | (PAGE_SIZE - 1)).saturating_add(1);
            let chunk = ((page_end - current) as usize).min(limit - bytes.len());
            let mut buffer = [0u8; PAGE_SIZE as usize];
            self.copy_from_user(current, &mut buffer[..chunk])?;
            if let Some(nul) = buffer[..chunk].iter().position(|&byte| byte == 0) {
                bytes.extend_from_slice(&buffer[..nul]);
                return Ok(Some(bytes));
            }
            bytes.extend_from_slice(&buffer[..chunk]);
            current = current.checked_add(chunk as u64).ok_or(Errno::EFAULT)?;
        }
        Ok(None)
    }
}
