//! The benchmarks `cargo xtask bench` knows: their names (for `--filter`), titles and units.
//!
//! For now these are the boot figures of issue 4; the benchmark programs (syscalls, fork, pipes,
//! memory, tmpfs) join them once Loam runs user programs (issue 3).

use serde::Serialize;

use super::markers::BootFigure;

/// One line of the results table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Benchmark {
    /// A time from QEMU's start to a serial line.
    Boot(BootFigure),
    /// The smallest `-m` that still boots.
    SmallestMemory,
}

/// What a benchmark's numbers count. Both units are "lower is better".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Milliseconds,
    Mebibytes,
}

impl Unit {
    /// The value with its unit symbol, as the table shows it.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Milliseconds => format!("{value:.1} ms"),
            Unit::Mebibytes => format!("{value:.0} MiB"),
        }
    }
}

impl Benchmark {
    /// Every benchmark, in table order.
    pub const ALL: [Benchmark; 4] = [
        Benchmark::Boot(BootFigure::FirstKernelLine),
        Benchmark::Boot(BootFigure::KernelInitialised),
        Benchmark::Boot(BootFigure::FirstInitOutput),
        Benchmark::SmallestMemory,
    ];

    /// The name `--filter` matches against.
    pub fn name(self) -> &'static str {
        match self {
            Benchmark::Boot(BootFigure::FirstKernelLine) => "boot/first-kernel-line",
            Benchmark::Boot(BootFigure::KernelInitialised) => "boot/kernel-initialised",
            Benchmark::Boot(BootFigure::FirstInitOutput) => "boot/first-init-output",
            Benchmark::SmallestMemory => "boot/smallest-memory",
        }
    }

    /// What the figure is, for the table.
    pub fn title(self) -> &'static str {
        match self {
            Benchmark::Boot(BootFigure::FirstKernelLine) => "QEMU start to first kernel line",
            Benchmark::Boot(BootFigure::KernelInitialised) => "QEMU start to kernel initialised",
            Benchmark::Boot(BootFigure::FirstInitOutput) => "QEMU start to first /init output",
            Benchmark::SmallestMemory => "smallest -m that boots",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Benchmark::Boot(_) => Unit::Milliseconds,
            Benchmark::SmallestMemory => Unit::Mebibytes,
        }
    }

    /// Whether `--filter` selects the benchmark: its name contains the filter text.
    pub fn is_selected_by(self, filter: Option<&str>) -> bool {
        filter.is_none_or(|filter| self.name().contains(filter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_filterable() {
        for benchmark in Benchmark::ALL {
            let same_name = Benchmark::ALL
                .iter()
                .filter(|other| other.name() == benchmark.name())
                .count();
            assert_eq!(same_name, 1, "{}", benchmark.name());
            assert!(benchmark.is_selected_by(Some(benchmark.name())));
            assert!(benchmark.is_selected_by(None));
        }
    }

    #[test]
    fn filter_matches_part_of_the_name() {
        let selected: Vec<Benchmark> = Benchmark::ALL
            .into_iter()
            .filter(|benchmark| benchmark.is_selected_by(Some("init")))
            .collect();
        assert_eq!(
            selected,
            [
                Benchmark::Boot(BootFigure::KernelInitialised),
                Benchmark::Boot(BootFigure::FirstInitOutput),
            ]
        );
        assert!(!Benchmark::SmallestMemory.is_selected_by(Some("syscall")));
    }

    #[test]
    fn units_format_with_their_symbol() {
        assert_eq!(Unit::Milliseconds.format(1234.56), "1234.6 ms");
        assert_eq!(Unit::Mebibytes.format(38.0), "38 MiB");
    }
}
