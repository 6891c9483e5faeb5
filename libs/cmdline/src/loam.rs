//! Loam's own parameters: `loam.<name>` and `loam.<name>=<value>`.
//!
//! They contain a `.`, so Linux would take them for parameters of a module named `loam` and keep
//! them from init; Loam does the same and hands them to whoever asks by name. Names compare like
//! Linux parameter names, with `-` and `_` interchangeable.

use crate::disposition::{ClassifiedWords, Disposition, classified_words, names_match};

/// The value of a Loam parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoamValue<'a> {
    /// Given without `=`, as a bare switch (`loam.dumpfs`).
    Flag,
    /// Given as `name=value`; the text may be empty.
    Text(&'a str),
}

impl<'a> LoamValue<'a> {
    /// The text after `=`, or `None` for a bare switch.
    pub fn text(self) -> Option<&'a str> {
        match self {
            Self::Flag => None,
            Self::Text(text) => Some(text),
        }
    }

    /// Reads the value as a boolean the way Linux's `kstrtobool` does: a bare switch is true;
    /// text starting `y`, `t` or `1` (any case) is true, `n`, `f` or `0` is false, `on` is true
    /// and `off` false; anything else is `None`.
    pub fn as_bool(self) -> Option<bool> {
        let Self::Text(text) = self else {
            return Some(true);
        };
        match text.as_bytes() {
            [b'y' | b'Y' | b't' | b'T' | b'1', ..] => Some(true),
            [b'n' | b'N' | b'f' | b'F' | b'0', ..] => Some(false),
            [b'o' | b'O', b'n' | b'N', ..] => Some(true),
            [b'o' | b'O', b'f' | b'F', ..] => Some(false),
            _ => None,
        }
    }
}

/// Iterator over Loam's parameters before `--`, in order, as `(name, value)` with the `loam.`
/// prefix removed and `value` `None` for a bare switch.
#[derive(Clone, Debug)]
pub struct LoamParameters<'a> {
    words: ClassifiedWords<'a>,
}

impl<'a> LoamParameters<'a> {
    pub(crate) fn new(kernel_section: &'a str) -> Self {
        Self {
            words: classified_words(kernel_section),
        }
    }

    /// The value of the last parameter called `name` (without the `loam.` prefix).
    pub(crate) fn find_last(self, name: &str) -> Option<LoamValue<'a>> {
        self.filter(|(candidate, _)| names_match(candidate, name))
            .last()
            .map(|(_, value)| value.map_or(LoamValue::Flag, LoamValue::Text))
    }
}

impl<'a> Iterator for LoamParameters<'a> {
    type Item = (&'a str, Option<&'a str>);

    fn next(&mut self) -> Option<Self::Item> {
        self.words.find_map(|disposition| match disposition {
            Disposition::Loam(word) => Some((word.name(), word.value())),
            _ => None,
        })
    }
}
