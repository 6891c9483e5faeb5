//! Where results go: stdout, `target/bench-results/<date>/` (JSON and Markdown), and the
//! latest-table section of `docs/performance.md`.
//!
//! The results folder is under `target/`, which git ignores; the document is refreshed only by a
//! complete run (every benchmark, both kernels), so a quick `--filter` or `--loam-only` run never
//! replaces the table that later issues quote.

use std::{fs, path::PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use super::{
    environment::Environment,
    memory_search::MemorySearch,
    report::{self, Row},
};
use crate::workspace;

/// The comment lines between which `docs/performance.md` holds the latest table.
const SECTION_BEGIN: &str = "<!-- bench: latest results begin -->";
const SECTION_END: &str = "<!-- bench: latest results end -->";

/// Everything one run measured, and under which conditions.
#[derive(Serialize)]
pub struct Results {
    pub environment: Environment,
    pub rounds: u32,
    pub machine: &'static str,
    pub memory_mib: u32,
    pub command_line: &'static str,
    pub loam_profile: &'static str,
    /// The Linux kernel image's file name (`vmlinuz-<version>`), absent with `--loam-only`.
    pub linux_kernel: Option<String>,
    pub benchmarks: Vec<Row>,
    pub memory_searches: Vec<MemorySearch>,
}

impl Results {
    /// A paragraph on the conditions, then the table.
    pub fn markdown(&self) -> String {
        let environment = &self.environment;
        let linux = self.linux_kernel.as_deref().unwrap_or("not run");
        format!(
            "Measured {date} on {cpu} ({cores} host cores) with {qemu}, accelerator {accelerator}, \
             `-machine {machine} -m {memory}M -cpu max`, command line `{command_line}`, \
             {rounds} rounds. Loam {commit} ({profile}); Linux {linux}.\n\n{table}",
            date = environment.date,
            cpu = environment.host_cpu,
            cores = environment.host_cores,
            qemu = environment.qemu_version,
            accelerator = environment.accelerator.to_uppercase(),
            machine = self.machine,
            memory = self.memory_mib,
            command_line = self.command_line,
            rounds = self.rounds,
            commit = environment.loam_commit,
            profile = self.loam_profile,
            table = report::markdown_table(&self.benchmarks),
        )
    }

    /// Writes `results.json` and `results.md` into a new dated folder, and returns the folder.
    pub fn write_folder(&self) -> Result<PathBuf> {
        let folder = workspace::target_directory()
            .join("bench-results")
            .join(self.environment.directory_name());
        fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
        let json = serde_json::to_string_pretty(self)? + "\n";
        fs::write(folder.join("results.json"), json)
            .with_context(|| format!("writing {}/results.json", folder.display()))?;
        fs::write(folder.join("results.md"), self.markdown())
            .with_context(|| format!("writing {}/results.md", folder.display()))?;
        Ok(folder)
    }

    /// Replaces the latest-results section of `docs/performance.md`; returns the document's path.
    pub fn refresh_document(&self) -> Result<PathBuf> {
        let path = workspace::root().join("docs").join("performance.md");
        let document =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let refreshed = with_section_replaced(&document, &self.markdown()).with_context(|| {
            format!(
                "{} has no `{SECTION_BEGIN}` ... `{SECTION_END}` section",
                path.display()
            )
        })?;
        fs::write(&path, refreshed).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

/// The document with the text between the section's comment lines replaced by `section`;
/// `None` when the comments are missing or out of order.
fn with_section_replaced(document: &str, section: &str) -> Option<String> {
    let begin = document.find(SECTION_BEGIN)?;
    let after_begin = begin.checked_add(SECTION_BEGIN.len())?;
    let end = after_begin.checked_add(document.get(after_begin..)?.find(SECTION_END)?)?;
    Some(format!(
        "{}\n\n{}\n\n{}",
        document.get(..after_begin)?,
        section.trim_end(),
        document.get(end..)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_between_the_comments_is_replaced() {
        let document = format!(
            "# Performance\n\nintro\n\n{SECTION_BEGIN}\n\nold table\n\n{SECTION_END}\n\nmore\n"
        );
        let refreshed = with_section_replaced(&document, "new table\n").expect("a section");
        let expected = format!(
            "# Performance\n\nintro\n\n{SECTION_BEGIN}\n\nnew table\n\n{SECTION_END}\n\nmore\n"
        );
        assert_eq!(refreshed, expected);
        let again = with_section_replaced(&refreshed, "new table\n").expect("a section");
        assert_eq!(again, refreshed, "refreshing twice changes nothing more");
    }

    #[test]
    fn a_document_without_the_section_is_left_alone() {
        assert_eq!(with_section_replaced("# Performance\n", "table"), None);
        let reversed = format!("{SECTION_END}\n{SECTION_BEGIN}\n");
        assert_eq!(with_section_replaced(&reversed, "table"), None);
    }
}
