//! The results table: one row per benchmark, each kernel's median and range, and the ratio.
//!
//! A benchmark that a kernel cannot run yet stays in the table as "not supported"; Linux's
//! columns read "skipped" under `--loam-only`. A figure reached in fewer boots than were made
//! shows how many, so a flaky marker cannot hide behind a median.

use std::fmt::Write;

use serde::Serialize;

use super::{
    catalogue::{Benchmark, Unit},
    statistics::{self, Summary},
};

/// What one kernel gave for one benchmark.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Measured(Summary),
    /// The kernel never reached the benchmark's marker.
    NotSupported,
    /// The kernel was not run (`--loam-only`).
    Skipped,
}

/// One benchmark's results on both kernels.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub benchmark: Benchmark,
    pub name: &'static str,
    pub unit: Unit,
    /// How many samples each kernel would have if every boot reached the marker.
    pub expected_samples: usize,
    pub loam: Outcome,
    pub linux: Outcome,
    /// Loam's median over Linux's: below 1.0 means Loam is better.
    pub ratio: Option<f64>,
}

impl Row {
    pub fn new(
        benchmark: Benchmark,
        expected_samples: usize,
        loam: Outcome,
        linux: Outcome,
    ) -> Row {
        let ratio = match (&loam, &linux) {
            (Outcome::Measured(loam), Outcome::Measured(linux)) => {
                statistics::lower_is_better_ratio(loam, linux)
            }
            _ => None,
        };
        Row {
            benchmark,
            name: benchmark.name(),
            unit: benchmark.unit(),
            expected_samples,
            loam,
            linux,
            ratio,
        }
    }

    /// The Markdown cells: median and range for each kernel, then the ratio.
    fn cells(&self) -> [String; 6] {
        let [loam_median, loam_range] = self.outcome_cells(&self.loam);
        let [linux_median, linux_range] = self.outcome_cells(&self.linux);
        let ratio = self
            .ratio
            .map_or_else(|| "—".to_owned(), |ratio| format!("{ratio:.2}"));
        [
            self.benchmark.title().to_owned(),
            loam_median,
            loam_range,
            linux_median,
            linux_range,
            ratio,
        ]
    }

    fn outcome_cells(&self, outcome: &Outcome) -> [String; 2] {
        match outcome {
            Outcome::Measured(summary) => {
                let mut median = self.unit.format(summary.median);
                if summary.samples.len() < self.expected_samples {
                    let _ = write!(
                        median,
                        " ({} of {} boots)",
                        summary.samples.len(),
                        self.expected_samples
                    );
                }
                let range = format!(
                    "{} – {}",
                    self.unit.format(summary.minimum),
                    self.unit.format(summary.maximum)
                );
                [median, range]
            }
            Outcome::NotSupported => ["not supported".to_owned(), "—".to_owned()],
            Outcome::Skipped => ["skipped".to_owned(), "—".to_owned()],
        }
    }
}

/// The table in Markdown, ending with a newline.
pub fn markdown_table(rows: &[Row]) -> String {
    let mut table = String::from(
        "| benchmark | Loam median | Loam min – max | Linux median | Linux min – max | \
         Loam/Linux |\n|---|--:|--:|--:|--:|--:|\n",
    );
    for row in rows {
        let _ = writeln!(table, "| {} |", row.cells().join(" | "));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::markers::BootFigure;

    fn measured(samples: &[f64]) -> Outcome {
        Outcome::Measured(Summary::of(samples).expect("samples"))
    }

    #[test]
    fn measured_rows_show_medians_ranges_and_the_ratio() {
        let row = Row::new(
            Benchmark::Boot(BootFigure::KernelInitialised),
            3,
            measured(&[100.0, 120.0, 110.0]),
            measured(&[2000.0, 2200.0, 2100.0]),
        );
        assert_eq!(row.ratio, Some(110.0 / 2100.0));
        let table = markdown_table(&[row]);
        let expected_row = "| QEMU start to kernel initialised | 110.0 ms | 100.0 ms – 120.0 ms \
                            | 2100.0 ms | 2000.0 ms – 2200.0 ms | 0.05 |\n";
        assert!(table.ends_with(expected_row), "{table}");
        assert!(table.starts_with("| benchmark | Loam median |"));
    }

    #[test]
    fn unsupported_and_skipped_kernels_stay_in_the_table_without_a_ratio() {
        let row = Row::new(
            Benchmark::Boot(BootFigure::FirstInitOutput),
            5,
            Outcome::NotSupported,
            Outcome::Skipped,
        );
        assert_eq!(row.ratio, None);
        let table = markdown_table(&[row]);
        assert!(table.contains(
            "| QEMU start to first /init output | not supported | — | skipped | — | — |"
        ));
    }

    #[test]
    fn boots_that_missed_the_marker_are_counted_in_the_cell() {
        let row = Row::new(
            Benchmark::SmallestMemory,
            5,
            measured(&[30.0, 32.0]),
            measured(&[60.0; 5]),
        );
        let table = markdown_table(&[row]);
        assert!(table.contains("| 31 MiB (2 of 5 boots) |"), "{table}");
        assert!(
            table.contains("| 60 MiB | 60 MiB – 60 MiB | 0.52 |"),
            "{table}"
        );
    }

    #[test]
    fn outcomes_serialise_with_a_status_tag() {
        let json = serde_json::to_value(measured(&[1.0])).expect("serialisable");
        assert_eq!(json["status"], "measured");
        assert_eq!(json["median"], 1.0);
        let json = serde_json::to_value(Outcome::NotSupported).expect("serialisable");
        assert_eq!(json["status"], "not_supported");
    }
}
