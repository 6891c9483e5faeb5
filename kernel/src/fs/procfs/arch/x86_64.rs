//! `/proc/cpuinfo` on x86_64: the CPU as CPUID describes it.

use alloc::string::String;

/// The text of `/proc/cpuinfo`.
pub fn cpuinfo() -> String {
    procfs_text::cpuinfo(&hal::arch::cpu::cpuid, hal::arch::tsc::frequency_hz())
}
