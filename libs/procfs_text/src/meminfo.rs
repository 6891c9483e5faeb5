//! `/proc/meminfo` (fs/proc/meminfo.c): one `Name:  <kibibytes> kB` line per figure.

use alloc::string::String;
use core::fmt::Write;

/// The memory figures Loam tracks, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryFigures {
    /// `MemTotal`: the RAM the page allocator manages (`sysinfo`'s `totalram`).
    pub total_bytes: u64,
    /// `MemFree`: unallocated RAM (`sysinfo`'s `freeram`).
    pub free_bytes: u64,
    /// `MemAvailable`: what could be allocated without swapping; free plus reclaimable.
    pub available_bytes: u64,
    /// `Shmem`: tmpfs and shared memory (`sysinfo`'s `sharedram`).
    pub shared_bytes: u64,
}

/// The lines Linux prints in the order it prints them; those Loam has no figure for are 0,
/// which is what Linux shows without swap, huge pages or the subsystem behind them.
/// `VmallocTotal` is x86_64's vmalloc area (32 TiB with 4-level paging).
pub fn meminfo(figures: &MemoryFigures) -> String {
    let lines: [(&str, u64); 30] = [
        ("MemTotal", figures.total_bytes),
        ("MemFree", figures.free_bytes),
        ("MemAvailable", figures.available_bytes),
        ("Buffers", 0),
        ("Cached", figures.shared_bytes),
        ("SwapCached", 0),
        ("Active", 0),
        ("Inactive", 0),
        ("Active(anon)", 0),
        ("Inactive(anon)", 0),
        ("Active(file)", 0),
        ("Inactive(file)", 0),
        ("Unevictable", 0),
        ("Mlocked", 0),
        ("SwapTotal", 0),
        ("SwapFree", 0),
        ("Dirty", 0),
        ("Writeback", 0),
        ("AnonPages", 0),
        ("Mapped", 0),
        ("Shmem", figures.shared_bytes),
        ("KReclaimable", 0),
        ("Slab", 0),
        ("SReclaimable", 0),
        ("SUnreclaim", 0),
        ("KernelStack", 0),
        ("PageTables", 0),
        ("CommitLimit", figures.total_bytes),
        ("Committed_AS", 0),
        ("VmallocTotal", 32 << 40),
    ];
    let mut text = String::new();
    for (name, bytes) in lines {
        // Linux pads "Name:" to 16 columns and the number to 8 (`show_val_kb`).
        let label = alloc::format!("{name}:");
        let _ = writeln!(text, "{label:<16}{:>8} kB", bytes / 1024);
    }
    text
}
