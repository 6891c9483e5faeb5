//! Terminal settings as `struct termios` bytes, until the TTY layer (issue 5) owns them.

use alloc::vec::Vec;

use linux_raw_sys::general as linux;

/// `tty_std_termios` (drivers/tty/tty_io.c) as the 8250 console sets it up: 115200 baud, 8N1,
/// canonical mode with echo, `\n` output as `\r\n`.
pub fn default_termios() -> Vec<u8> {
    let input = linux::ICRNL | linux::IXON;
    let output = linux::OPOST | linux::ONLCR;
    let control = linux::B115200 | linux::CS8 | linux::CREAD | linux::HUPCL | linux::CLOCAL;
    let local = linux::ISIG
        | linux::ICANON
        | linux::ECHO
        | linux::ECHOE
        | linux::ECHOK
        | linux::ECHOCTL
        | linux::ECHOKE
        | linux::IEXTEN;
    // INIT_C_CC from include/linux/tty.h: intr ^C, quit ^\, erase DEL, kill ^U, eof ^D,
    // time 0, min 1, swtc 0, start ^Q, stop ^S, susp ^Z, eol 0, reprint ^R, discard ^O,
    // werase ^W, lnext ^V, eol2 0.
    let control_characters: [u8; 19] = [
        3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0,
    ];
    let mut bytes = Vec::with_capacity(36);
    for flags in [input, output, control, local] {
        bytes.extend_from_slice(&flags.to_le_bytes());
    }
    bytes.push(0);
    bytes.extend_from_slice(&control_characters);
    bytes
}
