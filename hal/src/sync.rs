//! Locks that are safe to share with interrupt handlers.
//!
//! [`IrqSpinLock`] disables interrupts on the current CPU for as long as its guard lives, so
//! an interrupt handler that takes the same lock can never spin forever on a lock its own CPU
//! holds. Use it for any data an interrupt handler touches; plain `spin::Mutex` elsewhere.

use core::ops::{Deref, DerefMut};

use crate::arch::cpu;

/// A spin lock that keeps interrupts off while held.
pub struct IrqSpinLock<T> {
    inner: spin::Mutex<T>,
}

/// Proof that an [`IrqSpinLock`] is held; interrupts come back (if they were on) when it drops.
pub struct IrqSpinLockGuard<'lock, T> {
    /// Always `Some` until `drop`, which releases the lock before re-enabling interrupts.
    guard: Option<spin::MutexGuard<'lock, T>>,
    were_interrupts_enabled: bool,
}

impl<T> IrqSpinLock<T> {
    /// Creates an unlocked lock.
    pub const fn new(value: T) -> Self {
        Self {
            inner: spin::Mutex::new(value),
        }
    }

    /// Disables interrupts, then spins until the lock is free.
    pub fn lock(&self) -> IrqSpinLockGuard<'_, T> {
        let were_interrupts_enabled = cpu::disable_interrupts();
        IrqSpinLockGuard {
            guard: Some(self.inner.lock()),
            were_interrupts_enabled,
        }
    }

    /// Takes the lock only if it is free at once (fault reporting uses this).
    pub fn try_lock(&self) -> Option<IrqSpinLockGuard<'_, T>> {
        let were_interrupts_enabled = cpu::disable_interrupts();
        let Some(guard) = self.inner.try_lock() else {
            cpu::restore_interrupts(were_interrupts_enabled);
            return None;
        };
        Some(IrqSpinLockGuard {
            guard: Some(guard),
            were_interrupts_enabled,
        })
    }
}

impl<T> Deref for IrqSpinLockGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.guard.as_ref().expect("guard is present until drop")
    }
}

impl<T> DerefMut for IrqSpinLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.guard.as_mut().expect("guard is present until drop")
    }
}

impl<T> Drop for IrqSpinLockGuard<'_, T> {
    fn drop(&mut self) {
        drop(self.guard.take());
        cpu::restore_interrupts(self.were_interrupts_enabled);
    }
}
