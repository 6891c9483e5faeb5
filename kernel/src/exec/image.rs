//! Building a process image from a validated ELF plan: segments, heap start, stack.

use alloc::vec::Vec;

use elf_loader::{ImageKind, LoadPlan, StackPermission};
use errno::{Errno, Result};
use exec_args::{InitialStack, KernelAuxiliaryValues, StackRequest};
use hal::memory::PAGE_SIZE;
use memory_map::{AreaKind, Protection, Range};

use super::Executable;
use crate::{fs::path::Walk, mm::process_memory::ProcessMemory};

/// Where things go in a new process (no address randomization yet, see docs/exec.md).
pub mod layout {
    /// Where the stack ends: Linux's `STACK_TOP` without randomization (`TASK_SIZE`).
    pub const STACK_TOP: u64 = elf_loader::TASK_SIZE_MAX;
    /// Linux's default `RLIMIT_STACK`, 8 MiB: the most the stack may grow to.
    pub const STACK_LIMIT_BYTES: u64 = memory_map::DEFAULT_STACK_LIMIT_BYTES;
    /// How far below the initial stack contents the stack area reaches at first: Linux's
    /// `stack_expand` in `fs/exec.c: setup_arg_pages()`; the rest grows on faults.
    pub const STACK_EXPANSION_BYTES: u64 = 128 << 10;
}

use layout::{STACK_EXPANSION_BYTES, STACK_LIMIT_BYTES, STACK_TOP};
/// Where a position-independent executable is placed (no ASLR yet, see docs/exec.md).
const DYNAMIC_BASE: u64 = elf_loader::ELF_ET_DYN_BASE;

/// A loaded program, ready to run.
pub struct ProgramImage {
    pub memory: ProcessMemory,
    pub entry: u64,
    pub stack: InitialStack,
    pub executable: Executable,
}

/// The strings `execve` places on the new stack.
pub struct Strings<'a> {
    pub execfn: &'a [u8],
    pub arguments: &'a [Vec<u8>],
    pub environment: &'a [Vec<u8>],
}

/// Maps `plan`'s segments from `file`, sets the heap start and builds the initial stack.
pub fn build(
    walk: &Walk<'_>,
    plan: LoadPlan,
    file: &[u8],
    executable: Executable,
    strings: &Strings<'_>,
) -> Result<ProgramImage> {
    let plan = match plan.kind {
        ImageKind::Fixed => plan,
        ImageKind::Relocatable => plan.apply_bias(DYNAMIC_BASE)?,
    };
    let mut memory = ProcessMemory::new()?;
    map_segments(&mut memory, &plan, file)?;
    memory.set_program_break_start(plan.program_break_start())?;
    let stack = initial_stack(
        walk,
        &plan,
        strings.execfn,
        strings.arguments,
        strings.environment,
    )?;
    let stack_start = STACK_TOP - stack.bytes.len() as u64;
    map_stack(&mut memory, stack_start, plan.stack)?;
    memory.fill(stack_start, &stack.bytes)?;
    Ok(ProgramImage {
        memory,
        entry: plan.entry,
        stack,
        executable,
    })
}

/// The stack area: from [`STACK_EXPANSION_BYTES`] below the page holding `stack_start` up to
/// [`STACK_TOP`], growing down on faults to `RLIMIT_STACK` (`fs/exec.c: setup_arg_pages()`).
fn map_stack(
    memory: &mut ProcessMemory,
    stack_start: u64,
    permission: StackPermission,
) -> Result<()> {
    let lowest = STACK_TOP - STACK_LIMIT_BYTES;
    let bottom = (stack_start - stack_start % PAGE_SIZE)
        .saturating_sub(STACK_EXPANSION_BYTES)
        .max(lowest);
    let protection = Protection {
        is_readable: true,
        is_writable: true,
        is_executable: permission == StackPermission::Executable,
    };
    let range = Range::new(bottom, STACK_TOP).ok_or(Errno::E2BIG)?;
    memory.map_fixed(range, protection, AreaKind::Stack)
}

/// Maps each segment's pages as a program-image area (a later segment owns a page two share,
/// as a later Linux mapping replaces an earlier one), then copies the file bytes in.
fn map_segments(memory: &mut ProcessMemory, plan: &LoadPlan, file: &[u8]) -> Result<()> {
    for segment in &plan.segments {
        let pages = segment.page_range();
        let Some(range) = Range::new(pages.start, pages.end) else {
            continue;
        };
        let permissions = segment.permissions;
        let protection = Protection {
            is_readable: permissions.is_readable,
            is_writable: permissions.is_writable,
            is_executable: permissions.is_executable,
        };
        memory.map_fixed(range, protection, AreaKind::ProgramImage)?;
    }
    for segment in &plan.segments {
        let copy = segment.file_copy();
        if copy.is_empty() {
            continue;
        }
        let bytes = copy.bytes(file).ok_or(Errno::ENOEXEC)?;
        memory.fill(copy.destination, bytes)?;
    }
    Ok(())
}

fn initial_stack(
    walk: &Walk<'_>,
    plan: &LoadPlan,
    execfn: &[u8],
    arguments: &[Vec<u8>],
    environment: &[Vec<u8>],
) -> Result<InitialStack> {
    let mut random_bytes = [0u8; exec_args::RANDOM_BYTES_LENGTH];
    crate::random::fill(&mut random_bytes);
    let credentials = walk.credentials;
    let auxiliary = KernelAuxiliaryValues {
        vdso_header_address: None,
        minimum_signal_stack_size: minimum_signal_stack_size(),
        hardware_capabilities: hal::arch::cpu::hardware_capabilities(),
        page_size: PAGE_SIZE,
        clock_ticks_per_second: crate::time::CLOCK_TICKS_PER_SECOND,
        program_headers_address: plan.program_headers.virtual_address.unwrap_or(0),
        program_header_size: u64::from(plan.program_headers.entry_size),
        program_header_count: u64::from(plan.program_headers.count),
        interpreter_base: 0,
        flags: 0,
        entry_point: plan.entry,
        user_id: u64::from(credentials.uid),
        effective_user_id: u64::from(credentials.effective_uid),
        group_id: u64::from(credentials.gid),
        effective_group_id: u64::from(credentials.effective_gid),
        is_secure: false,
        hardware_capabilities_2: hal::arch::cpu::hardware_capabilities2(),
        rseq: None,
    };
    let request = StackRequest {
        stack_top: STACK_TOP,
        arguments,
        environment,
        executable_path: execfn,
        platform: Some(hal::arch::cpu::PLATFORM.as_bytes()),
        random_bytes,
        auxiliary,
        stack_limit_bytes: STACK_LIMIT_BYTES,
        random_offset_bytes: 0,
    };
    exec_args::build_initial_stack(&request)
}

/// `AT_MINSIGSTKSZ`: room for a signal frame with the CPU's full FPU state. Linux computes it
/// in `init_sigframe_size` (arch/x86/kernel/signal.c): the `rt_sigframe` (ucontext and
/// siginfo, 440 bytes), the XSAVE area plus its 4-byte end marker, and 64 bytes of alignment.
fn minimum_signal_stack_size() -> u64 {
    const RT_SIGFRAME_BYTES: u64 = 440;
    const XSTATE_END_MARKER_BYTES: u64 = 4;
    const ALIGNMENT_BYTES: u64 = 64;
    RT_SIGFRAME_BYTES
        + hal::arch::fpu::state_bytes() as u64
        + XSTATE_END_MARKER_BYTES
        + ALIGNMENT_BYTES
}
