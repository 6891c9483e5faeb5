//! In-kernel tests of hal's user-mode primitives: address spaces, entry and exit, user copy.
//!
//! Each test maps a few bytes of hand-assembled x86_64 code into a fresh address space, runs
//! it, and checks how it came back. They exercise exactly what every user program relies on:
//! `syscall` entry with all registers saved, traps from user mode, and checked copies.

use hal::{
    memory::{PagePermissions, owned_frame::OwnedFrame},
    user::{
        Access, AddressSpace, Exception, PageFault, UserContext, UserExit, copy_from_user,
        copy_to_user,
    },
};

use crate::ktest::{KernelTest, TestResult, ensure, ordinary};

const CODE_ADDRESS: u64 = 0x40_0000;
const DATA_ADDRESS: u64 = 0x60_0000;
const STACK_TOP: u64 = 0x7fff_0000;

const EXECUTABLE: PagePermissions = PagePermissions {
    is_accessible: true,
    is_writable: false,
    is_executable: true,
};
const WRITABLE: PagePermissions = PagePermissions {
    is_accessible: true,
    is_writable: true,
    is_executable: false,
};
const READ_ONLY: PagePermissions = PagePermissions {
    is_accessible: true,
    is_writable: false,
    is_executable: false,
};

/// An address space with `code` at [`CODE_ADDRESS`] and a stack page below [`STACK_TOP`].
fn space_with_code(code: &[u8]) -> Result<AddressSpace, &'static str> {
    let mut space = AddressSpace::new().ok_or("no memory for an address space")?;
    let mut frame = OwnedFrame::allocate_zeroed().ok_or("no memory for a frame")?;
    frame.bytes_mut()[..code.len()].copy_from_slice(code);
    space
        .map(CODE_ADDRESS, frame, EXECUTABLE)
        .map_err(|_| "cannot map the code")?;
    let stack = OwnedFrame::allocate_zeroed().ok_or("no memory for a frame")?;
    space
        .map(STACK_TOP - 4096, stack, WRITABLE)
        .map_err(|_| "cannot map the stack")?;
    space.activate();
    Ok(space)
}

/// Runs `context` until it stops for something other than an interrupt: a timer tick can land
/// on any instruction, and the kernel's run loop also just resumes after one.
fn run_past_interrupts(context: &mut UserContext) -> UserExit {
    loop {
        match context.run() {
            UserExit::Interrupt => continue,
            exit => return exit,
        }
    }
}

/// `mov eax, 60; mov edi, 42; syscall; syscall; jmp .`
const TWO_SYSTEM_CALLS: &[u8] = &[
    0xb8, 0x3c, 0, 0, 0, 0xbf, 0x2a, 0, 0, 0, 0x0f, 0x05, 0x0f, 0x05, 0xeb, 0xfe,
];

fn system_calls_carry_number_arguments_and_return_value() -> TestResult {
    let _space = space_with_code(TWO_SYSTEM_CALLS)?;
    let mut context = UserContext::new(CODE_ADDRESS, STACK_TOP);
    context.registers_mut().rbx = 0x1234_5678_9abc_def0;
    context.registers_mut().r15 = 0x0f0f;
    let exit = run_past_interrupts(&mut context);
    ensure!(exit == UserExit::SystemCall, "first exit was {exit:?}");
    let call = context.system_call();
    ensure!(call.number == 60, "number {}", call.number);
    ensure!(
        call.arguments[0] == 42,
        "first argument {}",
        call.arguments[0]
    );
    ensure!(
        context.instruction_pointer() == CODE_ADDRESS + 12,
        "resumes at {:#x}",
        context.instruction_pointer()
    );
    ensure!(context.stack_pointer() == STACK_TOP, "stack pointer moved");
    context.set_return_value(7);
    let exit = run_past_interrupts(&mut context);
    ensure!(exit == UserExit::SystemCall, "second exit was {exit:?}");
    ensure!(
        context.system_call().number == 7,
        "the return value did not reach user code: rax = {}",
        context.system_call().number
    );
    let registers = context.registers();
    ensure!(registers.rbx == 0x1234_5678_9abc_def0, "rbx lost");
    ensure!(registers.r15 == 0x0f0f, "r15 lost");
    ensure!(
        registers.rcx == CODE_ADDRESS + 14,
        "rcx should hold the return address as on Linux"
    );
    Ok(())
}

/// `mov rax, [0x10000]`
const READ_UNMAPPED: &[u8] = &[0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x01, 0x00];

fn touching_unmapped_memory_exits_with_a_page_fault() -> TestResult {
    let _space = space_with_code(READ_UNMAPPED)?;
    let mut context = UserContext::new(CODE_ADDRESS, STACK_TOP);
    let exit = run_past_interrupts(&mut context);
    let expected = UserExit::PageFault(PageFault {
        address: 0x10000,
        access: Access::Read,
        is_protection_violation: false,
    });
    ensure!(exit == expected, "exit was {exit:?}");
    ensure!(context.instruction_pointer() == CODE_ADDRESS, "rip moved");
    Ok(())
}

/// `mov byte ptr [0x400000], 1` (writes its own read-only code page)
const WRITE_CODE: &[u8] = &[0xc6, 0x04, 0x25, 0x00, 0x00, 0x40, 0x00, 0x01];

fn writing_read_only_memory_is_a_protection_fault() -> TestResult {
    let _space = space_with_code(WRITE_CODE)?;
    let exit = run_past_interrupts(&mut UserContext::new(CODE_ADDRESS, STACK_TOP));
    let expected = UserExit::PageFault(PageFault {
        address: CODE_ADDRESS,
        access: Access::Write,
        is_protection_violation: true,
    });
    ensure!(exit == expected, "exit was {exit:?}");
    Ok(())
}

fn executing_data_is_refused() -> TestResult {
    let mut space = space_with_code(&[0xeb, 0xfe])?;
    let data = OwnedFrame::allocate_zeroed().ok_or("no memory")?;
    space
        .map(DATA_ADDRESS, data, WRITABLE)
        .map_err(|_| "cannot map data")?;
    let exit = run_past_interrupts(&mut UserContext::new(DATA_ADDRESS, STACK_TOP));
    let expected = UserExit::PageFault(PageFault {
        address: DATA_ADDRESS,
        access: Access::Execute,
        is_protection_violation: true,
    });
    ensure!(exit == expected, "exit was {exit:?}");
    Ok(())
}

fn undefined_instructions_are_reported() -> TestResult {
    let _space = space_with_code(&[0x0f, 0x0b])?;
    let exit = run_past_interrupts(&mut UserContext::new(CODE_ADDRESS, STACK_TOP));
    ensure!(
        exit == UserExit::Exception(Exception::IllegalInstruction { vector: 6 }),
        "exit was {exit:?}"
    );
    Ok(())
}

fn the_timer_interrupts_a_spinning_program() -> TestResult {
    let _space = space_with_code(&[0xeb, 0xfe])?;
    let exit = UserContext::new(CODE_ADDRESS, STACK_TOP).run();
    ensure!(exit == UserExit::Interrupt, "exit was {exit:?}");
    Ok(())
}

fn non_canonical_entry_points_are_refused_before_entering() -> TestResult {
    let _space = space_with_code(&[0xeb, 0xfe])?;
    let exit = run_past_interrupts(&mut UserContext::new(0x8000_0000_0000_0000, STACK_TOP));
    ensure!(
        matches!(
            exit,
            UserExit::Exception(Exception::Protection { vector: 13, .. })
        ),
        "exit was {exit:?}"
    );
    Ok(())
}

fn user_copies_check_every_byte() -> TestResult {
    let mut space = space_with_code(&[0xeb, 0xfe])?;
    let data = OwnedFrame::allocate_zeroed().ok_or("no memory")?;
    space
        .map(DATA_ADDRESS, data, WRITABLE)
        .map_err(|_| "cannot map data")?;
    copy_to_user(DATA_ADDRESS + 4090, b"hello!").map_err(|_| "copy into a writable page")?;
    let mut read_back = [0u8; 6];
    copy_from_user(DATA_ADDRESS + 4090, &mut read_back).map_err(|_| "copy back")?;
    ensure!(&read_back == b"hello!", "read back {read_back:?}");
    ensure!(
        copy_to_user(DATA_ADDRESS + 4092, b"crosses").is_err(),
        "a copy running into an unmapped page must fail"
    );
    ensure!(
        copy_to_user(CODE_ADDRESS, b"x").is_err(),
        "a copy into read-only user memory must fail"
    );
    let mut buffer = [0u8; 8];
    ensure!(
        copy_from_user(0, &mut buffer).is_err(),
        "the NULL page must fault"
    );
    ensure!(
        copy_from_user(0xffff_8000_0000_0000, &mut buffer).is_err(),
        "kernel addresses must be refused"
    );
    ensure!(
        copy_from_user(u64::MAX - 3, &mut buffer).is_err(),
        "a wrapping range must be refused"
    );
    Ok(())
}

fn dropping_an_address_space_frees_every_frame() -> TestResult {
    let before = hal::memory::frames::counts().free;
    {
        let mut space = AddressSpace::new().ok_or("no memory")?;
        for page in 0..64 {
            let frame = OwnedFrame::allocate_zeroed().ok_or("no memory")?;
            space
                .map(DATA_ADDRESS + page * 4096 * 513, frame, READ_ONLY)
                .map_err(|_| "cannot map")?;
        }
        let frame = space.unmap(DATA_ADDRESS).ok_or("unmap lost the frame")?;
        drop(frame);
        ensure!(space.unmap(DATA_ADDRESS).is_none(), "page still mapped");
    }
    let after = hal::memory::frames::counts().free;
    ensure!(before == after, "{} frames leaked", before.abs_diff(after));
    Ok(())
}

fn finding_mapped_pages_skips_absent_tables() -> TestResult {
    let mut space = AddressSpace::new().ok_or("no memory")?;
    let far_page = 0x7f00_0000_0000;
    for address in [DATA_ADDRESS, far_page] {
        let frame = OwnedFrame::allocate_zeroed().ok_or("no memory")?;
        space
            .map(address, frame, READ_ONLY)
            .map_err(|_| "cannot map")?;
    }
    let everything = 0..hal::user::USER_SPACE_END;
    ensure!(
        space.next_mapped(everything.clone()) == Some(DATA_ADDRESS),
        "first page"
    );
    let after_first = DATA_ADDRESS + 4096..hal::user::USER_SPACE_END;
    ensure!(
        space.next_mapped(after_first) == Some(far_page),
        "second page"
    );
    ensure!(
        space.next_mapped(far_page + 4096..u64::MAX).is_none(),
        "nothing above"
    );
    ensure!(
        space.next_mapped(0..DATA_ADDRESS).is_none(),
        "nothing below"
    );
    Ok(())
}

pub static TESTS: &[KernelTest] = &[
    ordinary!(system_calls_carry_number_arguments_and_return_value),
    ordinary!(touching_unmapped_memory_exits_with_a_page_fault),
    ordinary!(writing_read_only_memory_is_a_protection_fault),
    ordinary!(executing_data_is_refused),
    ordinary!(undefined_instructions_are_reported),
    ordinary!(the_timer_interrupts_a_spinning_program),
    ordinary!(non_canonical_entry_points_are_refused_before_entering),
    ordinary!(user_copies_check_every_byte),
    ordinary!(dropping_an_address_space_frees_every_frame),
    ordinary!(finding_mapped_pages_skips_absent_tables),
];
