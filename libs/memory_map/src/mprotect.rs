//! `mprotect(2)`, following `mm/mprotect.c: do_mprotect_pkey()`.
//!
//! Linux changes areas one by one and stops at the first unmapped page with `ENOMEM`, leaving
//! the areas before the hole already changed. Loam checks the whole range first and changes
//! nothing on `ENOMEM`: POSIX allows either, no program can rely on the partial change (it
//! cannot tell how far it got), and all-or-nothing keeps the kernel's page tables and the area
//! list trivially in step.

use alloc::vec::Vec;

use errno::Errno;
use linux_raw_sys::general::{
    PROT_EXEC, PROT_GROWSDOWN, PROT_GROWSUP, PROT_READ, PROT_SEM, PROT_WRITE,
};

use crate::{
    linux::{is_page_aligned, page_align_up},
    map::{MemoryMap, try_push},
    protection::Protection,
    range::Range,
};

/// The `prot` bits `mprotect` accepts besides the `PROT_GROWS*` modifiers: the generic
/// `arch_validate_prot()` (`include/linux/mman.h`). `PROT_SEM` is accepted and ignored.
const VALID_PROTECTION_BITS: u32 = PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM;

impl MemoryMap {
    /// `mprotect(address, length, protection)`. Returns the ranges whose protection changed,
    /// each with its new protection: the kernel rewrites the permissions of the pages present
    /// there. `PROT_GROWSDOWN` extends the range down to the start of the grows-down area it
    /// begins in.
    ///
    /// Errors, in Linux's order: both `PROT_GROWSDOWN` and `PROT_GROWSUP`, or an unaligned
    /// address, `EINVAL`; zero length succeeds; a range wrapping around `ENOMEM`; unknown
    /// `prot` bits `EINVAL`; an unmapped page in the range `ENOMEM`; `PROT_GROWSDOWN` on an
    /// area that does not grow down, or `PROT_GROWSUP` (x86 has no grows-up areas), `EINVAL`.
    pub fn mprotect(
        &mut self,
        address: u64,
        length: u64,
        protection: u32,
    ) -> errno::Result<Vec<(Range, Protection)>> {
        let grows = protection & (PROT_GROWSDOWN | PROT_GROWSUP);
        let protection = protection & !grows;
        if grows == PROT_GROWSDOWN | PROT_GROWSUP || !is_page_aligned(address) {
            return Err(Errno::EINVAL);
        }
        if length == 0 {
            return Ok(Vec::new());
        }
        let length = page_align_up(length).ok_or(Errno::ENOMEM)?;
        let range = Range::from_start_length(address, length).ok_or(Errno::ENOMEM)?;
        if protection & !VALID_PROTECTION_BITS != 0 {
            return Err(Errno::EINVAL);
        }
        let range = self.protected_range(range, grows)?;
        if !self.is_fully_mapped(range) {
            return Err(Errno::ENOMEM);
        }
        let new = Protection::from_linux(protection);
        let parts = self.rewrite(range, |part| Some(part.with_protection(new)), None)?;
        let mut changed = Vec::new();
        for part in parts.iter().filter(|part| part.protection() != new) {
            try_push(&mut changed, (part.range(), new))?;
        }
        Ok(changed)
    }

    /// The range `mprotect` really changes: `range`, or with `PROT_GROWSDOWN` everything from
    /// the start of the first area it touches.
    fn protected_range(&self, range: Range, grows: u32) -> errno::Result<Range> {
        let first = self.first_overlapping(range).ok_or(Errno::ENOMEM)?;
        if grows == PROT_GROWSDOWN {
            if !first.is_grows_down() {
                return Err(Errno::EINVAL);
            }
            return Range::new(first.range().start(), range.end()).ok_or(Errno::ENOMEM);
        }
        if first.range().start() > range.start() {
            return Err(Errno::ENOMEM);
        }
        if grows == PROT_GROWSUP {
            return Err(Errno::EINVAL);
        }
        Ok(range)
    }
}
