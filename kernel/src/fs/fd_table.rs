//! A process's file descriptors: small integers naming open file descriptions.

use alloc::{sync::Arc, vec::Vec};

use errno::{Errno, Result};

use super::file::OpenFile;

/// Whether a descriptor is closed by a successful `execve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseOnExec {
    Keep,
    Close,
}

#[derive(Clone)]
struct Slot {
    file: Arc<OpenFile>,
    close_on_exec: CloseOnExec,
}

/// The descriptor table.
#[derive(Clone, Default)]
pub struct FdTable {
    slots: Vec<Option<Slot>>,
}

impl FdTable {
    /// The open file behind `fd`; `EBADF` if none.
    pub fn get(&self, fd: i32) -> Result<Arc<OpenFile>> {
        self.slot(fd).map(|slot| slot.file.clone())
    }

    fn slot(&self, fd: i32) -> Result<&Slot> {
        let index = usize::try_from(fd).map_err(|_| Errno::EBADF)?;
        self.slots
            .get(index)
            .and_then(Option::as_ref)
            .ok_or(Errno::EBADF)
    }

    /// Installs `file` at the lowest free descriptor at or above `minimum`; `EMFILE` when
    /// none is below `limit` (the soft `RLIMIT_NOFILE`).
    pub fn insert(
        &mut self,
        file: Arc<OpenFile>,
        close_on_exec: CloseOnExec,
        minimum: usize,
        limit: usize,
    ) -> Result<i32> {
        let free = self.lowest_free(minimum, limit)?;
        self.place(free, file, close_on_exec)?;
        Ok(free as i32)
    }

    /// The descriptor [`FdTable::insert`] would use; `EMFILE` if none. `open(2)` asks first,
    /// so that it fails before creating anything, as Linux's `get_unused_fd_flags` does.
    pub fn lowest_free(&self, minimum: usize, limit: usize) -> Result<usize> {
        (minimum..limit.min(i32::MAX as usize))
            .find(|&index| self.slots.get(index).is_none_or(Option::is_none))
            .ok_or(Errno::EMFILE)
    }

    /// Installs `file` at exactly `fd`, closing what was there (`dup2`); `EBADF` when `fd` is
    /// negative or not below `limit`.
    pub fn insert_at(
        &mut self,
        fd: i32,
        file: Arc<OpenFile>,
        close_on_exec: CloseOnExec,
        limit: usize,
    ) -> Result<()> {
        let index = usize::try_from(fd)
            .ok()
            .filter(|&index| index < limit)
            .ok_or(Errno::EBADF)?;
        self.place(index, file, close_on_exec)
    }

    fn place(
        &mut self,
        index: usize,
        file: Arc<OpenFile>,
        close_on_exec: CloseOnExec,
    ) -> Result<()> {
        if index >= self.slots.len() {
            self.slots
                .try_reserve(index + 1 - self.slots.len())
                .map_err(|_| Errno::ENOMEM)?;
            self.slots.resize(index + 1, None);
        }
        self.slots[index] = Some(Slot {
            file,
            close_on_exec,
        });
        Ok(())
    }

    /// Closes `fd`; `EBADF` if it was not open.
    pub fn remove(&mut self, fd: i32) -> Result<Arc<OpenFile>> {
        self.slot(fd)?;
        let slot = self.slots[fd as usize].take().ok_or(Errno::EBADF)?;
        Ok(slot.file)
    }

    pub fn close_on_exec(&self, fd: i32) -> Result<CloseOnExec> {
        self.slot(fd).map(|slot| slot.close_on_exec)
    }

    pub fn set_close_on_exec(&mut self, fd: i32, close_on_exec: CloseOnExec) -> Result<()> {
        self.slot(fd)?;
        if let Some(slot) = self.slots[fd as usize].as_mut() {
            slot.close_on_exec = close_on_exec;
        }
        Ok(())
    }

    /// Closes every close-on-exec descriptor (a successful `execve`).
    pub fn close_for_exec(&mut self) {
        for slot in &mut self.slots {
            if slot
                .as_ref()
                .is_some_and(|slot| slot.close_on_exec == CloseOnExec::Close)
            {
                *slot = None;
            }
        }
    }
}
