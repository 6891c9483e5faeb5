//! Splitting the command line into words, following Linux's `next_arg` (`lib/cmdline.c`).
//!
//! Words are separated by whitespace. A double quote toggles "inside quotes", where whitespace
//! does not split, and may open anywhere in a word. Only two quote pairs are removed: one that
//! opens the word (and the matching last character), and one that opens the value right after
//! the first `=` (and the last character, if it is a quote). The first `=` splits name from value,
//! even inside quotes, except an `=` that is the word's first character, which Linux's `next_arg`
//! cannot record (it uses index 0 to mean "no `=`").
//!
//! Departure: Linux's `isspace` also counts byte 0xA0 (Latin-1 no-break space) as whitespace.
//! Loam's command line is UTF-8, where that byte only occurs inside multi-byte characters, so only
//! ASCII whitespace splits words here.

use crate::word::Word;

/// Iterator over the words of a command line (or of one part of it).
#[derive(Clone, Debug)]
pub(crate) struct Words<'a> {
    rest: &'a str,
}

impl<'a> Words<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            rest: skip_whitespace(text),
        }
    }

    /// The text not yet split, starting at the next word (leading whitespace already skipped).
    pub(crate) fn remainder(&self) -> &'a str {
        self.rest
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let (word, rest) = split_first_word(self.rest);
        self.rest = skip_whitespace(rest);
        Some(word)
    }
}

/// Linux's `isspace` over ASCII: space, tab, newline, vertical tab, form feed, carriage return.
fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn skip_whitespace(text: &str) -> &str {
    text.trim_start_matches(|character: char| u8::try_from(character).is_ok_and(is_whitespace))
}

/// Where the first word of a non-empty `text` lies: the byte offsets `next_arg` works out.
struct WordBounds {
    /// Whether the word opens with a quote, which is then skipped.
    is_quoted: bool,
    /// Offset of the first byte after an opening quote, else 0.
    body_start: usize,
    /// Offset of the first `=` after `body_start`, if any.
    equals: Option<usize>,
    /// Offset of the whitespace that ends the word, or the text's length.
    end: usize,
}

fn find_word_bounds(text: &str) -> WordBounds {
    let bytes = text.as_bytes();
    let is_quoted = bytes.first() == Some(&b'"');
    let body_start = usize::from(is_quoted);
    let mut is_inside_quotes = is_quoted;
    let mut equals = None;
    let mut end = body_start;
    while let Some(&byte) = bytes.get(end) {
        if is_whitespace(byte) && !is_inside_quotes {
            break;
        }
        if byte == b'=' && equals.is_none() && end > body_start {
            equals = Some(end);
        }
        if byte == b'"' {
            is_inside_quotes = !is_inside_quotes;
        }
        end += 1;
    }
    WordBounds {
        is_quoted,
        body_start,
        equals,
        end,
    }
}

/// Splits the first word off a non-empty `text` that starts with a non-whitespace character;
/// returns the word and the text after it.
fn split_first_word(text: &str) -> (Word<'_>, &str) {
    let bounds = find_word_bounds(text);
    let WordBounds {
        is_quoted,
        body_start,
        end,
        ..
    } = bounds;
    let has_closing_quote = end > body_start && text.as_bytes()[end - 1] == b'"';
    let word = match bounds.equals {
        None => {
            let name_end = end - usize::from(is_quoted && has_closing_quote);
            Word::new(&text[body_start..name_end], None)
        }
        Some(equals) => {
            let mut value_start = equals + 1;
            let is_value_quoted = text.as_bytes().get(value_start) == Some(&b'"');
            value_start += usize::from(is_value_quoted);
            let strip = usize::from((is_quoted || is_value_quoted) && has_closing_quote);
            let value_end = (end - strip).max(value_start);
            let value = &text[value_start..value_end];
            Word::new(&text[body_start..equals], Some(value))
        }
    };
    (word, &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (&str, Option<&str>) {
        let word = Words::new(text).next().unwrap();
        (word.name(), word.value())
    }

    #[test]
    fn plain_words_split_on_any_ascii_whitespace() {
        let words: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
        let found = Words::new(" a\tb\nc\x0bd\x0ce\rf  ");
        assert!(found.map(|word| word.name()).eq(words));
    }

    #[test]
    fn name_and_value_split_at_the_first_equals_sign() {
        assert_eq!(split("a=b=c"), ("a", Some("b=c")));
        assert_eq!(split("a="), ("a", Some("")));
        assert_eq!(split("a"), ("a", None));
    }

    #[test]
    fn leading_equals_sign_is_not_a_separator() {
        assert_eq!(split("=foo"), ("=foo", None));
        assert_eq!(split("=a=b"), ("=a", Some("b")));
        assert_eq!(split("\"=x\""), ("=x", None));
    }

    #[test]
    fn quotes_around_the_value_are_removed() {
        assert_eq!(split("foo=\"a b\" next"), ("foo", Some("a b")));
        assert_eq!(split("foo=\"a b\"c"), ("foo", Some("a b\"c")));
        assert_eq!(split("foo=\""), ("foo", Some("")));
        assert_eq!(split("foo=\"\""), ("foo", Some("")));
    }

    #[test]
    fn quotes_around_the_word_are_removed() {
        assert_eq!(split("\"a b\" c"), ("a b", None));
        assert_eq!(split("\"foo=a b\""), ("foo", Some("a b")));
        assert_eq!(split("\"\""), ("", None));
        assert_eq!(split("\""), ("", None));
        assert_eq!(split("\"a\"b"), ("a\"b", None));
    }

    #[test]
    fn quotes_in_the_middle_group_but_stay() {
        assert_eq!(split("a\"b c\"d e"), ("a\"b c\"d", None));
        assert_eq!(split("a\"b=c\""), ("a\"b", Some("c\"")));
    }

    #[test]
    fn unterminated_quote_runs_to_the_end() {
        let mut words = Words::new("x=\"a b  c");
        assert_eq!(words.next(), Some(Word::new("x", Some("a b  c"))));
        assert_eq!(words.next(), None);
    }

    #[test]
    fn remainder_starts_at_the_next_word() {
        let mut words = Words::new("  one   two ");
        assert_eq!(words.remainder(), "one   two ");
        words.next();
        assert_eq!(words.remainder(), "two ");
        words.next();
        assert_eq!(words.remainder(), "");
    }

    #[test]
    fn non_breaking_space_does_not_split() {
        assert_eq!(split("a\u{a0}b"), ("a\u{a0}b", None));
    }
}
