//! How hal hands control to the kernel.
//!
//! The kernel names its main function with [`entry_point!`]; hal's boot code calls it once,
//! on a guarded kernel stack, with interrupts on, the heap working and [`BootInfo`] filled.

use crate::boot_info::BootInfo;

unsafe extern "Rust" {
    /// Defined by [`entry_point!`] in the kernel binary.
    fn loam_kernel_main(boot_info: &'static BootInfo) -> !;
}

/// Declares the kernel's main function: `hal::entry_point!(kernel_main);` with
/// `fn kernel_main(boot_info: &'static hal::BootInfo) -> !`.
#[macro_export]
macro_rules! entry_point {
    ($main:path) => {
        #[unsafe(no_mangle)]
        #[allow(
            unsafe_code,
            reason = "the one symbol hal's boot code calls in the kernel"
        )]
        fn loam_kernel_main(boot_info: &'static $crate::BootInfo) -> ! {
            let main: fn(&'static $crate::BootInfo) -> ! = $main;
            main(boot_info)
        }
    };
}

pub(crate) fn enter_kernel(boot_info: &'static BootInfo) -> ! {
    // SAFETY: `entry_point!` defines this symbol with exactly this signature; a kernel binary
    // without it fails to link.
    unsafe { loam_kernel_main(boot_info) }
}
