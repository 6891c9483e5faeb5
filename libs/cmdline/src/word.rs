//! One parameter of the command line: a name and an optional value, quotes already removed.

use core::fmt;

/// A word of the command line as Linux's `next_arg` splits it: `name` or `name=value`.
///
/// Linux removes a pair of quotes around the whole word (`"a b"`) or around the value
/// (`foo="a b"`), and then hands init the rejoined string (`foo=a b`). Because that string is not
/// one contiguous slice of the input, a word keeps the name and the value apart; `Display`
/// writes the joined form and [`pieces`](Self::pieces) gives it as slices to copy.
/// Quotes anywhere else stay as they are: Linux has no escapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    name: &'a str,
    value: Option<&'a str>,
}

impl<'a> Word<'a> {
    /// A word with `name` and, if given, `value`.
    pub const fn new(name: &'a str, value: Option<&'a str>) -> Self {
        Self { name, value }
    }

    /// Everything before the first `=` (or the whole word when there is none).
    pub const fn name(&self) -> &'a str {
        self.name
    }

    /// Everything after the first `=`, or `None` when the word has no `=`.
    pub const fn value(&self) -> Option<&'a str> {
        self.value
    }

    /// The joined string as three slices: the name, then `"="` and the value if there is one
    /// (empty slices otherwise). Copying them in order gives what init receives.
    pub fn pieces(&self) -> [&'a str; 3] {
        match self.value {
            Some(value) => [self.name, "=", value],
            None => [self.name, "", ""],
        }
    }

    /// Length in bytes of the joined string.
    pub fn len(&self) -> usize {
        self.pieces().iter().map(|piece| piece.len()).sum()
    }

    /// Whether the joined string is empty (Linux passes a lone `""` on as an empty argument).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is the `--` that separates kernel parameters from init's arguments. Linux
    /// tests the word after quote removal, so `"--"` separates too, but `--=x` does not.
    pub(crate) fn is_separator(&self) -> bool {
        self.value.is_none() && self.name == "--"
    }
}

impl fmt::Display for Word<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces()
            .iter()
            .try_for_each(|piece| formatter.write_str(piece))
    }
}

/// Compares the joined string with `text`, without building it.
impl PartialEq<str> for Word<'_> {
    fn eq(&self, text: &str) -> bool {
        let mut rest = text;
        self.pieces()
            .iter()
            .all(|piece| match rest.strip_prefix(piece) {
                Some(after) => {
                    rest = after;
                    true
                }
                None => false,
            })
            && rest.is_empty()
    }
}

impl PartialEq<&str> for Word<'_> {
    fn eq(&self, text: &&str) -> bool {
        *self == **text
    }
}
