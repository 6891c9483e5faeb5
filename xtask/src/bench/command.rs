//! The `bench` command: its options, and the order of a run from building to writing results.
//!
//! Both kernels boot the same initramfs with the same command line on the same QEMU machine;
//! only the kernel image differs. Loam is built with the release profile, as a user would run it.

use std::{path::PathBuf, process::ExitCode};

use anyhow::{Result, bail};
use clap::Args;

use super::{
    catalogue::Benchmark,
    environment::Environment,
    markers::{self, Kernel},
    memory_search::{self, MemorySearch},
    report::{Outcome, Row},
    results::Results,
    rounds::{self, Samples, Subject},
    statistics::Summary,
};
use crate::{
    arch::Arch,
    host_tools::{self, HostTool},
    initramfs,
    kernel_build::{self, Profile, Variant},
    linux_kernel,
    qemu::{Boot, DEFAULT_MEMORY_MIB, Machine},
    workspace,
};

/// The machine every bench boot emulates.
const MACHINE: Machine = Machine::Q35;

/// Options of `cargo xtask bench`.
#[derive(Args)]
pub struct BenchOptions {
    /// Architecture to measure.
    #[arg(long, value_enum, default_value_t)]
    arch: Arch,
    /// Timed boots of each kernel, alternating Loam and Linux.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    rounds: u32,
    /// Only run the benchmarks whose name contains this text (`boot/first-kernel-line`,
    /// `boot/kernel-initialised`, `boot/first-init-output`, `boot/smallest-memory`).
    #[arg(long)]
    filter: Option<String>,
    /// Measure Loam alone, without Linux and its ratios: for quick runs.
    #[arg(long)]
    loam_only: bool,
}

/// Runs the selected benchmarks and prints, writes and (for complete runs) documents the table.
pub fn execute(options: &BenchOptions) -> Result<ExitCode> {
    options.arch.kernel_target()?;
    let benchmarks: Vec<Benchmark> = Benchmark::ALL
        .into_iter()
        .filter(|benchmark| benchmark.is_selected_by(options.filter.as_deref()))
        .collect();
    if benchmarks.is_empty() {
        bail!("no benchmark's name contains {:?}", options.filter);
    }
    host_tools::ensure(&[HostTool::QemuX86_64, HostTool::BusyboxStatic])?;
    let images = kernel_images(options)?;
    let initrd = write_initramfs()?;
    let subjects: Vec<Subject> = images
        .iter()
        .map(|(kernel, image)| Subject {
            kernel: *kernel,
            boot: Boot {
                kernel: image,
                initrd: &initrd,
                command_line: markers::COMMAND_LINE.to_owned(),
                machine: MACHINE,
            },
        })
        .collect();
    let results = measure(options, &benchmarks, &subjects, &images)?;
    print!("{}", results.markdown());
    let folder = results.write_folder()?;
    eprintln!("xtask: bench: results written to {}", folder.display());
    if benchmarks.len() == Benchmark::ALL.len() && !options.loam_only {
        let document = results.refresh_document()?;
        eprintln!(
            "xtask: bench: refreshed the table in {}",
            document.display()
        );
    } else {
        eprintln!("xtask: bench: partial run: docs/performance.md left as it was");
    }
    Ok(ExitCode::SUCCESS)
}

/// Loam's release build and, unless `--loam-only`, Debian's Linux kernel.
fn kernel_images(options: &BenchOptions) -> Result<Vec<(Kernel, PathBuf)>> {
    let loam = kernel_build::build(options.arch, Profile::Release, Variant::Normal)?;
    let mut images = vec![(Kernel::Loam, loam)];
    if !options.loam_only {
        images.push((Kernel::Linux, linux_kernel::fetch()?));
    }
    Ok(images)
}

/// Runs the timed rounds and the memory searches that the selection needs.
fn measure(
    options: &BenchOptions,
    benchmarks: &[Benchmark],
    subjects: &[Subject],
    images: &[(Kernel, PathBuf)],
) -> Result<Results> {
    let needs_rounds = benchmarks
        .iter()
        .any(|benchmark| matches!(benchmark, Benchmark::Boot(_)));
    let samples = if needs_rounds {
        rounds::run(subjects, options.rounds)?
    } else {
        Samples::new()
    };
    let mut searches = Vec::new();
    if benchmarks.contains(&Benchmark::SmallestMemory) {
        for subject in subjects {
            searches.push(memory_search::search(subject.kernel, &subject.boot)?);
        }
    }
    let benchmark_rows = benchmarks
        .iter()
        .map(|&benchmark| row(benchmark, options.rounds, &samples, &searches))
        .collect();
    let linux_kernel = images
        .iter()
        .find(|(kernel, _)| *kernel == Kernel::Linux)
        .and_then(|(_, image)| image.file_name())
        .map(|name| name.to_string_lossy().into_owned());
    Ok(Results {
        environment: Environment::of_this_host(),
        rounds: options.rounds,
        machine: "q35",
        memory_mib: DEFAULT_MEMORY_MIB,
        command_line: markers::COMMAND_LINE,
        loam_profile: "release",
        linux_kernel,
        benchmarks: benchmark_rows,
        memory_searches: searches,
    })
}

/// One benchmark's row from the samples and searches; a kernel with neither was skipped.
fn row(benchmark: Benchmark, rounds: u32, samples: &Samples, searches: &[MemorySearch]) -> Row {
    let was_run = |kernel: Kernel| match benchmark {
        Benchmark::Boot(_) => samples.keys().any(|(sampled, _)| *sampled == kernel),
        Benchmark::SmallestMemory => searches.iter().any(|search| search.kernel == kernel),
    };
    let outcome = |kernel: Kernel| {
        let values: Vec<f64> = match benchmark {
            Benchmark::Boot(figure) => samples.get(&(kernel, figure)).cloned().unwrap_or_default(),
            Benchmark::SmallestMemory => searches
                .iter()
                .filter(|search| search.kernel == kernel)
                .filter_map(|search| search.smallest_mib)
                .map(f64::from)
                .collect(),
        };
        match Summary::of(&values) {
            Some(summary) => Outcome::Measured(summary),
            None if was_run(kernel) => Outcome::NotSupported,
            None => Outcome::Skipped,
        }
    };
    let expected_samples = match benchmark {
        Benchmark::Boot(_) => usize::try_from(rounds).unwrap_or(usize::MAX),
        Benchmark::SmallestMemory => 1,
    };
    Row::new(
        benchmark,
        expected_samples,
        outcome(Kernel::Loam),
        outcome(Kernel::Linux),
    )
}

/// The bench's `/init`: the marker is its first output; then it powers off at once.
fn init_script() -> String {
    format!(
        "#!/bin/busybox sh\n\
         # The bench's /init (generated by `cargo xtask bench`).\n\
         echo '{}'\n\
         exec /bin/busybox poweroff -f\n",
        markers::INIT_MARKER
    )
}

/// Writes the busybox initramfs with the bench's `/init`, and returns its path.
fn write_initramfs() -> Result<PathBuf> {
    let path = workspace::generated_directory()?.join("bench.cpio.gz");
    initramfs::write_gzip(initramfs::busybox_system(&init_script())?, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::markers::BootFigure;

    #[test]
    fn init_prints_the_marker_first_then_powers_off() {
        let script = init_script();
        let commands: Vec<&str> = script
            .lines()
            .filter(|line| !line.starts_with('#'))
            .collect();
        assert_eq!(
            commands,
            [
                "echo 'bench: init started'",
                "exec /bin/busybox poweroff -f"
            ]
        );
    }

    #[test]
    fn a_figure_loam_never_reached_is_not_supported_and_skipped_linux_is_skipped() {
        let samples = Samples::from([
            ((Kernel::Loam, BootFigure::FirstKernelLine), vec![5.0, 6.0]),
            ((Kernel::Loam, BootFigure::KernelInitialised), vec![9.0]),
        ]);
        let initialised = row(
            Benchmark::Boot(BootFigure::KernelInitialised),
            2,
            &samples,
            &[],
        );
        assert_eq!(initialised.expected_samples, 2);
        assert!(matches!(initialised.loam, Outcome::Measured(_)));
        assert_eq!(initialised.linux, Outcome::Skipped);
        let init_output = row(
            Benchmark::Boot(BootFigure::FirstInitOutput),
            2,
            &samples,
            &[],
        );
        assert_eq!(init_output.loam, Outcome::NotSupported);
    }

    #[test]
    fn memory_rows_come_from_the_searches() {
        let search = |kernel, smallest_mib| MemorySearch {
            kernel,
            goal: Some(BootFigure::KernelInitialised),
            smallest_mib,
            probes: Vec::new(),
        };
        let searches = [search(Kernel::Loam, Some(12)), search(Kernel::Linux, None)];
        let memory = row(Benchmark::SmallestMemory, 5, &Samples::new(), &searches);
        let Outcome::Measured(loam) = &memory.loam else {
            panic!("Loam's search found a size: {:?}", memory.loam);
        };
        assert_eq!(loam.median, 12.0);
        assert_eq!(memory.linux, Outcome::NotSupported);
        assert_eq!(memory.ratio, None);
    }
}
