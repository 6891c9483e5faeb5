//! `/proc/uptime` (fs/proc/uptime.c): seconds since boot and idle seconds, two decimals.

use alloc::{format, string::String};

/// `"<uptime> <idle>\n"`, each as seconds with two decimals (centiseconds truncated).
pub fn uptime(uptime_nanoseconds: u64, idle_nanoseconds: u64) -> String {
    format!(
        "{} {}\n",
        seconds_with_centiseconds(uptime_nanoseconds),
        seconds_with_centiseconds(idle_nanoseconds)
    )
}

fn seconds_with_centiseconds(nanoseconds: u64) -> String {
    let centiseconds = nanoseconds / 10_000_000;
    format!("{}.{:02}", centiseconds / 100, centiseconds % 100)
}
