//! The memory system calls' work: ask the map, then carry out its report on the page tables.
//!
//! `memory_map` checks the arguments in Linux's order and decides what changes (placement,
//! splitting, merging, the overcommit heuristic); these functions only free, re-protect, move
//! or fault in the pages it names. Each map call either succeeds completely or changes
//! nothing, so the page tables never see a half-done operation.

use errno::Result;
use memory_map::{Access, Range};

use super::{pages, process_memory::ProcessMemory};

impl ProcessMemory {
    /// `brk(requested)`: the new break, or the unchanged one when it cannot move (the raw
    /// system call's convention). New heap pages are demand-zero; pages given back are freed.
    pub fn change_program_break(&mut self, requested: u64) -> u64 {
        let change = self.map.brk(requested);
        for range in change.unmapped {
            pages::free(&mut self.space, range);
        }
        change.program_break
    }

    /// `mmap` of anonymous memory: the mapping's address. Pages `MAP_FIXED` replaced are
    /// freed; `MAP_POPULATE` faults the new pages in, as far as memory allows.
    pub fn map_anonymous(
        &mut self,
        address_hint: u64,
        length: u64,
        protection: u32,
        flags: u32,
    ) -> Result<u64> {
        let mapped = self.map.mmap(address_hint, length, protection, flags)?;
        for range in mapped.replaced {
            pages::free(&mut self.space, range);
        }
        if mapped.should_populate {
            self.populate(mapped.range);
        }
        Ok(mapped.range.start())
    }

    /// `munmap(address, length)`: frees the pages of every area removed.
    pub fn unmap(&mut self, address: u64, length: u64) -> Result<()> {
        for range in self.map.munmap(address, length)? {
            pages::free(&mut self.space, range);
        }
        Ok(())
    }

    /// `mprotect(address, length, protection)`: rewrites the pages present in each changed part.
    pub fn protect(&mut self, address: u64, length: u64, protection: u32) -> Result<()> {
        for (range, protection) in self.map.mprotect(address, length, protection)? {
            pages::protect(&mut self.space, range, protection);
        }
        Ok(())
    }

    /// `mremap(...)`: the mapping's (possibly new) address. Frees what stopped being mapped,
    /// then moves the present pages with their frames.
    pub fn remap(
        &mut self,
        old_address: u64,
        old_length: u64,
        new_length: u64,
        flags: u32,
        new_address: u64,
    ) -> Result<u64> {
        let remap = self
            .map
            .mremap(old_address, old_length, new_length, flags, new_address)?;
        for range in remap.unmapped {
            pages::free(&mut self.space, range);
        }
        if let Some(moved) = remap.moved {
            pages::relocate(&mut self.space, moved.from, moved.to);
        }
        Ok(remap.address)
    }

    /// `madvise(address, length, advice)`: drops the pages to discard (private memory reads
    /// as zero again), faults in the pages to populate, then returns Linux's result.
    pub fn advise(&mut self, address: u64, length: u64, advice: u32) -> Result<()> {
        let advised = self.map.madvise(address, length, advice)?;
        for &range in &advised.discard {
            pages::free(&mut self.space, range);
        }
        for &range in &advised.populate {
            self.populate(range);
        }
        advised.result()
    }

    /// Faults in the pages of `range` with the access its area allows (write if writable),
    /// stopping quietly when memory runs out, as `MAP_POPULATE` does on Linux.
    fn populate(&mut self, range: Range) {
        for page in range.pages() {
            if self.space.query(page).is_some() {
                continue;
            }
            let access = match self.map.find(page) {
                Some(area) if area.protection().is_writable => Access::Write,
                Some(_) => Access::Read,
                None => return,
            };
            if self.map_zero_page(page, access).is_err() {
                return;
            }
        }
    }
}
