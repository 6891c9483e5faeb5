//! Validates an x86_64 Linux ELF executable and turns it into a load plan for `execve`.
//!
//! The kernel reads the file, checks [`is_elf`] on its first bytes, calls [`parse`] on the whole
//! file, places a relocatable image with [`LoadPlan::apply_bias`] (usually at
//! [`ELF_ET_DYN_BASE`]), and then, for each [`Segment`] in order:
//! 1. maps [`Segment::page_range`] as fresh zero pages with the segment's permissions,
//!    replacing whatever an earlier segment put in a shared page (Linux maps with `MAP_FIXED`);
//! 2. copies [`Segment::file_copy`]'s bytes to its destination;
//! 3. leaves [`Segment::zero_range`] zero (it already is in fresh pages; a kernel that maps file
//!    pages directly must clear it).
//!
//! The program break starts at [`LoadPlan::program_break_start`], `AT_PHDR`/`AT_PHENT`/`AT_PHNUM`
//! come from [`LoadPlan::program_headers`], and the stack's permission from
//! [`LoadPlan::stack`].
//!
//! Design principles:
//! - **Linux's `fs/binfmt_elf.c` is the specification.** Each check returns the errno Linux's
//!   loader produces for the same input, in the same order, and cites the code it follows.
//!   Where Linux accepts a file that then faults at run time, Loam refuses it up front and says
//!   so next to the check: file data past the end of the file (`ENOEXEC`), `PT_LOAD` segments
//!   not sorted by address (`EINVAL`), no `PT_LOAD` at all (`ENOEXEC`). Like Linux, it does not
//!   check the class, byte order or version in `e_ident`: every file is read as 64-bit
//!   little-endian, and a foreign one fails the type, machine or `e_phentsize` test.
//! - **Decode, then commit.** Linux finds most segment errors after the point of no return and
//!   kills the caller with SIGSEGV; a plan is only returned when every check passed, so Loam's
//!   `execve` can still fail cleanly.
//! - **No panic on any input.** Fields are read with bounds-checked little-endian reads, all
//!   address arithmetic is checked, and allocation is fallible (`ENOMEM`). Host tests truncate
//!   and mutate valid files to hold this.
//! - **Strictness is opt-in.** [`LoadPlan::check_strict`] adds checks Linux does not make (entry
//!   point inside an executable segment, sane `p_align`), reported in the plan either way.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod bias;
mod file_header;
mod format;
mod interpreter;
mod linux;
mod load_segment;
mod parse;
mod plan;
mod segment;

pub use file_header::is_elf;
pub use interpreter::check_interpreter_header;
pub use linux::{
    BINPRM_BUF_SIZE, DEFAULT_MAP_WINDOW, ELF_ET_DYN_BASE, PAGE_SIZE, PATH_MAX,
    PROGRAM_HEADER_TABLE_MAX_BYTES, TASK_SIZE_MAX,
};
pub use parse::parse;
pub use plan::{ImageKind, LoadPlan, ProgramHeaders, StackPermission, TlsTemplate};
pub use segment::{FileCopy, Permissions, Segment};
