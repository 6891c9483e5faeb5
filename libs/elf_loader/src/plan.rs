//! The load plan: everything `execve` needs to build a process image from a validated ELF file.

use alloc::vec::Vec;

use errno::{Errno, Result};

use crate::{
    linux::{PAGE_SIZE, saturating_page_align},
    segment::Segment,
};

/// How the image is placed in memory, from `e_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageKind {
    /// `ET_EXEC`: linked at fixed addresses; the load bias is always 0.
    Fixed,
    /// `ET_DYN`: position-independent (static-PIE, or a PIE with `PT_INTERP`); every address
    /// is relative to a load bias the kernel chooses, see
    /// [`LoadPlan::apply_bias`].
    Relocatable,
}

/// Whether the initial stack is executable.
///
/// From the last `PT_GNU_STACK` header's `PF_X` (`load_elf_binary()` keeps the last one).
/// Without the header Linux uses `EXSTACK_DEFAULT`, which on x86_64 with NX is not executable:
/// `elf_read_implies_exec()` only turns `READ_IMPLIES_EXEC` on for 32-bit tasks
/// (`arch/x86/include/asm/elf.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StackPermission {
    Executable,
    NonExecutable,
}

/// The program header table as the process sees it, for the auxiliary vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProgramHeaders {
    /// `AT_PHDR`: where the table is in memory. Linux (since 5.18, `fs/binfmt_elf.c`) takes it
    /// from the `PT_LOAD` whose file data contains `e_phoff`, the last such one if several do,
    /// and ignores `PT_PHDR`. `None` when no segment maps the table; Linux then passes the load
    /// bias (0 for `ET_EXEC`) as `AT_PHDR`.
    pub virtual_address: Option<u64>,
    /// `AT_PHENT`: always 56, `sizeof(struct elf64_phdr)`.
    pub entry_size: u16,
    /// `AT_PHNUM`: `e_phnum`.
    pub count: u16,
}

/// The `PT_TLS` template (the first one), which the C library reads through `AT_PHDR`. The
/// kernel does not use it; it is here for diagnostics and for kernels that set up TLS
/// themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TlsTemplate {
    pub virtual_address: u64,
    pub file_offset: u64,
    pub file_size: u64,
    pub memory_size: u64,
    pub alignment: u64,
}

/// What to map for an executable. Addresses include [`LoadPlan::load_bias`], which is 0 until
/// [`LoadPlan::apply_bias`] places a relocatable image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadPlan {
    pub kind: ImageKind,
    /// `e_entry`.
    pub entry: u64,
    /// Whether the entry point lies inside an executable `PT_LOAD`. Linux does not check this:
    /// a bad entry point makes the new process fault with SIGSEGV on its first instruction.
    /// [`LoadPlan::check_strict`] turns it into an error.
    pub entry_is_mapped: bool,
    /// The `PT_LOAD` segments in file order, which validation requires to be sorted by start
    /// address. They may overlap: map them in order, each replacing what earlier ones put
    /// in its pages.
    pub segments: Vec<Segment>,
    pub program_headers: ProgramHeaders,
    /// The `PT_INTERP` path without its terminating NUL (cut at the first NUL, as `open_exec()`
    /// reads it as a C string). Loam refuses such programs for now; this says why.
    pub interpreter: Option<Vec<u8>>,
    pub stack: StackPermission,
    pub tls: Option<TlsTemplate>,
    /// The lowest segment start rounded down to a page and the highest segment end rounded up
    /// to a page: the address range the image occupies.
    pub span: (u64, u64),
    /// What [`LoadPlan::apply_bias`] added to every address; 0 for a fresh plan.
    pub load_bias: u64,
}

impl LoadPlan {
    /// Where the program break starts: `mm->start_brk = ELF_PAGEALIGN(elf_brk)`, the end of the
    /// highest segment rounded up to a page (`load_elf_binary()` in `fs/binfmt_elf.c`). Linux
    /// randomizes it further when ASLR is on (`arch_randomize_brk()`).
    pub fn program_break_start(&self) -> u64 {
        let highest_end = self.segments.iter().map(Segment::end).max().unwrap_or(0);
        saturating_page_align(highest_end)
    }

    /// The alignment a relocatable image's base must have: Linux's `maximum_alignment()`, the
    /// largest power-of-two `p_align` among the `PT_LOAD` segments (others are skipped as
    /// invalid), rounded up to at least a page.
    pub fn maximum_alignment(&self) -> u64 {
        self.segments
            .iter()
            .map(|segment| segment.alignment)
            .filter(|alignment| alignment.is_power_of_two())
            .fold(PAGE_SIZE, u64::max)
    }

    /// Checks that Linux does not make, for callers that want a malformed program to fail at
    /// `execve` rather than fault later:
    /// - the entry point lies in an executable segment, else `ENOEXEC`;
    /// - every `p_align` is 0, 1 or a power of two, and when above 1 `p_vaddr` and `p_offset`
    ///   agree modulo it, as the System V gABI requires of `PT_LOAD`, else `EINVAL`.
    ///
    /// Call it on the plan [`parse`](crate::parse) returned: a load bias is only page-aligned,
    /// so a placed plan's addresses need not keep the congruence.
    pub fn check_strict(&self) -> Result<()> {
        if !self.entry_is_mapped {
            return Err(Errno::ENOEXEC);
        }
        for segment in &self.segments {
            let alignment = segment.alignment;
            if alignment > 1 {
                if !alignment.is_power_of_two() {
                    return Err(Errno::EINVAL);
                }
                let mask = alignment - 1;
                if (segment.virtual_address ^ segment.file_offset) & mask != 0 {
                    return Err(Errno::EINVAL);
                }
            }
        }
        Ok(())
    }
}

/// Whether `entry` lies inside a segment that has execute permission.
pub(crate) fn entry_is_mapped(segments: &[Segment], entry: u64) -> bool {
    segments
        .iter()
        .any(|segment| segment.permissions.is_executable && segment.contains(entry))
}
