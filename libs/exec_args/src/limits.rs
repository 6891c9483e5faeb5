//! Linux's limits on the strings `execve` copies onto a new stack, each failing with `E2BIG`.
//!
//! Three rules, all from `fs/exec.c` and checked against Linux 6.18:
//! - **Counts.** `count()` refuses more than [`MAX_ARG_STRINGS`] arguments or environment
//!   strings.
//! - **One string.** `copy_strings` and `copy_string_kernel` refuse a string longer than
//!   [`MAX_ARG_STRLEN`] bytes counting its NUL.
//! - **All strings.** `bprm_stack_limits` allows the strings
//!   [`argument_space_limit`]`(RLIMIT_STACK)` bytes, less 8 bytes for each pointer that will
//!   point at them: `max(argc, 1) + envc` pointers (argc 0 reserves room for the `""` Linux then
//!   adds). Every string copied afterwards is charged against that space, NULs included: the
//!   execfn first, then the environment, then the arguments, then any strings a `#!` rewrite adds.
//!   The space may be used up exactly; one byte more fails.
//!
//! [`ArgumentBudget`] does that accounting, so the kernel can refuse an oversized `execve` while
//! copying strings in, before it has built anything.

use errno::Errno;
use linux_raw_sys::general;

/// Linux's `MAX_ARG_STRLEN` (`include/uapi/linux/binfmts.h`: `PAGE_SIZE * 32`, with 4 KiB pages):
/// the longest single argument or environment string, counting its NUL.
pub const MAX_ARG_STRLEN: usize = 32 * 4096;

/// Linux's `MAX_ARG_STRINGS` (`include/uapi/linux/binfmts.h`): the most arguments, and separately
/// the most environment strings, one `execve` may pass.
pub const MAX_ARG_STRINGS: usize = 0x7FFF_FFFF;

/// Linux's `ARG_MAX` (`include/uapi/linux/limits.h`, 32 pages): the string space every process
/// gets however small its stack limit.
pub const ARG_MAX: u64 = general::ARG_MAX as u64;

/// Linux's `_STK_LIM` (`include/uapi/linux/resource.h`): the default `RLIMIT_STACK`, 8 MiB.
pub const DEFAULT_STACK_LIMIT_BYTES: u64 = general::_STK_LIM as u64;

/// Size of one pointer on the new stack (both supported architectures are 64-bit).
const POINTER_BYTES: u64 = 8;

/// The bytes `execve` may spend on strings and their pointers for a given `RLIMIT_STACK`:
/// a quarter of the limit, but at most three quarters of the default limit (6 MiB) and at least
/// [`ARG_MAX`] (Linux's `bprm_stack_limits`). `RLIM_INFINITY` reads as `u64::MAX` here.
pub fn argument_space_limit(stack_limit_bytes: u64) -> u64 {
    let largest = DEFAULT_STACK_LIMIT_BYTES / 4 * 3;
    largest.min(stack_limit_bytes / 4).max(ARG_MAX)
}

/// The string space left for one `execve`, charged string by string as Linux's `bprm->p`
/// moves down towards `bprm->argmin`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgumentBudget {
    remaining_bytes: u64,
}

impl ArgumentBudget {
    /// Starts the accounting for `argument_count` arguments and `environment_count` environment
    /// strings under a stack limit of `stack_limit_bytes` (Linux's `count` and
    /// `bprm_stack_limits`). Fails with `E2BIG` when the counts alone do not fit.
    pub fn new(
        argument_count: usize,
        environment_count: usize,
        stack_limit_bytes: u64,
    ) -> Result<Self, Errno> {
        if argument_count > MAX_ARG_STRINGS || environment_count > MAX_ARG_STRINGS {
            return Err(Errno::E2BIG);
        }
        let pointer_bytes = argument_count
            .max(1)
            .checked_add(environment_count)
            .and_then(|count| u64::try_from(count).ok())
            .and_then(|count| count.checked_mul(POINTER_BYTES))
            .ok_or(Errno::E2BIG)?;
        let limit = argument_space_limit(stack_limit_bytes);
        // Linux fails when the pointers take all of the space, even with no strings to copy.
        if limit <= pointer_bytes {
            return Err(Errno::E2BIG);
        }
        Ok(Self {
            remaining_bytes: limit - pointer_bytes,
        })
    }

    /// Charges one string of `string_length` bytes, not counting its NUL (which is charged too).
    /// Fails with `E2BIG` if the string is longer than [`MAX_ARG_STRLEN`] allows or the space is
    /// used up; a failed charge leaves the budget unchanged.
    pub fn charge_string(&mut self, string_length: usize) -> Result<(), Errno> {
        let with_nul = string_length.checked_add(1).ok_or(Errno::E2BIG)?;
        if with_nul > MAX_ARG_STRLEN {
            return Err(Errno::E2BIG);
        }
        let with_nul = u64::try_from(with_nul).map_err(|_| Errno::E2BIG)?;
        self.remaining_bytes = self
            .remaining_bytes
            .checked_sub(with_nul)
            .ok_or(Errno::E2BIG)?;
        Ok(())
    }

    /// The string bytes (NULs included) that may still be charged.
    pub fn remaining_bytes(&self) -> u64 {
        self.remaining_bytes
    }
}
