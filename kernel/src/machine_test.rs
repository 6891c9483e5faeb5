//! In-kernel tests of the machine hal brings up: memory, faults, clocks, the log.

use alloc::{vec, vec::Vec};
use core::hint::black_box;

use hal::memory::{frames, stack::KernelStack};

use crate::ktest::{KernelTest, TestResult, crash, ensure, ordinary};

fn frame_blocks_of_every_order_are_aligned_and_given_back() -> TestResult {
    let before = frames::counts();
    let mut blocks = Vec::new();
    for order in 0..=buddy::MAX_ORDER {
        let Some(physical) = frames::allocate(order) else {
            return Err(alloc::format!("no block of order {order}"));
        };
        ensure!(
            physical % (4096 << order) == 0,
            "order {order} block at {physical:#x} is misaligned"
        );
        blocks.push((physical, order));
    }
    let taken: u64 = blocks.iter().map(|(_, order)| 1u64 << order).sum();
    ensure!(
        frames::counts().free == before.free - taken,
        "free count did not drop by {taken}"
    );
    for (physical, order) in blocks {
        frames::free(physical, order);
    }
    ensure!(
        frames::counts() == before,
        "counts {:?} != {before:?} after freeing",
        frames::counts()
    );
    frames::check_invariants().map_err(alloc::string::String::from)
}

fn heap_grows_past_its_first_block_and_keeps_contents() -> TestResult {
    let size = 8 << 20;
    let mut big: Vec<u8> = vec![0; size];
    for (index, byte) in big.iter_mut().enumerate() {
        *byte = (index % 251) as u8;
    }
    let small: Vec<Vec<u64>> = (0..1000).map(|index| vec![index; 16]).collect();
    ensure!(
        big.iter()
            .enumerate()
            .all(|(index, &byte)| byte == (index % 251) as u8),
        "big block corrupted"
    );
    ensure!(
        small
            .iter()
            .enumerate()
            .all(|(index, block)| block.iter().all(|&v| v == index as u64)),
        "small blocks corrupted"
    );
    ensure!(
        hal::memory::heap::reserved_bytes() >= size as u64,
        "heap did not grow"
    );
    Ok(())
}

fn kernel_stacks_are_mapped_and_return_their_frames() -> TestResult {
    let before = frames::counts();
    let stacks: Vec<KernelStack> = (0..4)
        .map(|_| KernelStack::allocate())
        .collect::<Option<_>>()
        .ok_or("no stack")?;
    ensure!(frames::counts().free < before.free, "stacks took no frames");
    for stack in &stacks {
        ensure!(
            hal::memory::stack::guard_page_containing(stack.bottom() - 1).is_some(),
            "no guard page below {:#x}",
            stack.bottom()
        );
        ensure!(
            hal::memory::stack::guard_page_containing(stack.bottom()).is_none(),
            "stack bottom inside guard page"
        );
    }
    drop(stacks);
    ensure!(
        frames::counts() == before,
        "counts {:?} != {before:?} after dropping stacks",
        frames::counts()
    );
    Ok(())
}

fn timer_interrupts_arrive_and_the_clock_advances() -> TestResult {
    let start_ticks = hal::time::ticks();
    let start = hal::time::monotonic_nanoseconds();
    while hal::time::monotonic_nanoseconds() - start < 50_000_000 {
        core::hint::spin_loop();
    }
    let elapsed_ticks = hal::time::ticks() - start_ticks;
    // 50 ms at 100 Hz is 5 ticks; allow for scheduling of the virtual CPU.
    ensure!(
        (2..=10).contains(&elapsed_ticks),
        "{elapsed_ticks} timer ticks in 50 ms"
    );
    Ok(())
}

fn wall_clock_is_after_2024() -> TestResult {
    let seconds = hal::time::wall_clock_seconds();
    ensure!(
        seconds > 1_704_067_200,
        "wall clock {seconds} is before 2024-01-01"
    );
    Ok(())
}

fn unix_seconds_match_known_dates() -> TestResult {
    let cases = [
        ((1970, 1, 1, 0, 0, 0), 0),
        ((2000, 2, 29, 12, 0, 0), 951_825_600),
        ((2024, 12, 31, 23, 59, 59), 1_735_689_599),
        ((2100, 3, 1, 0, 0, 0), 4_107_542_400),
    ];
    for ((year, month, day, hour, minute, second), expected) in cases {
        let got = hal::time::unix_seconds(year, month, day, hour, minute, second);
        ensure!(
            got == expected,
            "{year}-{month}-{day} {hour}:{minute}:{second} gave {got}, not {expected}"
        );
    }
    Ok(())
}

fn boot_info_describes_the_machine() -> TestResult {
    let info = hal::boot_info();
    // xtask boots ktests with -m 256M.
    let usable = info.usable_bytes();
    ensure!(
        (200 << 20..=256 << 20).contains(&usable),
        "usable memory {usable} for a 256 MiB machine"
    );
    ensure!(
        info.command_line().contains("loam.ktest"),
        "command line {:?}",
        info.command_line()
    );
    ensure!(info.acpi_rsdp().is_some(), "no ACPI root pointer");
    Ok(())
}

fn log_history_keeps_the_newest_lines() -> TestResult {
    let mut ring = crate::klog::LogRing::<16>::new();
    ring.push(b"first line\n");
    ring.push(b"second\n");
    ring.push(b"third\n");
    let mut out = [0u8; 16];
    let length = ring.copy_to(&mut out);
    ensure!(
        &out[..length] == b"second\nthird\n",
        "ring holds {:?}",
        core::str::from_utf8(&out[..length])
    );
    log::info!("ktest log marker");
    let mut history = vec![0u8; 64 * 1024];
    let length = crate::klog::read_history(&mut history);
    let text = core::str::from_utf8(&history[..length]).map_err(|_| "history is not UTF-8")?;
    ensure!(
        text.contains("] ktest log marker\n"),
        "kernel log lacks the marker"
    );
    Ok(())
}

fn the_symbol_table_names_kernel_functions() -> TestResult {
    use hal::symbols::{CodeAddress, lookup};
    let function = the_symbol_table_names_kernel_functions as fn() -> TestResult as usize as u64;
    let start = lookup(CodeAddress::Instruction(function)).ok_or("no symbol at a function")?;
    ensure!(
        start.name == "kernel::machine_test::the_symbol_table_names_kernel_functions"
            && start.offset == 0,
        "the test's own address resolves to {start}"
    );
    let inside = lookup(CodeAddress::Instruction(function + 1)).ok_or("no symbol inside")?;
    ensure!(inside.offset == 1, "one byte in resolves to {inside}");
    // A return address just past a function still names it (the call is its last instruction).
    let end = function + start.size;
    let caller = lookup(CodeAddress::ReturnAddress(end)).ok_or("no symbol for the end")?;
    ensure!(
        caller.name == start.name && caller.offset == start.size,
        "a return address at the end resolves to {caller}"
    );
    ensure!(
        lookup(CodeAddress::Instruction(0x1000)).is_none(),
        "a user address has a kernel name"
    );
    Ok(())
}

/// The report decodes the fault and names the function that faulted, from the symbol table
/// xtask writes into the kernel.
fn reading_unmapped_kernel_memory_reports_a_page_fault() {
    let address = 0xffff_9000_0dea_d000_u64;
    let value = hal::memory::debug::read_u64_for_fault_test(address);
    log::error!("read {value:#x} from an unmapped address");
}

/// The report names the function that overflowed, as for the page fault above.
fn unbounded_recursion_hits_the_stack_guard_page() {
    #[expect(unconditional_recursion, reason = "the point is to overflow the stack")]
    fn recurse(depth: u64) -> u64 {
        let frame = black_box([depth; 64]);
        recurse(depth + 1) + frame[0]
    }
    log::error!("recursion returned {}", recurse(black_box(0)));
}

fn panics_are_reported_with_their_location() {
    panic!("deliberate panic from a crash test");
}

/// This module's tests, in the order they run.
pub const TESTS: &[KernelTest] = &[
    ordinary!(frame_blocks_of_every_order_are_aligned_and_given_back),
    ordinary!(heap_grows_past_its_first_block_and_keeps_contents),
    ordinary!(kernel_stacks_are_mapped_and_return_their_frames),
    ordinary!(timer_interrupts_arrive_and_the_clock_advances),
    ordinary!(wall_clock_is_after_2024),
    ordinary!(unix_seconds_match_known_dates),
    ordinary!(boot_info_describes_the_machine),
    ordinary!(log_history_keeps_the_newest_lines),
    ordinary!(the_symbol_table_names_kernel_functions),
    crash!(
        reading_unmapped_kernel_memory_reports_a_page_fault,
        expects "KERNEL PANIC: page fault at address 0xffff90000dead000 (page not present, read, kernel mode, error code 0x0) in hal::memory::debug::read_u64_for_fault_test+0x"
    ),
    crash!(
        unbounded_recursion_hits_the_stack_guard_page,
        expects "KERNEL PANIC: kernel stack overflow in kernel::machine_test::unbounded_recursion_hits_the_stack_guard_page::recurse+0x"
    ),
    crash!(
        panics_are_reported_with_their_location,
        expects "KERNEL PANIC: deliberate panic from a crash test at kernel/src/machine_test.rs"
    ),
];
