//! `execve`: from a path to a fresh process image (memory, entry point, initial stack).
//!
//! The file is resolved and checked (a regular file with an execute bit: `EACCES`), read
//! whole, and recognised by its first bytes: `#!` scripts rewrite the arguments and restart
//! with the interpreter (at most five deep, `ELOOP`), ELF files are validated by
//! `libs/elf_loader`, anything else is `ENOEXEC`. Everything that can fail is done before
//! the caller's old image is touched, so a failed `execve` returns to the old program.

mod image;

use alloc::{sync::Arc, vec::Vec};

use errno::{Errno, Result};

pub use image::ProgramImage;

use crate::fs::{
    filesystem::FileType,
    mount::Location,
    operations,
    path::Walk,
    permission::{Access, check_access},
    write_access::ExecutionAccess,
};

/// The file a process runs (Linux's `mm->exe_file`), for `/proc/<pid>/exe`: after `#!`,
/// the interpreter.
#[derive(Clone)]
pub struct Executable {
    pub file: Location,
    /// The directory whose entry named it when it was executed (symbolic links followed),
    /// from which its absolute path is found again.
    pub directory: Location,
    /// Keeps the file from being opened for writing (`ETXTBSY`) while anything refers to it.
    _access: Arc<ExecutionAccess>,
}

/// What `execve` was asked to run.
pub struct ExecRequest {
    pub path: Vec<u8>,
    pub arguments: Vec<Vec<u8>>,
    pub environment: Vec<Vec<u8>>,
}

/// Loads the program `request` names into a new image, following `#!` interpreters.
pub fn load(walk: &Walk<'_>, request: ExecRequest) -> Result<ProgramImage> {
    let ExecRequest {
        path,
        mut arguments,
        environment,
    } = request;
    let execfn = path.clone();
    let mut current_path = path;
    let mut rewrites = 0;
    loop {
        let (executable, bytes) = read_executable(walk, &current_path)?;
        if let Some(shebang) =
            exec_args::parse_shebang(&bytes[..bytes.len().min(exec_args::BINPRM_BUF_SIZE)])?
        {
            rewrites += 1;
            exec_args::check_interpreter_depth(rewrites)?;
            arguments = exec_args::rewrite_arguments(&shebang, &current_path, &arguments)?;
            current_path = shebang.interpreter.to_vec();
            continue;
        }
        if !elf_loader::is_elf(&bytes) {
            return Err(Errno::ENOEXEC);
        }
        let plan = elf_loader::parse(&bytes)?;
        if let Some(interpreter) = &plan.interpreter {
            // Linux opens the interpreter before it can fail otherwise (`open_exec` in
            // load_elf_binary): a missing one is ENOENT, one that is not executable EACCES.
            let (_, header) = read_executable(walk, interpreter)?;
            elf_loader::check_interpreter_header(&header)?;
            log::warn!(
                "exec: {} needs the dynamic linker {} (not supported yet)",
                core::str::from_utf8(&current_path).unwrap_or("?"),
                core::str::from_utf8(interpreter).unwrap_or("?")
            );
            return Err(Errno::ENOEXEC);
        }
        let strings = image::Strings {
            execfn: &execfn,
            arguments: &arguments,
            environment: &environment,
        };
        return image::build(walk, plan, &bytes, executable, &strings);
    }
}

/// Resolves `path`, checks it may be executed, keeps it from being written while it is in use
/// (`deny_write_access`), and reads it whole (`open_exec`).
fn read_executable(walk: &Walk<'_>, path: &[u8]) -> Result<(Executable, Vec<u8>)> {
    let (directory, location) = walk.resolve_with_directory(path)?;
    let metadata = location.metadata()?;
    if metadata.file_type != FileType::Regular {
        return Err(Errno::EACCES);
    }
    check_access(&metadata, walk.credentials, Access::EXECUTE)?;
    let access = Arc::new(ExecutionAccess::acquire(&location)?);
    let file = operations::open_location(walk, location.clone(), linux_raw_sys::general::O_RDONLY)?;
    let executable = Executable {
        file: location,
        directory,
        _access: access,
    };
    Ok((executable, file.read_all()?))
}
