//! One validated `PT_LOAD` segment and the memory operations that load it the way Linux does.
//!
//! Since Linux 6.7 `elf_load()` in `fs/binfmt_elf.c` loads a segment in three steps: map the file
//! pages that hold `p_filesz` bytes (whole pages, so bytes of the file before `p_offset` and after
//! the data show up in the first and last page), zero from the end of the file data to the end
//! of that page when `p_memsz > p_filesz`, and map anonymous zero pages for the rest of
//! `p_memsz`. A segment with `p_filesz == 0` is anonymous zero pages only. The helpers here
//! describe those steps as byte ranges, so a kernel that copies into fresh zeroed pages produces
//! the same memory image as Linux's mappings.

use core::ops::Range;

use crate::linux::{page_start, saturating_page_align};

/// Read, write and execute permission of a segment, from its `p_flags` (`PF_R`, `PF_W`, `PF_X`),
/// as `make_prot()` in `fs/binfmt_elf.c` turns them into `PROT_*` bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Permissions {
    pub is_readable: bool,
    pub is_writable: bool,
    pub is_executable: bool,
}

/// A `PT_LOAD` segment that passed validation: within user space, `file_size <= memory_size`,
/// file data inside the file, and `virtual_address` congruent to `file_offset` modulo the page
/// when it has file data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// `p_vaddr`, plus the load bias once [`LoadPlan::apply_bias`](crate::LoadPlan::apply_bias)
    /// has run.
    pub virtual_address: u64,
    /// `p_memsz`.
    pub memory_size: u64,
    /// `p_offset`.
    pub file_offset: u64,
    /// `p_filesz`.
    pub file_size: u64,
    pub permissions: Permissions,
    /// `p_align`, as written in the file; Linux uses it only to align a PIE's load bias and
    /// ignores values that are not powers of two.
    pub alignment: u64,
}

/// File bytes to copy into memory: `source` is a range of file offsets, copied to
/// `destination`. The range may end past the end of the file; [`FileCopy::bytes`] clamps it,
/// and the part past the end reads as zero, as a mapping of the file's last page does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCopy {
    pub source: Range<u64>,
    pub destination: u64,
}

impl FileCopy {
    /// The bytes of `file` to copy, clamped to the file's end; `None` only if `source` starts
    /// past the end (never for a copy from a segment that validated against this file).
    pub fn bytes<'file>(&self, file: &'file [u8]) -> Option<&'file [u8]> {
        let file_length = u64::try_from(file.len()).ok()?;
        let start = usize::try_from(self.source.start).ok()?;
        let end = usize::try_from(self.source.end.min(file_length)).ok()?;
        file.get(start..end.max(start))
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }
}

impl Segment {
    /// `p_vaddr + p_memsz`: the first address past the segment.
    pub fn end(&self) -> u64 {
        self.virtual_address.saturating_add(self.memory_size)
    }

    /// The pages the segment occupies: its start rounded down and its end rounded up to a page.
    /// Empty for a segment with `p_memsz == 0` at a page boundary, which Linux does not map.
    pub fn page_range(&self) -> Range<u64> {
        page_start(self.virtual_address)..saturating_page_align(self.end())
    }

    /// What to copy from the file, reproducing `elf_map()`'s whole-page file mapping: the copy
    /// starts at the page holding `p_offset`, so it begins with the file bytes before the
    /// segment's data. When `p_memsz > p_filesz` it stops at the end of the data (the rest of the
    /// page is bss and must read as zero); otherwise it runs to the end of the last page, as the
    /// mapping shows the file's following bytes there. Empty when `p_filesz == 0`.
    pub fn file_copy(&self) -> FileCopy {
        if self.file_size == 0 {
            return FileCopy {
                source: self.file_offset..self.file_offset,
                destination: self.virtual_address,
            };
        }
        let data_end = self.file_offset.saturating_add(self.file_size);
        let end = if self.memory_size > self.file_size {
            data_end
        } else {
            saturating_page_align(data_end)
        };
        FileCopy {
            source: page_start(self.file_offset)..end,
            destination: page_start(self.virtual_address),
        }
    }

    /// Memory that must read as zero: the bss from `p_vaddr + p_filesz` to the end of the
    /// segment's last page, including the partial page after the file data that `padzero()`
    /// clears. With no file data Linux maps the segment's pages anonymously, so the range starts
    /// at the first page. Empty when `p_memsz == p_filesz`.
    pub fn zero_range(&self) -> Range<u64> {
        let data_end = self.virtual_address.saturating_add(self.file_size);
        if self.memory_size <= self.file_size {
            return data_end..data_end;
        }
        let start = if self.file_size == 0 {
            page_start(self.virtual_address)
        } else {
            data_end
        };
        start..saturating_page_align(self.end())
    }

    /// Whether `address` lies in `[p_vaddr, p_vaddr + p_memsz)`.
    pub fn contains(&self, address: u64) -> bool {
        (self.virtual_address..self.end()).contains(&address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(
        virtual_address: u64,
        file_offset: u64,
        file_size: u64,
        memory_size: u64,
    ) -> Segment {
        Segment {
            virtual_address,
            memory_size,
            file_offset,
            file_size,
            permissions: Permissions::default(),
            alignment: 0x1000,
        }
    }

    #[test]
    fn data_and_bss_segment_copies_from_page_start_and_zeroes_to_page_end() {
        let data = segment(0x40_2010, 0x2010, 0x30, 0x2000);
        assert_eq!(data.page_range(), 0x40_2000..0x40_5000);
        assert_eq!(
            data.file_copy(),
            FileCopy {
                source: 0x2000..0x2040,
                destination: 0x40_2000
            }
        );
        assert_eq!(data.zero_range(), 0x40_2040..0x40_5000);
    }

    #[test]
    fn segment_without_bss_copies_whole_last_page_and_zeroes_nothing() {
        let text = segment(0x40_1000, 0x1000, 0x123, 0x123);
        assert_eq!(text.file_copy().source, 0x1000..0x2000);
        assert!(text.zero_range().is_empty());
    }

    #[test]
    fn bss_only_segment_is_zero_pages_from_its_first_page() {
        let bss = segment(0x60_0800, 0x5000, 0, 0x1000);
        assert!(bss.file_copy().is_empty());
        assert_eq!(bss.zero_range(), 0x60_0000..0x60_2000);
    }

    #[test]
    fn copy_is_clamped_to_the_end_of_the_file() {
        let file = [7u8; 0x1010];
        let text = segment(0x40_1000, 0x1000, 0x10, 0x10);
        assert_eq!(text.file_copy().bytes(&file), Some(&file[0x1000..0x1010]));
        let past = FileCopy {
            source: 0x2000..0x3000,
            destination: 0,
        };
        assert_eq!(past.bytes(&file), None);
    }
}
