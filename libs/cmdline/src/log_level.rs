//! The console log level set by `loglevel=`, `quiet` and `debug`.
//!
//! Linux's `loglevel()` (`init/main.c`) reads the value with `get_option` (`lib/cmdline.c`): an
//! optional `-`, then digits in C's base-0 convention (`0x` hexadecimal, a leading `0` octal,
//! otherwise decimal), ignoring whatever follows the digits. A value with no digits leaves the
//! level unchanged. Linux keeps an `int`; this crate clamps it to `0..=255`, which prints the
//! same messages, because a message is shown when its level (0 to 7) is below the console level.

/// Console log level set by `quiet` (Linux's default `CONSOLE_LOGLEVEL_QUIET`).
pub const QUIET_LOG_LEVEL: u8 = 4;

/// Console log level set by `debug` (Linux's `CONSOLE_LOGLEVEL_DEBUG`).
pub const DEBUG_LOG_LEVEL: u8 = 10;

/// Parses a `loglevel=` value as Linux does, or `None` when Linux would ignore it.
pub(crate) fn parse_log_level(text: &str) -> Option<u8> {
    let (is_negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (radix, digits) = split_radix(unsigned);
    let mut magnitude: u64 = 0;
    let mut digit_count = 0;
    for digit in digits
        .chars()
        .map_while(|character| character.to_digit(radix))
    {
        magnitude = magnitude
            .wrapping_mul(u64::from(radix))
            .wrapping_add(u64::from(digit));
        digit_count += 1;
    }
    if digit_count == 0 {
        return None;
    }
    let wrapped = if is_negative {
        magnitude.wrapping_neg()
    } else {
        magnitude
    };
    // C converts the unsigned long long to int by keeping the low 32 bits.
    let level = wrapped as u32 as i32;
    Some(level.clamp(0, i32::from(u8::MAX)) as u8)
}

/// Picks the radix the way Linux's `_parse_integer_fixup_radix` does for base 0. A leading `0`
/// not followed by `x` and a hexadecimal digit selects octal and is itself parsed as a digit.
fn split_radix(text: &str) -> (u32, &str) {
    let bytes = text.as_bytes();
    match bytes {
        [b'0', b'x' | b'X', digit, ..] if digit.is_ascii_hexdigit() => (16, &text[2..]),
        [b'0', ..] => (8, text),
        _ => (10, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_levels_parse() {
        assert_eq!(parse_log_level("0"), Some(0));
        assert_eq!(parse_log_level("7"), Some(7));
        assert_eq!(parse_log_level("15"), Some(15));
    }

    #[test]
    fn hexadecimal_and_octal_follow_c_conventions() {
        assert_eq!(parse_log_level("0x1f"), Some(31));
        assert_eq!(parse_log_level("0X0A"), Some(10));
        assert_eq!(parse_log_level("010"), Some(8));
        assert_eq!(parse_log_level("08"), Some(0));
        assert_eq!(parse_log_level("0x"), Some(0));
        assert_eq!(parse_log_level("0xg"), Some(0));
    }

    #[test]
    fn trailing_garbage_is_ignored() {
        assert_eq!(parse_log_level("3abc"), Some(3));
        assert_eq!(parse_log_level("5,6"), Some(5));
    }

    #[test]
    fn values_without_digits_are_rejected() {
        assert_eq!(parse_log_level(""), None);
        assert_eq!(parse_log_level("-"), None);
        assert_eq!(parse_log_level("abc"), None);
        assert_eq!(parse_log_level("+3"), None);
        assert_eq!(parse_log_level(" 3"), None);
    }

    #[test]
    fn out_of_range_levels_clamp_to_what_prints_the_same() {
        assert_eq!(parse_log_level("-1"), Some(0));
        assert_eq!(parse_log_level("300"), Some(255));
        assert_eq!(parse_log_level("4294967295"), Some(0));
        assert_eq!(parse_log_level("4294967297"), Some(1));
        // Wraps like simple_strtoull, then truncates to a negative int.
        assert_eq!(parse_log_level("99999999999999999999999"), Some(0));
    }
}
