//! Ending the machine on request (`reboot(2)`), with the file dump tests ask for.

/// Powers the machine off; never returns.
pub fn power_off() -> ! {
    hal::power::power_off()
}
