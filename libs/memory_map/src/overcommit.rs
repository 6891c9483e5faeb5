//! Linux's default overcommit heuristic (`vm.overcommit_memory = 0`, `OVERCOMMIT_GUESS`).
//!
//! Linux lets programs map far more memory than exists, but refuses a single request that could
//! never be backed: `mm/util.c: __vm_enough_memory()` fails with `ENOMEM` when the pages one
//! call adds exceed `totalram_pages() + total_swap_pages`. The check applies to memory Linux
//! charges against the commit (`VM_ACCOUNT`, `mm/mmap.c: accountable_mapping()`): private
//! writable mappings and shared anonymous ones, unless `MAP_NORESERVE` asked for no
//! reservation. `mmap` checks the new mapping (`mmap_region()`), `brk` the growth of the heap
//! (`do_brk_flags()`) and `mremap` the growth of an accounted area (`vma_to_resize()`).

use errno::Errno;

use crate::{area::Area, linux::pages_in, map::MemoryMap, protection::Protection};

/// Whether memory with these attributes is charged against the commit limit (`VM_ACCOUNT`).
/// Shared anonymous memory is charged by its shmem object (`shmem_acct_size()`), private
/// memory only when writable, and `MAP_NORESERVE` memory never.
pub(crate) const fn is_accountable(
    protection: Protection,
    is_shared_anonymous: bool,
    is_private: bool,
    is_no_reserve: bool,
) -> bool {
    !is_no_reserve && (is_shared_anonymous || (is_private && protection.is_writable))
}

/// Whether an existing area's growth is charged. Loam does not record `MAP_NORESERVE` in
/// areas, so a writable private `MAP_NORESERVE` mapping is charged when `mremap` grows it.
pub(crate) const fn is_area_accountable(area: &Area) -> bool {
    let is_anonymous = matches!(area.kind(), crate::area::AreaKind::Anonymous);
    is_accountable(
        area.protection(),
        area.is_shared() && is_anonymous,
        !area.is_shared(),
        false,
    )
}

impl MemoryMap {
    /// `__vm_enough_memory()` under `OVERCOMMIT_GUESS`: `ENOMEM` when `bytes` of new memory
    /// are more pages than the machine's RAM and swap ([`crate::Layout::commit_limit_pages`]).
    pub(crate) fn check_commit(&self, bytes: u64) -> errno::Result<()> {
        if pages_in(bytes) > self.layout.commit_limit_pages {
            return Err(Errno::ENOMEM);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reserved_writable_private_or_shared_anonymous_memory_is_charged() {
        assert!(is_accountable(Protection::READ_WRITE, false, true, false));
        assert!(!is_accountable(Protection::READ, false, true, false));
        assert!(!is_accountable(Protection::READ_WRITE, false, true, true));
        assert!(is_accountable(Protection::READ, true, false, false));
        assert!(!is_accountable(Protection::READ_WRITE, false, false, false));
    }
}
