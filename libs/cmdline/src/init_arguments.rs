//! Init's arguments after `argv[0]`: unclaimed bare words before `--`, then the words after it.
//!
//! Two Linux rules shape this (`init/main.c`):
//! - `init_setup` and `rdinit_setup` empty the argument vector, so only bare words after the last
//!   `init=` or `rdinit=` survive. The comment there explains why: LILO prepended `auto` to the
//!   command line, which the shell would take for a script name.
//! - The words after `--` go through the same word splitting (quotes are removed), all become
//!   arguments, even `name=value` ones and kernel parameters, and a second `--` ends them: Linux
//!   parses that part with `parse_args`, which stops at `--`, and drops what follows.

use crate::{
    disposition::{ClassifiedWords, Disposition, classified_words},
    word::Word,
    words::Words,
};

/// Iterator over init's arguments, `argv[0]` (the init path) excluded.
#[derive(Clone, Debug)]
pub struct InitArguments<'a> {
    kernel_words: ClassifiedWords<'a>,
    init_words: Words<'a>,
}

impl<'a> InitArguments<'a> {
    /// Iterates over the bare words of `arguments_section` (the text before `--` that follows
    /// the last `init=` or `rdinit=`), then over the words of `init_section` (after `--`).
    pub(crate) fn new(arguments_section: &'a str, init_section: &'a str) -> Self {
        Self {
            kernel_words: classified_words(arguments_section),
            init_words: Words::new(init_section),
        }
    }
}

impl<'a> Iterator for InitArguments<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        for disposition in self.kernel_words.by_ref() {
            if let Disposition::InitArgument(word) = disposition {
                return Some(word);
            }
        }
        let word = self.init_words.next()?;
        if word.is_separator() {
            self.init_words = Words::new("");
            return None;
        }
        Some(word)
    }
}
