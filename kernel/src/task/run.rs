//! Starting `/init` and running a process until it ends.
//!
//! Linux's `kernel_init` tries `rdinit=` (default `/init`), then `init=`, then `/sbin/init`,
//! `/etc/init`, `/bin/init`, `/bin/sh`, with stdin, stdout and stderr open on `/dev/console`.
//! When init ends, Linux panics ("Attempted to kill init!"); Loam says the same and ends the
//! machine with a failure status.

use alloc::{format, string::String, vec::Vec};

use cmdline::CommandLine;
use errno::Errno;
use hal::user::{Exception, UserExit};
use linux_raw_sys::general as linux;

use super::process::Process;
use crate::{
    exec::{self, ExecRequest},
    fs::{
        fd_table::{CloseOnExec, FdTable},
        mount::Location,
        operations,
        path::Walk,
        permission::Credentials,
    },
};

/// Paths Linux tries after `rdinit=`/`/init` and `init=` (init/main.c `kernel_init`).
const FALLBACK_INITS: [&str; 4] = ["/sbin/init", "/etc/init", "/bin/init", "/bin/sh"];

/// Runs init as PID 1 until it ends; never returns.
pub fn start_init(command_line: &CommandLine<'_>, root: Location) -> ! {
    let files = console_files(&root);
    let mut candidates: Vec<&str> = Vec::new();
    candidates.push(command_line.rdinit().unwrap_or("/init"));
    if let Some(init) = command_line.init() {
        candidates.push(init);
    }
    candidates.extend(FALLBACK_INITS);
    let mut failures = String::new();
    for path in candidates {
        match load_init(command_line, &root, path) {
            Ok(program) => {
                log::info!("Run {path} as init process");
                let process = Process::new(1, program, path.as_bytes(), root, files);
                run_init(process)
            }
            Err(error) => failures.push_str(&format!(" {path} ({error})")),
        }
    }
    log::error!("Kernel panic - not syncing: No working init found. Tried:{failures}");
    hal::power::exit_after_kernel_failure()
}

fn load_init(
    command_line: &CommandLine<'_>,
    root: &Location,
    path: &str,
) -> Result<exec::ProgramImage, Errno> {
    let walk = Walk {
        root,
        start: root,
        credentials: &Credentials::ROOT,
    };
    let mut arguments = Vec::new();
    arguments.push(path.as_bytes().to_vec());
    arguments.extend(
        command_line
            .init_arguments()
            .map(|word| word.pieces().concat().into_bytes()),
    );
    let mut environment = Vec::new();
    environment.extend(
        command_line
            .init_environment()
            .map(|word| word.pieces().concat().into_bytes()),
    );
    exec::load(
        &walk,
        ExecRequest {
            path: path.as_bytes().to_vec(),
            arguments,
            environment,
        },
    )
}

/// fds 0, 1, 2 on `/dev/console`, as Linux's `console_on_rootfs` opens them; none if it
/// cannot be opened ("Warning: unable to open an initial console.").
fn console_files(root: &Location) -> FdTable {
    let walk = Walk {
        root,
        start: root,
        credentials: &Credentials::ROOT,
    };
    let mut files = FdTable::default();
    match operations::open(&walk, b"/dev/console", linux::O_RDWR, 0, 0) {
        Ok(console) => {
            for _ in 0..3 {
                let _ = files.insert(console.clone(), CloseOnExec::Keep, 0, 3);
            }
        }
        Err(error) => log::warn!("Warning: unable to open an initial console ({error})."),
    }
    files
}

fn run_init(mut process: Process) -> ! {
    let status = run(&mut process);
    log::error!(
        "Kernel panic - not syncing: Attempted to kill init! exitcode={:#010x}",
        status
    );
    hal::power::exit_after_kernel_failure()
}

/// Runs `process` until it ends; returns its wait status.
pub fn run(process: &mut Process) -> u32 {
    super::table::set_current(process.pid);
    loop {
        match process.context.run() {
            UserExit::SystemCall => crate::syscall::dispatch(process),
            UserExit::PageFault(fault) => {
                if process
                    .memory
                    .handle_fault(fault.address, fault.access)
                    .is_err()
                {
                    kill_for_fault(process, linux::SIGSEGV, fault.address);
                }
            }
            UserExit::Exception(exception) => {
                let signal = match exception {
                    Exception::Arithmetic { .. } => linux::SIGFPE,
                    Exception::IllegalInstruction { .. } => linux::SIGILL,
                    Exception::Breakpoint { .. } => linux::SIGTRAP,
                    Exception::Alignment { .. } => linux::SIGBUS,
                    Exception::Protection { .. } => linux::SIGSEGV,
                };
                kill_for_fault(process, signal, 0);
            }
            UserExit::Interrupt => {}
        }
        if let Some(status) = process.wait_status {
            return status;
        }
    }
}

/// Ends `process` as the default action of a fault signal does, with Linux's log line
/// (`show_signal_msg`: name, pid, address, instruction pointer).
///
/// Linux logs it at info level, which `quiet` hides. The fault of PID 1 ends the machine, so
/// Loam logs that one as an error: the panic that follows then says what went wrong.
fn kill_for_fault(process: &mut Process, signal: u32, address: u64) {
    let level = if process.pid == 1 {
        log::Level::Error
    } else {
        log::Level::Info
    };
    log::log!(
        level,
        "{}[{}]: {} at {:#x} ip {:#x} sp {:#x}",
        process.display_name(),
        process.pid,
        signal_name(signal),
        address,
        process.context.instruction_pointer(),
        process.context.stack_pointer()
    );
    process.wait_status = Some(signal);
}

fn signal_name(signal: u32) -> &'static str {
    match signal {
        linux::SIGSEGV => "segfault",
        linux::SIGILL => "illegal instruction",
        linux::SIGFPE => "arithmetic exception",
        linux::SIGBUS => "bus error",
        linux::SIGTRAP => "trap",
        _ => "signal",
    }
}
