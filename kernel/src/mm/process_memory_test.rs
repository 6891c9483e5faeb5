//! In-kernel tests of process memory: what a process maps is given back, frames and page
//! tables alike, and huge sparse ranges cost only the pages touched.

use hal::memory::frames;
use linux_raw_sys::general::{
    MADV_DONTNEED, MAP_ANONYMOUS, MAP_FIXED, MAP_NORESERVE, MAP_PRIVATE, MREMAP_MAYMOVE, PROT_NONE,
    PROT_READ, PROT_WRITE,
};

use memory_map::{AreaKind, Protection, Range};

use super::process_memory::ProcessMemory;
use crate::ktest::{KernelTest, TestResult, ensure, ordinary};

const PAGE: u64 = 4096;
const READ_WRITE: u32 = PROT_READ | PROT_WRITE;
const PRIVATE: u32 = MAP_PRIVATE | MAP_ANONYMOUS;

/// A fresh, active process memory.
fn active_memory() -> Result<ProcessMemory, &'static str> {
    let memory = ProcessMemory::new().map_err(|_| "no memory for an address space")?;
    memory.activate();
    Ok(memory)
}

/// Writes one byte into each of `count` pages from `start`, faulting them in.
fn touch(memory: &mut ProcessMemory, start: u64, count: u64) -> TestResult {
    for page in 0..count {
        let address = start + page * PAGE;
        ensure!(
            memory.copy_to_user(address, b"x").is_ok(),
            "cannot write {address:#x}"
        );
    }
    Ok(())
}

fn dropping_process_memory_frees_every_frame_and_table() -> TestResult {
    let before = frames::counts().free;
    {
        let mut memory = active_memory()?;
        let start = memory
            .map_anonymous(0, 64 * PAGE, READ_WRITE, PRIVATE)
            .map_err(|_| "mmap")?;
        touch(&mut memory, start, 64)?;
        let moved = memory
            .remap(start, 64 * PAGE, 128 * PAGE, MREMAP_MAYMOVE, 0)
            .map_err(|_| "mremap")?;
        touch(&mut memory, moved, 128)?;
    }
    let after = frames::counts().free;
    ensure!(before == after, "{} frames leaked", before.abs_diff(after));
    Ok(())
}

fn unmapping_frees_frames_and_emptied_tables() -> TestResult {
    let mut memory = active_memory()?;
    let before = frames::counts().free;
    let far_apart = [0x1000_0000, 0x40_0000_0000, 0x7000_0000_0000];
    for address in far_apart {
        memory
            .map_anonymous(address, 4 * PAGE, READ_WRITE, PRIVATE | MAP_FIXED)
            .map_err(|_| "mmap")?;
        touch(&mut memory, address, 4)?;
    }
    ensure!(frames::counts().free < before, "nothing was mapped");
    for address in far_apart {
        memory.unmap(address, 4 * PAGE).map_err(|_| "munmap")?;
    }
    let after = frames::counts().free;
    ensure!(before == after, "{} frames kept", before.abs_diff(after));
    Ok(())
}

/// Regression: `brk` far beyond memory was accepted, and page-by-page loops over such ranges
/// kept the kernel busy for minutes.
fn huge_sparse_ranges_cost_only_the_pages_touched() -> TestResult {
    let mut memory = active_memory()?;
    let heap = 0x1000_0000;
    memory
        .set_program_break_start(heap)
        .map_err(|_| "heap start")?;
    ensure!(
        memory.change_program_break(heap + (1 << 46)) == heap,
        "a break beyond all memory was accepted"
    );
    let length = 1 << 44;
    let start = memory
        .map_anonymous(0, length, READ_WRITE, PRIVATE | MAP_NORESERVE)
        .map_err(|_| "a huge MAP_NORESERVE mapping was refused")?;
    touch(&mut memory, start, 1)?;
    touch(&mut memory, start + length - PAGE, 1)?;
    memory
        .advise(start, length, MADV_DONTNEED)
        .map_err(|_| "madvise")?;
    memory
        .protect(start, length, PROT_READ)
        .map_err(|_| "mprotect")?;
    memory.unmap(start, length).map_err(|_| "munmap")?;
    Ok(())
}

fn copies_below_the_stack_grow_it_up_to_its_limit() -> TestResult {
    let mut memory = active_memory()?;
    let top = 0x7fff_0000_0000;
    let stack = Range::new(top - 4 * PAGE, top).ok_or("stack range")?;
    memory
        .map_fixed(stack, Protection::READ_WRITE, AreaKind::Stack)
        .map_err(|_| "map the stack")?;
    ensure!(
        memory.copy_to_user(top - 64 * PAGE, b"grown").is_ok(),
        "a copy just below the stack did not grow it"
    );
    let mut read_back = [0u8; 5];
    memory
        .copy_from_user(top - 64 * PAGE, &mut read_back)
        .map_err(|_| "read back")?;
    ensure!(&read_back == b"grown", "read back {read_back:?}");
    let beyond_limit = top - memory_map::DEFAULT_STACK_LIMIT_BYTES - PAGE;
    ensure!(
        memory.copy_to_user(beyond_limit, b"x").is_err(),
        "the stack grew past RLIMIT_STACK"
    );
    Ok(())
}

fn copies_refuse_pages_their_area_forbids() -> TestResult {
    let mut memory = active_memory()?;
    let start = memory
        .map_anonymous(0, PAGE, READ_WRITE, PRIVATE)
        .map_err(|_| "mmap")?;
    touch(&mut memory, start, 1)?;
    memory
        .protect(start, PAGE, PROT_NONE)
        .map_err(|_| "mprotect")?;
    let mut buffer = [0u8; 1];
    ensure!(
        memory.copy_from_user(start, &mut buffer).is_err(),
        "a PROT_NONE page, still present for the kernel, was read"
    );
    Ok(())
}

pub static TESTS: &[KernelTest] = &[
    ordinary!(dropping_process_memory_frees_every_frame_and_table),
    ordinary!(unmapping_frees_frames_and_emptied_tables),
    ordinary!(huge_sparse_ranges_cost_only_the_pages_touched),
    ordinary!(copies_below_the_stack_grow_it_up_to_its_limit),
    ordinary!(copies_refuse_pages_their_area_forbids),
];
