//! Linux's caps on init's arguments and environment, and the error for exceeding them.
//!
//! Linux keeps init's argument and environment vectors in fixed arrays (`argv_init`,
//! `envp_init` in `init/main.c`) sized by `CONFIG_INIT_ENV_ARG_LIMIT` (32). It does not truncate:
//! the word that does not fit sets `panic_later`, later words are ignored, and `start_kernel`
//! panics with "Too many boot init vars at `word'" or "Too many boot env vars at `word'".
//! This crate never truncates either: the iterators yield every word, and
//! [`CommandLine::check_init_limits`](crate::CommandLine::check_init_limits) reports the word
//! Linux would have panicked at, so the kernel can do the same.
//!
//! The exact thresholds follow Linux's loops, which test the index of each slot they walk past:
//! - arguments: `argv[0]` plus 32 words fit; the 33rd word overflows. An `init=` or `rdinit=`
//!   empties the vector again (but an overflow already seen stays).
//! - environment: `HOME=/` and `TERM=linux` plus 31 more names fit; the 32nd new name overflows.
//!   A word naming a variable already present replaces it in place, and overflows only if that
//!   variable sits in slot 32 or later.

use core::fmt;

use crate::{
    disposition::{Disposition, classified_words},
    init_environment::DEFAULT_INIT_ENVIRONMENT,
    word::Word,
    words::Words,
};

/// Linux's `MAX_INIT_ARGS`: slots for init's arguments, besides `argv[0]` (see the module
/// documentation for the exact threshold).
pub const MAX_INIT_ARGUMENTS: usize = 32;

/// Linux's `MAX_INIT_ENVS`: slots for init's environment (see the module documentation for the
/// exact threshold).
pub const MAX_INIT_ENVIRONMENT: usize = 32;

/// Which of init's vectors overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitVariableKind {
    /// The argument vector (Linux's "init vars").
    Arguments,
    /// The environment (Linux's "env vars").
    Environment,
}

/// The command line gives init more arguments or environment variables than Linux accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooManyInitVariables<'a> {
    /// Which vector overflowed.
    pub kind: InitVariableKind,
    /// The first word that did not fit (Linux's `panic_param`).
    pub word: Word<'a>,
}

/// Writes Linux's panic message.
impl fmt::Display for TooManyInitVariables<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            InitVariableKind::Arguments => "init",
            InitVariableKind::Environment => "env",
        };
        write!(formatter, "Too many boot {kind} vars at `{}'", self.word)
    }
}

/// Replays Linux's filling of `argv_init` and `envp_init`, stopping at the first overflow.
pub(crate) fn check_limits<'a>(kernel_section: &'a str, init_section: &'a str) -> Fit<'a> {
    let mut vectors = InitVectors::new();
    for disposition in classified_words(kernel_section) {
        match disposition {
            Disposition::Init(_) | Disposition::RamdiskInit(_) => vectors.argument_entries = 1,
            Disposition::InitArgument(word) => vectors.add_argument(word)?,
            Disposition::InitEnvironment(word) => vectors.set_environment(word)?,
            _ => {}
        }
    }
    for word in Words::new(init_section).take_while(|word| !word.is_separator()) {
        vectors.add_argument(word)?;
    }
    Ok(())
}

/// How full Linux's vectors are; the environment's names are kept to spot replacements.
struct InitVectors<'a> {
    /// Entries of `argv_init`, `argv[0]` included.
    argument_entries: usize,
    environment_names: [&'a str; MAX_INIT_ENVIRONMENT + 1],
    environment_entries: usize,
}

/// Whether the words so far fit, or the first overflow.
pub(crate) type Fit<'a> = Result<(), TooManyInitVariables<'a>>;

impl<'a> InitVectors<'a> {
    fn new() -> Self {
        let mut environment_names = [""; MAX_INIT_ENVIRONMENT + 1];
        for (slot, default) in environment_names.iter_mut().zip(DEFAULT_INIT_ENVIRONMENT) {
            *slot = default.name();
        }
        Self {
            argument_entries: 1,
            environment_names,
            environment_entries: DEFAULT_INIT_ENVIRONMENT.len(),
        }
    }

    fn add_argument(&mut self, word: Word<'a>) -> Fit<'a> {
        // Linux walks every filled slot and fails on reaching slot MAX_INIT_ARGS.
        if self.argument_entries > MAX_INIT_ARGUMENTS {
            return Err(overflow(InitVariableKind::Arguments, word));
        }
        self.argument_entries += 1;
        Ok(())
    }

    fn set_environment(&mut self, word: Word<'a>) -> Fit<'a> {
        let filled = &self.environment_names[..self.environment_entries];
        let existing = filled.iter().position(|name| *name == word.name());
        // Linux walks up to the matching slot, or past every filled one, and fails on
        // reaching slot MAX_INIT_ENVS.
        let last_walked = existing.unwrap_or(self.environment_entries - 1);
        if last_walked >= MAX_INIT_ENVIRONMENT {
            return Err(overflow(InitVariableKind::Environment, word));
        }
        if existing.is_none() {
            self.environment_names[self.environment_entries] = word.name();
            self.environment_entries += 1;
        }
        Ok(())
    }
}

fn overflow(kind: InitVariableKind, word: Word<'_>) -> TooManyInitVariables<'_> {
    TooManyInitVariables { kind, word }
}
