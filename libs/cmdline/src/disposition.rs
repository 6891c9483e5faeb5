//! What happens to each word before the `--` separator: which part of the kernel takes it, or
//! whether it goes to init.
//!
//! The order of the checks is Linux's: `parse_args` first offers a word to the built-in
//! parameters, then `unknown_bootoption` offers it to the `__setup` and early handlers
//! (`obsolete_checksetup`), then drops it if its name contains a `.` (an unused module
//! parameter: "modprobe will find them in /proc/cmdline"), and only then hands it to init: to the
//! environment if it has an `=`, to the arguments otherwise.

use crate::{
    kernel_parameters::IGNORED_PARAMETERS, log_level::parse_log_level, word::Word, words::Words,
};

/// Prefix of Loam's own parameters. They contain a `.`, so Linux would treat them as module
/// parameters and keep them from init too.
const LOAM_PREFIX: &str = "loam.";

/// The fate of one word before `--`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Disposition<'a> {
    /// `console=`: another console; the last one is the primary (`/dev/console`).
    Console(&'a str),
    /// `init=`: the program to run as init; also drops the init arguments seen so far.
    Init(&'a str),
    /// `rdinit=`: the program to run from the initramfs; also drops earlier init arguments.
    RamdiskInit(&'a str),
    /// `loglevel`: a new console level, or `None` when the value is malformed (ignored).
    LogLevel(Option<u8>),
    /// `quiet`, with or without a value (Linux ignores the value).
    Quiet,
    /// `debug`, with or without a value (Linux ignores the value).
    Debug,
    /// `loam.<name>[=value]`, with the prefix removed from the name.
    Loam(Word<'a>),
    /// A standard Linux parameter Loam ignores, or a module parameter (`foo.bar=1`).
    Ignored,
    /// Goes to init's argument vector.
    InitArgument(Word<'a>),
    /// Goes to init's environment.
    InitEnvironment(Word<'a>),
}

/// Decides what happens to `word`, a word before the `--` separator.
pub(crate) fn classify(word: Word<'_>) -> Disposition<'_> {
    let name = word.name();
    match (name, word.value()) {
        ("console", Some(value)) => return Disposition::Console(value),
        ("init", Some(value)) => return Disposition::Init(value),
        ("rdinit", Some(value)) => return Disposition::RamdiskInit(value),
        ("loglevel", value) => return Disposition::LogLevel(value.and_then(parse_log_level)),
        ("quiet", _) => return Disposition::Quiet,
        ("debug", _) => return Disposition::Debug,
        _ => {}
    }
    if is_ignored_parameter(word) {
        return Disposition::Ignored;
    }
    if let Some(loam_name) = name.strip_prefix(LOAM_PREFIX) {
        return Disposition::Loam(Word::new(loam_name, word.value()));
    }
    if name.contains('.') {
        return Disposition::Ignored;
    }
    match word.value() {
        Some(_) => Disposition::InitEnvironment(word),
        None => Disposition::InitArgument(word),
    }
}

/// The words of `section` (text before `--`) with their dispositions.
pub(crate) fn classified_words(section: &str) -> ClassifiedWords<'_> {
    Words::new(section).map(classify)
}

/// Iterator type of [`classified_words`].
pub(crate) type ClassifiedWords<'a> = core::iter::Map<Words<'a>, fn(Word<'a>) -> Disposition<'a>>;

fn is_ignored_parameter(word: Word<'_>) -> bool {
    IGNORED_PARAMETERS.iter().any(|parameter| {
        parameter.form.accepts(word.value().is_some()) && names_match(word.name(), parameter.name)
    })
}

/// Compares parameter names as Linux's `parameq` does: `-` and `_` are the same character.
pub(crate) fn names_match(first: &str, second: &str) -> bool {
    let normalize = |byte: u8| if byte == b'-' { b'_' } else { byte };
    first.len() == second.len()
        && first
            .bytes()
            .zip(second.bytes())
            .all(|(left, right)| normalize(left) == normalize(right))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disposition_of(text: &str) -> Disposition<'_> {
        classify(Words::new(text).next().unwrap())
    }

    #[test]
    fn value_parameters_need_their_equals_sign() {
        assert_eq!(
            disposition_of("console=ttyS0"),
            Disposition::Console("ttyS0")
        );
        assert_eq!(
            disposition_of("console"),
            Disposition::InitArgument(Word::new("console", None))
        );
        assert_eq!(
            disposition_of("init"),
            Disposition::InitArgument(Word::new("init", None))
        );
    }

    #[test]
    fn early_parameters_take_either_form() {
        assert_eq!(disposition_of("quiet=0"), Disposition::Quiet);
        assert_eq!(disposition_of("debug=no"), Disposition::Debug);
        assert_eq!(disposition_of("loglevel"), Disposition::LogLevel(None));
        assert_eq!(disposition_of("earlyprintk"), Disposition::Ignored);
        assert_eq!(disposition_of("earlyprintk=serial"), Disposition::Ignored);
    }

    #[test]
    fn flag_parameters_pass_their_valued_form_to_init() {
        assert_eq!(disposition_of("ro"), Disposition::Ignored);
        assert_eq!(
            disposition_of("ro=1"),
            Disposition::InitEnvironment(Word::new("ro", Some("1")))
        );
    }

    #[test]
    fn dashes_and_underscores_match_in_parameter_names() {
        assert!(names_match("BOOT-IMAGE", "BOOT_IMAGE"));
        assert!(names_match("dump_fs", "dump-fs"));
        assert!(!names_match("dumpfs", "dump-fs"));
    }

    #[test]
    fn dotted_names_are_module_parameters_unless_the_dot_is_in_the_value() {
        assert_eq!(disposition_of("printk.time=1"), Disposition::Ignored);
        assert_eq!(disposition_of("a.b"), Disposition::Ignored);
        assert_eq!(
            disposition_of("path=/a.b"),
            Disposition::InitEnvironment(Word::new("path", Some("/a.b")))
        );
        assert_eq!(
            disposition_of("loam.trace=sys"),
            Disposition::Loam(Word::new("trace", Some("sys")))
        );
    }
}
