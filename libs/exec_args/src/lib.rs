//! Shebang rewriting and the Linux initial process stack, for the kernel's `execve`.
//!
//! Two jobs of Linux's `execve` that need no kernel state, so they are tested on the host:
//! - **Scripts** ([`parse_shebang`], [`rewrite_arguments`], [`check_interpreter_depth`]):
//!   reading a `#!` line and building the interpreter's argument vector, as
//!   `fs/binfmt_script.c` and the loop in `fs/exec.c` (`exec_binprm`) do.
//! - **The initial stack** ([`build_initial_stack`]): the bytes a new program finds above its
//!   stack pointer (argc, argv, envp, auxv, strings, `AT_RANDOM` bytes) and their limits
//!   ([`ArgumentBudget`]), as `fs/exec.c` and `fs/binfmt_elf.c` (`create_elf_tables`) build
//!   them. `docs/initial-stack.md` draws the layout.
//!
//! Design principles:
//! - **Linux's answer, byte for byte.** Each rule cites the Linux function it comes from, and
//!   the quirks (an empty interpreter gives `EACCES`, argc 0 becomes `[""]`, the random bytes
//!   are unaligned) were checked against Linux 6.18 itself.
//! - **No panic on any input.** Addresses and sizes use checked arithmetic; allocations are
//!   fallible and fail with `ENOMEM`.
//! - **Pure.** The caller supplies everything the kernel decides (addresses, IDs, random bytes)
//!   and copies the result to user memory.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod auxiliary;
mod initial_stack;
mod layout;
mod limits;
mod script_arguments;
mod shebang;
mod stack_image;

pub use auxiliary::{AuxiliaryEntry, KernelAuxiliaryValues, RseqAuxiliaryValues};
pub use initial_stack::{InitialStack, StackRequest, build_initial_stack};
pub use layout::RANDOM_BYTES_LENGTH;
pub use limits::{
    ARG_MAX, ArgumentBudget, DEFAULT_STACK_LIMIT_BYTES, MAX_ARG_STRINGS, MAX_ARG_STRLEN,
    argument_space_limit,
};
pub use script_arguments::{MAX_INTERPRETER_DEPTH, check_interpreter_depth, rewrite_arguments};
pub use shebang::{BINPRM_BUF_SIZE, Shebang, parse_shebang};
