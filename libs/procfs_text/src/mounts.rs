//! A line of `/proc/mounts` (fs/proc_namespace.c `show_vfsmnt`).

use alloc::{string::String, vec::Vec};

/// The per-mount flags `/proc/mounts` shows after `rw`/`ro`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MountFlags {
    pub is_read_only: bool,
    pub is_nosuid: bool,
    pub is_nodev: bool,
    pub is_noexec: bool,
    /// `noatime`; otherwise Linux's default `relatime` is shown.
    pub is_noatime: bool,
}

/// `"<source> <point> <type> <options> 0 0\n"`, with space, tab, newline and backslash in
/// the strings written as `\ooo` octal escapes, as Linux's `mangle` does.
pub fn mount_line(source: &[u8], point: &[u8], type_name: &str, flags: MountFlags) -> Vec<u8> {
    let mut line = Vec::new();
    escape_into(&mut line, source);
    line.push(b' ');
    escape_into(&mut line, point);
    line.push(b' ');
    escape_into(&mut line, type_name.as_bytes());
    line.push(b' ');
    line.extend_from_slice(options(flags).as_bytes());
    line.extend_from_slice(b" 0 0\n");
    line
}

fn options(flags: MountFlags) -> String {
    let mut options = String::from(if flags.is_read_only { "ro" } else { "rw" });
    let named = [
        (flags.is_nosuid, ",nosuid"),
        (flags.is_nodev, ",nodev"),
        (flags.is_noexec, ",noexec"),
        (flags.is_noatime, ",noatime"),
        (!flags.is_noatime, ",relatime"),
    ];
    for (is_set, name) in named {
        if is_set {
            options.push_str(name);
        }
    }
    options
}

fn escape_into(line: &mut Vec<u8>, text: &[u8]) {
    for &byte in text {
        if matches!(byte, b' ' | b'\t' | b'\n' | b'\\') {
            line.extend_from_slice(&[
                b'\\',
                b'0' + (byte >> 6),
                b'0' + ((byte >> 3) & 7),
                b'0' + (byte & 7),
            ]);
        } else {
            line.push(byte);
        }
    }
}
