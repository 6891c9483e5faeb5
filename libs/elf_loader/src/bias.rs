//! Placing a relocatable (`ET_DYN`) image: choosing the load bias and shifting the plan by it.
//!
//! Linux chooses the bias in `load_elf_binary()` (`fs/binfmt_elf.c`): for a PIE with
//! `PT_INTERP` it starts from `ELF_ET_DYN_BASE` (plus randomization), rounds down to the image's
//! `maximum_alignment()`, subtracts the first segment's `p_vaddr` and rounds down to a page. A
//! static-PIE (no `PT_INTERP`) instead gets an address from the mmap allocator, below the stack.
//! Loam's kernel picks the base; [`ELF_ET_DYN_BASE`](crate::ELF_ET_DYN_BASE) is the natural
//! choice for both.

use errno::{Errno, Result};

use crate::{
    linux::{TASK_SIZE_MAX, checked_page_align, page_start, saturating_page_align},
    plan::{ImageKind, LoadPlan},
    segment::Segment,
};

impl LoadPlan {
    /// The load bias Linux derives from `base`: 0 for a fixed image, else
    /// `ELF_PAGESTART((base & ~(maximum_alignment - 1)) - p_vaddr of the first PT_LOAD)`.
    /// `ENOMEM` when the first segment lies above the aligned base, where Linux's unsigned
    /// subtraction would wrap to an address that cannot be mapped.
    pub fn load_bias_for(&self, base: u64) -> Result<u64> {
        if self.kind == ImageKind::Fixed {
            return Ok(0);
        }
        let first = self.segments.first().ok_or(Errno::ENOEXEC)?;
        let aligned_base = base & !(self.maximum_alignment() - 1);
        let bias = aligned_base
            .checked_sub(first.virtual_address)
            .ok_or(Errno::ENOMEM)?;
        Ok(page_start(bias))
    }

    /// Places the image at `base` (see [`LoadPlan::load_bias_for`]) and returns the plan with
    /// the bias added to every address. A fixed image is returned unchanged, as Linux ignores
    /// the base for `ET_EXEC`. Errors, as Linux reports them when mapping:
    /// - a segment whose biased pages do not fit below `TASK_SIZE`: `ENOMEM`;
    /// - a biased entry point at or above `TASK_SIZE` (`BAD_ADDR(elf_entry)`): `EINVAL`;
    /// - a plan that was already placed with a non-zero bias: `EINVAL`.
    pub fn apply_bias(mut self, base: u64) -> Result<LoadPlan> {
        if self.kind == ImageKind::Fixed {
            return Ok(self);
        }
        if self.load_bias != 0 {
            return Err(Errno::EINVAL);
        }
        let bias = self.load_bias_for(base)?;
        for segment in &mut self.segments {
            shift_segment(segment, bias)?;
        }
        let entry = self.entry.checked_add(bias).ok_or(Errno::EINVAL)?;
        if entry >= TASK_SIZE_MAX {
            return Err(Errno::EINVAL);
        }
        self.entry = entry;
        self.program_headers.virtual_address =
            shift_optional(self.program_headers.virtual_address, bias)?;
        if let Some(tls) = &mut self.tls {
            tls.virtual_address = tls.virtual_address.checked_add(bias).ok_or(Errno::ENOMEM)?;
        }
        self.span = span(&self.segments);
        self.load_bias = bias;
        Ok(self)
    }
}

/// Adds `bias` to the segment's address and checks that its pages fit in user space.
fn shift_segment(segment: &mut Segment, bias: u64) -> Result<()> {
    let address = segment
        .virtual_address
        .checked_add(bias)
        .ok_or(Errno::ENOMEM)?;
    let end = address
        .checked_add(segment.memory_size)
        .and_then(checked_page_align)
        .ok_or(Errno::ENOMEM)?;
    // get_unmapped_area(): the pages must end at or below TASK_SIZE.
    if end > TASK_SIZE_MAX {
        return Err(Errno::ENOMEM);
    }
    segment.virtual_address = address;
    Ok(())
}

fn shift_optional(address: Option<u64>, bias: u64) -> Result<Option<u64>> {
    address
        .map(|address| address.checked_add(bias).ok_or(Errno::ENOMEM))
        .transpose()
}

/// The pages from the first segment's start to the highest end: segments may overlap, so the
/// last one need not end highest.
pub(crate) fn span(segments: &[Segment]) -> (u64, u64) {
    let start = segments
        .first()
        .map_or(0, |first| page_start(first.virtual_address));
    let end = segments.iter().map(Segment::end).max().unwrap_or(0);
    (start, saturating_page_align(end))
}
