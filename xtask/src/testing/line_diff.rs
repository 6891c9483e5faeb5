//! A small line diff for failure reports: how a test's output differs from its expectation.
//!
//! Lines only in the expectation start with `-`, lines only in the output with `+`, and shared
//! lines with two spaces; long runs of shared lines are elided. A last line without a newline is
//! marked, since that is a difference too.

const CONTEXT_LINES: usize = 2;
const MAXIMUM_RENDERED_LINES: usize = 60;
/// Beyond this many cells the comparison table is not built and the whole texts are shown.
const MAXIMUM_TABLE_CELLS: usize = 4_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The diff of `expected` against `actual`, ready to print.
pub fn render(expected: &str, actual: &str) -> String {
    let changes = diff_lines(expected, actual);
    let mut rendered = Vec::new();
    let mut elided = false;
    for (index, change) in changes.iter().enumerate() {
        let (prefix, line) = match change {
            Change::Same(line) => ("  ", line),
            Change::Removed(line) => ("- ", line),
            Change::Added(line) => ("+ ", line),
        };
        if matches!(change, Change::Same(_)) && !is_near_a_change(&changes, index) {
            if !elided {
                rendered.push("  ...".to_owned());
            }
            elided = true;
            continue;
        }
        elided = false;
        rendered.push(format_line(prefix, line));
    }
    if rendered.len() > MAXIMUM_RENDERED_LINES {
        rendered.truncate(MAXIMUM_RENDERED_LINES);
        rendered.push("  ... (more differences)".to_owned());
    }
    rendered.join("\n")
}

fn format_line(prefix: &str, line: &str) -> String {
    match line.strip_suffix('\n') {
        Some(line) => format!("{prefix}{line}"),
        None => format!("{prefix}{line}  (no newline at the end)"),
    }
}

fn is_near_a_change(changes: &[Change], index: usize) -> bool {
    let start = index.saturating_sub(CONTEXT_LINES);
    let end = (index + CONTEXT_LINES + 1).min(changes.len());
    changes[start..end]
        .iter()
        .any(|change| !matches!(change, Change::Same(_)))
}

/// The changes that turn `expected` into `actual`, by longest common subsequence.
fn diff_lines<'a>(expected: &'a str, actual: &'a str) -> Vec<Change<'a>> {
    let old: Vec<&str> = expected.split_inclusive('\n').collect();
    let new: Vec<&str> = actual.split_inclusive('\n').collect();
    if (old.len() + 1).saturating_mul(new.len() + 1) > MAXIMUM_TABLE_CELLS {
        let removed = old.iter().map(|line| Change::Removed(line));
        return removed
            .chain(new.iter().map(|line| Change::Added(line)))
            .collect();
    }
    // common[i][j]: length of the longest common subsequence of old[i..] and new[j..].
    let mut common = vec![vec![0_usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut changes = Vec::new();
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            changes.push(Change::Same(old[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < old.len() && (j == new.len() || common[i + 1][j] >= common[i][j + 1]) {
            changes.push(Change::Removed(old[i]));
            i += 1;
        } else {
            changes.push(Change::Added(new[j]));
            j += 1;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_line_shows_both_versions_in_context() {
        let rendered = render("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(rendered, "  a\n- b\n+ B\n  c");
    }

    #[test]
    fn far_away_shared_lines_are_elided() {
        let expected = "1\n2\n3\n4\n5\n6\n7\n";
        let rendered = render(expected, "1\n2\n3\n4\n5\n6\n7\n8\n");
        assert_eq!(rendered, "  ...\n  6\n  7\n+ 8");
    }

    #[test]
    fn missing_final_newline_is_a_visible_difference() {
        let rendered = render("done\n", "done");
        assert_eq!(rendered, "- done\n+ done  (no newline at the end)");
    }

    #[test]
    fn insertions_and_deletions_keep_shared_lines() {
        let changes = diff_lines("x\ny\nz\n", "y\nz\nw\n");
        assert_eq!(
            changes,
            [
                Change::Removed("x\n"),
                Change::Same("y\n"),
                Change::Same("z\n"),
                Change::Added("w\n"),
            ]
        );
    }
}
