//! The panic handler: a report on the console, then the machine ends with a failure status.

use core::{
    fmt::Write,
    panic::PanicInfo,
    sync::atomic::{AtomicBool, Ordering},
};

use crate::{arch, console::EmergencyWriter, power};

static IS_PANICKING: AtomicBool = AtomicBool::new(false);

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    arch::cpu::disable_interrupts();
    let mut out = EmergencyWriter;
    if IS_PANICKING.swap(true, Ordering::SeqCst) {
        let _ = writeln!(out, "\nKERNEL PANIC while panicking: {}", info.message());
        power::exit_after_kernel_failure();
    }
    let _ = write!(out, "\nKERNEL PANIC: {}", info.message());
    if let Some(location) = info.location() {
        let _ = write!(out, " at {}:{}", location.file(), location.line());
    }
    let _ = writeln!(out);
    let _ = crate::backtrace::write(
        &mut out,
        arch::cpu::program_counter(),
        arch::cpu::frame_pointer(),
    );
    power::exit_after_kernel_failure()
}
