//! Randomized robustness tests: arbitrary strings never panic and keep basic properties.

use std::collections::HashSet;

use cmdline::{CommandLine, MAX_INIT_ARGUMENTS, MAX_INIT_ENVIRONMENT, Word};

/// A tiny deterministic pseudo-random generator (xorshift64*), so failures reproduce by seed.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// Fragments that exercise the parser's special cases when glued together at random.
const FRAGMENTS: &[&str] = &[
    " ",
    " ",
    "\t",
    "\n",
    "\"",
    "\"",
    "=",
    "=",
    "--",
    "-",
    ".",
    "a",
    "b",
    "x",
    "0x1f",
    "7",
    "\0",
    "é",
    "\u{a0}",
    "console",
    "init",
    "rdinit",
    "loglevel",
    "quiet",
    "debug",
    "loam.",
    "root",
    "ro",
    "HOME",
    "TERM",
    "panic",
    "BOOT_IMAGE",
    "_",
    ",",
];

/// A string of random fragments, or of random bytes made valid UTF-8.
fn random_line(random: &mut Xorshift) -> String {
    let length = random.below(80);
    if random.below(4) == 0 {
        let bytes: Vec<u8> = (0..length).map(|_| random.next() as u8).collect();
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    (0..length)
        .map(|_| FRAGMENTS[random.below(FRAGMENTS.len())])
        .collect()
}

/// Whether `piece` is a slice of `line` (not merely equal to some part of it).
fn is_slice_of(piece: &str, line: &str) -> bool {
    let line_range = line.as_ptr() as usize..=line.as_ptr() as usize + line.len();
    let start = piece.as_ptr() as usize;
    piece.is_empty() || (line_range.contains(&start) && line_range.contains(&(start + piece.len())))
}

fn check_word(word: Word<'_>, line: &str) {
    assert_eq!(word.to_string(), word.pieces().concat());
    assert_eq!(word.len(), word.to_string().len());
    assert_eq!(word, word.to_string().as_str());
    assert!(is_slice_of(word.name(), line), "{word:?} in {line:?}");
    assert!(word.value().is_none_or(|value| is_slice_of(value, line)));
}

fn check_line(line: &str) {
    let command_line = CommandLine::parse(line);
    let arguments: Vec<_> = command_line.init_arguments().collect();
    let environment: Vec<_> = command_line.init_environment().collect();
    for word in arguments.iter().chain(&environment) {
        if !matches!(word.to_string().as_str(), "HOME=/" | "TERM=linux") {
            check_word(*word, line);
        }
        assert!(
            word.name() != "--" || word.value().is_some(),
            "separator leaked"
        );
    }
    let names: HashSet<_> = environment.iter().map(|word| word.name()).collect();
    assert_eq!(
        names.len(),
        environment.len(),
        "duplicate variable in {line:?}"
    );
    assert_eq!(environment[0].name(), "HOME");
    assert_eq!(environment[1].name(), "TERM");
    if !command_line.is_over_limit() {
        assert!(arguments.len() <= MAX_INIT_ARGUMENTS);
        assert!(environment.len() <= MAX_INIT_ENVIRONMENT + 1);
    }
    assert_eq!(command_line.consoles().last(), command_line.console());
    let _ = (
        command_line.init(),
        command_line.rdinit(),
        command_line.loglevel(),
    );
    for (name, _) in command_line.loam_parameters() {
        assert!(command_line.loam_parameter(name).is_some());
    }
}

#[test]
fn arbitrary_strings_never_panic_and_yield_slices_of_the_input() {
    let mut random = Xorshift(0x5eed_1234_abcd_ef01);
    for _ in 0..20_000 {
        check_line(&random_line(&mut random));
    }
}

#[test]
fn every_short_string_over_a_small_alphabet_parses() {
    const ALPHABET: [char; 6] = [' ', '"', '=', '-', '.', 'a'];
    for length in 0..=6u32 {
        for mut code in 0..ALPHABET.len().pow(length) {
            let line: String = (0..length)
                .map(|_| {
                    let character = ALPHABET[code % ALPHABET.len()];
                    code /= ALPHABET.len();
                    character
                })
                .collect();
            check_line(&line);
        }
    }
}

#[test]
fn long_lines_with_many_words_stay_consistent() {
    let mut random = Xorshift(42);
    for _ in 0..20 {
        let line: String = (0..2000)
            .map(|_| FRAGMENTS[random.below(FRAGMENTS.len())])
            .collect();
        check_line(&line);
    }
}
