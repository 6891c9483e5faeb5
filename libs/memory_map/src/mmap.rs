//! `mmap(2)` and the fixed mappings `execve` makes, following `mm/mmap.c: do_mmap()`.
//!
//! Linux's order of checks is kept, because a request can be wrong in several ways at once:
//! `MAP_HUGETLB`; zero length (`EINVAL`); length overflow (`ENOMEM`); file offset overflow
//! (`EOVERFLOW`); the address (`get_unmapped_area()`: `ENOMEM`, `EINVAL`, `EPERM`);
//! `MAP_FIXED_NOREPLACE` (`EEXIST`); then the mapping type (`EINVAL`, `EOPNOTSUPP`). The area
//! limit is enforced when the areas are rewritten (`ENOMEM`).

use alloc::vec::Vec;

use errno::Errno;

use crate::{
    area::{Area, AreaKind, AreaTemplate, FileId},
    linux::{MMAP_MIN_ADDRESS, TASK_SIZE, page_align_down, page_align_up, pages_in},
    map::{MemoryMap, push_coalesced},
    mmap_flags::{MmapFlags, Sharing},
    overcommit::is_accountable,
    protection::Protection,
    range::Range,
};

/// The largest offset a regular file can be mapped at plus the mapping's length:
/// `MAX_LFS_FILESIZE` (`include/linux/fs.h`), checked in `do_mmap()`'s `file_mmap_ok()`.
const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// What a successful `mmap` did, and what the kernel must do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapped {
    /// The new area: the system call returns `range.start()`. Its pages are demand-zero (or
    /// come from the file) until touched.
    pub range: Range,
    /// Ranges of older areas that `MAP_FIXED` replaced: the kernel unmaps and frees their
    /// pages before returning.
    pub replaced: Vec<Range>,
    /// `MAP_POPULATE`/`MAP_LOCKED`: the kernel may fault the pages in now.
    pub should_populate: bool,
}

/// The file half of a file mapping: which file, and at which byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileMapping {
    /// The file, named by the kernel.
    pub file: FileId,
    /// The byte offset of the first mapped byte (`mmap`'s last argument).
    pub offset: u64,
}

/// What backs the pages of a requested mapping.
#[derive(Clone, Copy, Debug)]
enum Backing {
    Anonymous,
    File(FileMapping),
}

/// One decoded `mmap` call.
struct Request {
    hint: u64,
    length: u64,
    protection: Protection,
    flags: MmapFlags,
    backing: Backing,
}

impl MemoryMap {
    /// `mmap(address_hint, length, protection, flags, -1, 0)` with `MAP_ANONYMOUS`. The system
    /// call layer sends requests without `MAP_ANONYMOUS` to [`MemoryMap::mmap_file`] and checks
    /// first that the offset argument is page aligned (`EINVAL`, `arch/x86/kernel/sys_x86_64.c`).
    pub fn mmap(
        &mut self,
        address_hint: u64,
        length: u64,
        protection: u32,
        flags: u32,
    ) -> errno::Result<Mapped> {
        self.do_mmap(Request {
            hint: address_hint,
            length,
            protection: Protection::from_linux(protection),
            flags: MmapFlags(flags),
            backing: Backing::Anonymous,
        })
    }

    /// `mmap` of an open file: only the bookkeeping (placement, flags, page offsets); the
    /// kernel has already checked the descriptor (`EBADF`, `EACCES`, `ENODEV`) and fills the
    /// pages from the file. An unaligned offset is `EINVAL`.
    pub fn mmap_file(
        &mut self,
        address_hint: u64,
        length: u64,
        protection: u32,
        flags: u32,
        file: FileMapping,
    ) -> errno::Result<Mapped> {
        if file.offset != page_align_down(file.offset) {
            return Err(Errno::EINVAL);
        }
        self.do_mmap(Request {
            hint: address_hint,
            length,
            protection: Protection::from_linux(protection),
            flags: MmapFlags(flags),
            backing: Backing::File(file),
        })
    }

    /// Maps `range` as a fresh private area of `kind`, replacing whatever was there, as
    /// `execve` does for ELF segments (`ProgramImage`), the stack (`Stack`, which grows down)
    /// and the bss (`Anonymous`). Returns the replaced ranges, whose pages the kernel frees.
    /// Refuses `File` areas (`EINVAL`: use [`MemoryMap::mmap_file`]), ranges below
    /// `mmap_min_addr` (`EPERM`) and ranges past `TASK_SIZE` (`ENOMEM`).
    pub fn map_fixed(
        &mut self,
        range: Range,
        protection: Protection,
        kind: AreaKind,
    ) -> errno::Result<Vec<Range>> {
        if matches!(kind, AreaKind::File(_)) {
            return Err(Errno::EINVAL);
        }
        if range.start() < MMAP_MIN_ADDRESS {
            return Err(Errno::EPERM);
        }
        if range.end() > TASK_SIZE {
            return Err(Errno::ENOMEM);
        }
        let template = AreaTemplate {
            protection,
            kind,
            is_shared: false,
            is_grows_down: kind == AreaKind::Stack,
        };
        let area = Area::new(range, template, pages_in(range.start()));
        self.replace_with(area)
    }

    fn do_mmap(&mut self, request: Request) -> errno::Result<Mapped> {
        let flags = request.flags;
        flags.check_huge_pages(matches!(request.backing, Backing::Anonymous))?;
        if request.length == 0 {
            return Err(Errno::EINVAL);
        }
        let hint = if flags.is_fixed() {
            request.hint
        } else {
            round_hint_to_min(request.hint)
        };
        let length = page_align_up(request.length).ok_or(Errno::ENOMEM)?;
        if let Backing::File(file) = request.backing {
            check_file_offset(file.offset, length)?;
        }
        let range = self.place(hint, length, flags)?;
        if flags.is_no_replace() && self.first_overlapping(range).is_some() {
            return Err(Errno::EEXIST);
        }
        let area = new_area(range, &request)?;
        let is_shared_anonymous = area.is_shared() && area.kind() == AreaKind::Anonymous;
        if is_accountable(
            area.protection(),
            is_shared_anonymous,
            !area.is_shared(),
            flags.is_no_reserve(),
        ) {
            self.check_commit(length)?;
        }
        let replaced = self.replace_with(area)?;
        Ok(Mapped {
            range,
            replaced,
            should_populate: flags.should_populate(),
        })
    }

    /// The address `get_unmapped_area()` picks for `length` bytes.
    fn place(&self, hint: u64, length: u64, flags: MmapFlags) -> errno::Result<Range> {
        if flags.is_fixed() {
            return MemoryMap::check_fixed(hint, length);
        }
        let start = self.find_free(hint, length, flags.search_window())?;
        Range::from_start_length(start, length).ok_or(Errno::ENOMEM)
    }

    /// Puts `area` in place of whatever overlapped it; returns the replaced ranges.
    pub(crate) fn replace_with(&mut self, area: Area) -> errno::Result<Vec<Range>> {
        let replaced_parts = self.rewrite(area.range(), |_| None, Some(area))?;
        let mut replaced = Vec::new();
        for part in &replaced_parts {
            push_coalesced(&mut replaced, part.range())?;
        }
        Ok(replaced)
    }
}

/// `round_hint_to_min()`: a hint is rounded down to its page, and a non-zero hint below
/// `mmap_min_addr` is raised to it.
const fn round_hint_to_min(hint: u64) -> u64 {
    let hint = page_align_down(hint);
    if hint != 0 && hint < MMAP_MIN_ADDRESS {
        MMAP_MIN_ADDRESS
    } else {
        hint
    }
}

/// `do_mmap()`'s two `EOVERFLOW` checks: the page offset plus the length must not wrap, and a
/// regular file cannot be mapped past `MAX_LFS_FILESIZE`.
fn check_file_offset(offset: u64, length: u64) -> errno::Result<()> {
    let first_page = pages_in(offset);
    first_page
        .checked_add(pages_in(length))
        .ok_or(Errno::EOVERFLOW)?;
    let room = MAX_FILE_SIZE.checked_sub(length).ok_or(Errno::EOVERFLOW)?;
    if first_page > pages_in(room) {
        return Err(Errno::EOVERFLOW);
    }
    Ok(())
}

/// The area a request creates at `range`, after `do_mmap()`'s mapping-type checks. Anonymous
/// private memory takes its page offset from its address; shared anonymous memory is a new
/// object starting at offset 0; a file mapping starts at the file's page.
fn new_area(range: Range, request: &Request) -> errno::Result<Area> {
    let (sharing, kind, page_offset) = match request.backing {
        Backing::Anonymous => {
            let sharing = request.flags.anonymous_sharing()?;
            let page_offset = match sharing {
                Sharing::Private => pages_in(range.start()),
                Sharing::Shared => 0,
            };
            (sharing, AreaKind::Anonymous, page_offset)
        }
        Backing::File(file) => {
            let sharing = request.flags.file_sharing()?;
            (sharing, AreaKind::File(file.file), pages_in(file.offset))
        }
    };
    let template = AreaTemplate {
        protection: request.protection,
        kind,
        is_shared: sharing == Sharing::Shared,
        is_grows_down: request.flags.is_grows_down(),
    };
    Ok(Area::new(range, template, page_offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_rounded_down_and_raised_to_the_minimum() {
        assert_eq!(round_hint_to_min(0), 0);
        assert_eq!(round_hint_to_min(0x1234), MMAP_MIN_ADDRESS);
        assert_eq!(round_hint_to_min(0x12_3456), 0x12_3000);
    }

    #[test]
    fn file_offsets_past_the_largest_file_overflow() {
        assert_eq!(check_file_offset(0, 0x1000), Ok(()));
        assert_eq!(
            check_file_offset(MAX_FILE_SIZE - 0xfff, 0x1000),
            Err(Errno::EOVERFLOW)
        );
        assert_eq!(
            check_file_offset(u64::MAX - 0xfff, 0x1000),
            Err(Errno::EOVERFLOW)
        );
    }
}
