//! What a result depends on besides the kernels: QEMU, the host CPU, the accelerator, the date.
//!
//! Ratios between Loam and Linux travel between machines far better than absolute times, but
//! neither means much without knowing whether QEMU ran under KVM or TCG and on which CPU.

use std::{
    fs,
    process::Command,
    time::{SystemTime, UNIX_EPOCH},
};

use serde::Serialize;

use crate::{process, qemu};

/// The facts recorded beside every result.
#[derive(Clone, Debug, Serialize)]
pub struct Environment {
    /// UTC, ISO 8601 (`2025-01-31T14:05:09Z`).
    pub date: String,
    pub qemu_version: String,
    pub host_cpu: String,
    pub host_cores: usize,
    /// QEMU's `-accel` value: `kvm` or `tcg`.
    pub accelerator: &'static str,
    pub loam_commit: String,
}

impl Environment {
    /// Reads the facts of this host now; a fact that cannot be read says "unknown".
    pub fn of_this_host() -> Environment {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since_epoch| since_epoch.as_secs());
        let qemu_version = process::output_quietly(Command::new(qemu::QEMU).arg("--version"))
            .and_then(|text| {
                text.lines()
                    .next()
                    .map(|line| line.trim().to_owned())
                    .filter(|line| !line.is_empty())
            });
        let loam_commit = process::output_quietly(
            Command::new("git")
                .args(["describe", "--always", "--dirty"])
                .current_dir(crate::workspace::root()),
        );
        let host_cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|information| cpu_model(&information));
        Environment {
            date: iso_8601_utc(seconds),
            qemu_version: qemu_version.unwrap_or_else(unknown),
            host_cpu: host_cpu.unwrap_or_else(unknown),
            host_cores: std::thread::available_parallelism().map_or(0, usize::from),
            accelerator: qemu::accelerator(),
            loam_commit: loam_commit.map_or_else(unknown, |commit| commit.trim().to_owned()),
        }
    }

    /// The date as a directory name: ISO 8601 without the colons some file systems refuse.
    pub fn directory_name(&self) -> String {
        self.date.replace(':', "-")
    }
}

fn unknown() -> String {
    "unknown".to_owned()
}

/// The first `model name` in `/proc/cpuinfo` (x86; other architectures name it differently).
fn cpu_model(cpu_information: &str) -> Option<String> {
    cpu_information.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_owned())
    })
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn iso_8601_utc(seconds_since_epoch: u64) -> String {
    let days = seconds_since_epoch / 86_400;
    let second_of_day = seconds_since_epoch % 86_400;
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01, counting in 400-year eras of 146,097
/// days whose years start on 1 March, so that the leap day ends the year.
fn civil_date(days_since_epoch: u64) -> (u64, u64, u64) {
    // 1970-01-01 is day 719,468 counted from 0000-03-01.
    let days = days_since_epoch + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months from March: 153 days for every five months (31 30 31 30 31).
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates_format_as_iso_8601() {
        assert_eq!(iso_8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_8601_utc(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(iso_8601_utc(1_738_332_309), "2025-01-31T14:05:09Z");
        assert_eq!(iso_8601_utc(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        let mut previous = civil_date(0);
        for days in 1..200_000 {
            let date = civil_date(days);
            let (year, month, day) = date;
            let is_next_day = (year, month) == (previous.0, previous.1) && day == previous.2 + 1;
            let is_next_month = day == 1
                && ((year == previous.0 && month == previous.1 + 1)
                    || (year == previous.0 + 1 && month == 1 && previous.1 == 12));
            assert!(is_next_day || is_next_month, "{previous:?} then {date:?}");
            previous = date;
        }
    }

    #[test]
    fn cpu_model_is_the_first_model_name() {
        let information = "processor\t: 0\nvendor_id\t: GenuineIntel\n\
                           model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nflags\t\t: fpu\n\
                           processor\t: 1\nmodel name\t: other\n";
        assert_eq!(
            cpu_model(information).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(cpu_model("processor\t: 0\n"), None);
    }

    #[test]
    fn directory_names_have_no_colons() {
        let mut environment = Environment::of_this_host();
        environment.date = iso_8601_utc(0);
        assert_eq!(environment.directory_name(), "1970-01-01T00-00-00Z");
    }
}
