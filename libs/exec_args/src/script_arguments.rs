//! The argument vector a `#!` script's interpreter receives, and how deep scripts may nest.
//!
//! Linux's `load_script` (`fs/binfmt_script.c`) drops the original `argv[0]` (`remove_arg_zero`)
//! and puts three things in front of the remaining arguments: the interpreter path as written on
//! the `#!` line, the optional argument, and the path of the script. That path is
//! `bprm->interp`: the filename given to `execve` for the first script (`/dev/fd/N` or
//! `/dev/fd/N/name` for `execveat` with a descriptor), and the previous interpreter's path when
//! the interpreter is itself a script (`bprm_change_interp`). The original `argv[0]` is lost: a
//! script cannot see the name it was invoked under, and an empty original `argv` (which Linux
//! has already turned into `[""]`, see `do_execveat_common`) gives the same result as `[""]`.
//!
//! `exec_binprm` (`fs/exec.c`) then runs the interpreter and loops; its depth check allows
//! [`MAX_INTERPRETER_DEPTH`] rewrites and fails the next one with `ELOOP` (five nested scripts
//! run on Linux 6.18, six fail).

use alloc::vec::Vec;

use errno::Errno;

use crate::shebang::Shebang;

/// How many interpreter rewrites one `execve` may make: Linux's `if (depth > 5) return -ELOOP`
/// in `exec_binprm`, whose comment ("4 levels") undercounts by one.
pub const MAX_INTERPRETER_DEPTH: usize = 5;

/// Checks the rewrite count after a rewrite: `rewrites` is how many `#!` lines have been
/// followed so far in this `execve`, this one included. Fails with `ELOOP` past
/// [`MAX_INTERPRETER_DEPTH`].
///
/// Linux finds the loop only when it comes back to the top of `exec_binprm`, after
/// `load_script` has parsed the line and opened the interpreter, so parse and lookup errors
/// (`ENOEXEC`, `ENOENT`, ...) from the rewrite that overflows win over `ELOOP`. Call this after
/// the interpreter has been looked up, in the same place.
pub fn check_interpreter_depth(rewrites: usize) -> Result<(), Errno> {
    if rewrites > MAX_INTERPRETER_DEPTH {
        return Err(Errno::ELOOP);
    }
    Ok(())
}

/// The interpreter's argument vector: `[interpreter, argument (if any), script_path,
/// original_arguments[1..]...]`.
///
/// `script_path` is the path Linux passes as the script's name (see the module documentation:
/// the `execve` filename, or the previous interpreter for nested scripts). The original
/// `argv[0]` is dropped. The new strings count against the caller's
/// [`ArgumentBudget`](crate::ArgumentBudget) as in Linux, where `copy_string_kernel` charges
/// them; this function only builds the vector. Fails with `ENOMEM` if memory runs out.
pub fn rewrite_arguments<S: AsRef<[u8]>>(
    shebang: &Shebang<'_>,
    script_path: &[u8],
    original_arguments: &[S],
) -> Result<Vec<Vec<u8>>, Errno> {
    let kept = original_arguments.get(1..).unwrap_or_default();
    let added = if shebang.argument.is_some() { 3 } else { 2 };
    let mut arguments = Vec::new();
    arguments
        .try_reserve_exact(kept.len().saturating_add(added))
        .map_err(|_| Errno::ENOMEM)?;
    arguments.push(copy_bytes(shebang.interpreter)?);
    if let Some(argument) = shebang.argument {
        arguments.push(copy_bytes(argument)?);
    }
    arguments.push(copy_bytes(script_path)?);
    for argument in kept {
        arguments.push(copy_bytes(argument.as_ref())?);
    }
    Ok(arguments)
}

/// An owned copy of `bytes`, failing with `ENOMEM` instead of aborting when memory runs out.
fn copy_bytes(bytes: &[u8]) -> Result<Vec<u8>, Errno> {
    let mut copy = Vec::new();
    copy.try_reserve_exact(bytes.len())
        .map_err(|_| Errno::ENOMEM)?;
    copy.extend_from_slice(bytes);
    Ok(copy)
}
