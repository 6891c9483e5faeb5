//! Behaviour tests of `#!` parsing. Every expectation here was checked by running the same file
//! on Linux 6.18 with `/bin/echo` as the interpreter and reading what it printed.

use errno::Errno;
use exec_args::{BINPRM_BUF_SIZE, Shebang, parse_shebang};

/// Parses `bytes` and expects a script with this interpreter and argument.
fn expect_script(bytes: &[u8], interpreter: &[u8], argument: Option<&[u8]>) {
    let parsed = parse_shebang(bytes).expect("a valid #! line");
    assert_eq!(
        parsed,
        Some(Shebang {
            interpreter,
            argument
        }),
        "parsing {:?}",
        String::from_utf8_lossy(bytes)
    );
}

fn expect_error(bytes: &[u8], errno: Errno) {
    assert_eq!(parse_shebang(bytes), Err(errno), "parsing {bytes:?}");
}

#[test]
fn file_without_hash_bang_is_not_a_script() {
    assert_eq!(parse_shebang(b"\x7fELF\x02\x01\x01"), Ok(None));
    assert_eq!(parse_shebang(b"#"), Ok(None));
    assert_eq!(parse_shebang(b""), Ok(None));
    assert_eq!(parse_shebang(b" #!/bin/sh\n"), Ok(None));
}

#[test]
fn interpreter_without_argument() {
    expect_script(b"#!/bin/sh\necho hi\n", b"/bin/sh", None);
}

#[test]
fn single_argument_is_not_split_and_is_trimmed() {
    expect_script(b"#!/bin/echo  a  b \t \nrest", b"/bin/echo", Some(b"a  b"));
}

#[test]
fn leading_spaces_and_tabs_are_skipped() {
    expect_script(
        b"#!\t /bin/echo\t x \t y\t\n",
        b"/bin/echo",
        Some(b"x \t y"),
    );
}

#[test]
fn trailing_blanks_after_interpreter_give_no_argument() {
    expect_script(b"#!/bin/sh  \t \n", b"/bin/sh", None);
}

#[test]
fn short_file_without_newline_is_a_whole_line() {
    expect_script(b"#!/bin/echo", b"/bin/echo", None);
    expect_script(b"#!/bin/sh -e", b"/bin/sh", Some(b"-e"));
}

#[test]
fn carriage_return_belongs_to_the_last_word() {
    expect_script(b"#!/bin/sh\r\n", b"/bin/sh\r", None);
    expect_script(b"#!/bin/echo x\r\n", b"/bin/echo", Some(b"x\r"));
}

#[test]
fn empty_or_blank_line_names_no_interpreter() {
    expect_error(b"#!\n", Errno::ENOEXEC);
    expect_error(b"#!    \n", Errno::ENOEXEC);
    expect_error(b"#!\t\n", Errno::ENOEXEC);
}

#[test]
fn line_of_only_blanks_filling_the_buffer_is_refused() {
    let mut bytes = b"#!".to_vec();
    bytes.resize(300, b' ');
    expect_error(&bytes, Errno::ENOEXEC);
}

#[test]
fn nul_where_the_interpreter_should_start_gives_eacces() {
    // Linux opens "", which is the working directory: EACCES.
    expect_error(b"#!", Errno::EACCES);
    expect_error(b"#!   ", Errno::EACCES);
    expect_error(b"#! \0foo\n", Errno::EACCES);
    expect_error(b"#!\0/bin/echo\n", Errno::EACCES);
}

#[test]
fn nul_ends_the_interpreter_and_hides_a_later_newline() {
    // strnchr stops at the NUL, so the line runs to the buffer's end; the name stops at the NUL.
    expect_script(b"#!/bin/echo\0zz\n", b"/bin/echo", None);
}

#[test]
fn nul_ends_the_argument_without_trimming_before_it() {
    expect_script(b"#!/bin/echo ab\0cd\n", b"/bin/echo", Some(b"ab"));
    expect_script(b"#!/bin/echo ab  \0cd\n", b"/bin/echo", Some(b"ab  "));
}

#[test]
fn nul_right_after_blanks_gives_an_empty_argument() {
    expect_script(b"#!/bin/echo \0x\n", b"/bin/echo", Some(b""));
}

#[test]
fn trailing_blanks_before_end_of_short_file_stay_in_the_argument() {
    // Without a newline the line ends at byte 255, inside the zero padding, so only blanks just
    // before byte 255 would be trimmed.
    expect_script(b"#!/bin/echo a   ", b"/bin/echo", Some(b"a   "));
    expect_script(b"#!/bin/echo   ", b"/bin/echo", Some(b""));
}

#[test]
fn long_argument_is_truncated_before_the_last_buffer_byte() {
    let mut bytes = b"#!/bin/echo ".to_vec();
    bytes.resize(300, b'y');
    let expected = vec![b'y'; BINPRM_BUF_SIZE - 1 - 12];
    expect_script(&bytes, b"/bin/echo", Some(&expected));
    bytes.push(b'\n');
    expect_script(&bytes, b"/bin/echo", Some(&expected));
}

#[test]
fn long_line_of_trailing_blanks_is_trimmed_to_the_words() {
    let mut bytes = b"#!/bin/echo a".to_vec();
    bytes.resize(300, b' ');
    expect_script(&bytes, b"/bin/echo", Some(b"a"));
    let mut tabs = b"#!/bin/echo".to_vec();
    tabs.resize(261, b'\t');
    tabs.push(b'\n');
    expect_script(&tabs, b"/bin/echo", None);
}

#[test]
fn interpreter_ending_at_the_buffer_end_is_refused_as_truncated() {
    // 254 name bytes fill bytes 2..=255: no terminator inside the buffer.
    let name = [b"/".repeat(246), b"bin/echo".to_vec()].concat();
    expect_error(&[b"#!".as_slice(), &name].concat(), Errno::ENOEXEC);
    let mut longer = [b"#!".as_slice(), &name, b"\n"].concat();
    expect_error(&longer, Errno::ENOEXEC);
    longer.insert(2, b' ');
    expect_error(&longer, Errno::ENOEXEC);
}

#[test]
fn interpreter_followed_by_the_zero_padding_is_whole() {
    // 253 name bytes: byte 255 is padding (NUL), a terminator.
    let name = [b"/".repeat(245), b"bin/echo".to_vec()].concat();
    let bytes = [b"#!".as_slice(), &name].concat();
    assert_eq!(bytes.len(), BINPRM_BUF_SIZE - 1);
    expect_script(&bytes, &name, None);
}

#[test]
fn blank_in_the_last_buffer_byte_ends_the_interpreter() {
    let name = [b"/".repeat(245), b"bin/echo".to_vec()].concat();
    let bytes = [b"#!".as_slice(), &name, b" zz"].concat();
    expect_script(&bytes, &name, None);
}

#[test]
fn bytes_past_the_buffer_are_never_read() {
    let mut bytes = b"#!/bin/sh".to_vec();
    bytes.resize(BINPRM_BUF_SIZE, b' ');
    bytes.extend_from_slice(b"-x\n");
    expect_script(&bytes, b"/bin/sh", None);
}
