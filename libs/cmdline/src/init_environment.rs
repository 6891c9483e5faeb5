//! The environment init starts with: Linux's two defaults, then the command line's assignments.
//!
//! Linux starts `envp_init` as `HOME=/`, `TERM=linux`, and appends each `name=value` word before
//! `--` that no kernel handler consumed. A word naming a variable already present replaces that
//! entry in place (`unknown_bootoption` compares `name=`), so the order is that of first
//! appearance and the value is the last one given; a command line can override `HOME` and `TERM`.

use crate::{
    disposition::{Disposition, classified_words, classify},
    word::Word,
    words::Words,
};

/// The environment Linux gives init before the command line adds to it.
pub const DEFAULT_INIT_ENVIRONMENT: [Word<'static>; 2] = [
    Word::new("HOME", Some("/")),
    Word::new("TERM", Some("linux")),
];

/// Iterator over init's environment, defaults included, as Linux builds it.
///
/// Each step re-scans the command line to find replacements, so a full iteration costs
/// O(words²); command lines are short (Linux's `COMMAND_LINE_SIZE` is 2 KiB on x86).
#[derive(Clone, Debug)]
pub struct InitEnvironment<'a> {
    kernel_section: &'a str,
    next_default: usize,
    words: Words<'a>,
}

impl<'a> InitEnvironment<'a> {
    /// Iterates over the environment set by `kernel_section`, the text before `--`.
    pub(crate) fn new(kernel_section: &'a str) -> Self {
        Self {
            kernel_section,
            next_default: 0,
            words: Words::new(kernel_section),
        }
    }
}

impl<'a> Iterator for InitEnvironment<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        if let Some(default) = DEFAULT_INIT_ENVIRONMENT.get(self.next_default) {
            self.next_default += 1;
            let replacement = last_assignment(self.kernel_section, default.name());
            return Some(replacement.unwrap_or(*default));
        }
        loop {
            let word_start = self.kernel_section.len() - self.words.remainder().len();
            let Disposition::InitEnvironment(word) = classify(self.words.next()?) else {
                continue;
            };
            let earlier = &self.kernel_section[..word_start];
            if is_default_name(word.name()) || last_assignment(earlier, word.name()).is_some() {
                continue;
            }
            let replacement = last_assignment(self.words.remainder(), word.name());
            return Some(replacement.unwrap_or(word));
        }
    }
}

fn is_default_name(name: &str) -> bool {
    DEFAULT_INIT_ENVIRONMENT
        .iter()
        .any(|default| default.name() == name)
}

/// The last environment word of `section` that assigns `name`.
fn last_assignment<'a>(section: &'a str, name: &str) -> Option<Word<'a>> {
    classified_words(section)
        .filter_map(|disposition| match disposition {
            Disposition::InitEnvironment(word) if word.name() == name => Some(word),
            _ => None,
        })
        .last()
}
