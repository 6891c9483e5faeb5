//! Behaviour tests of the interpreter's argument vector and the nesting limit, matching what
//! `/bin/echo` printed for the same scripts on Linux 6.18.

use errno::Errno;
use exec_args::{
    MAX_INTERPRETER_DEPTH, Shebang, check_interpreter_depth, parse_shebang, rewrite_arguments,
};

fn strings(arguments: &[Vec<u8>]) -> Vec<&str> {
    arguments
        .iter()
        .map(|argument| std::str::from_utf8(argument).unwrap())
        .collect()
}

#[test]
fn interpreter_and_script_path_replace_argv0() {
    let shebang = parse_shebang(b"#!/bin/sh\n").unwrap().unwrap();
    let original: [&[u8]; 3] = [b"ARGV0", b"one", b"two"];
    let rewritten = rewrite_arguments(&shebang, b"./script", &original).unwrap();
    assert_eq!(strings(&rewritten), ["/bin/sh", "./script", "one", "two"]);
}

#[test]
fn argument_sits_between_interpreter_and_script_path() {
    let shebang = parse_shebang(b"#!/usr/bin/env  python3 -u \n")
        .unwrap()
        .unwrap();
    let original: [&[u8]; 2] = [b"ARGV0", b"orig1"];
    let rewritten = rewrite_arguments(&shebang, b"/tmp/s", &original).unwrap();
    assert_eq!(
        strings(&rewritten),
        ["/usr/bin/env", "python3 -u", "/tmp/s", "orig1"]
    );
}

#[test]
fn empty_argument_is_kept_as_an_empty_string() {
    let shebang = parse_shebang(b"#!/bin/echo \0x\n").unwrap().unwrap();
    let original: [&[u8]; 2] = [b"ARGV0", b"orig1"];
    let rewritten = rewrite_arguments(&shebang, b"/tmp/s", &original).unwrap();
    assert_eq!(strings(&rewritten), ["/bin/echo", "", "/tmp/s", "orig1"]);
}

#[test]
fn empty_original_argv_behaves_like_a_lone_empty_argv0() {
    let shebang = Shebang {
        interpreter: b"/bin/sh",
        argument: None,
    };
    let empty: [&[u8]; 0] = [];
    let lone_empty: [&[u8]; 1] = [b""];
    let from_empty = rewrite_arguments(&shebang, b"s", &empty).unwrap();
    let from_lone_empty = rewrite_arguments(&shebang, b"s", &lone_empty).unwrap();
    assert_eq!(strings(&from_empty), ["/bin/sh", "s"]);
    assert_eq!(from_empty, from_lone_empty);
}

#[test]
fn nested_scripts_accumulate_each_script_path() {
    // nest2 runs "#!/tmp/nest1", which runs "#!/bin/echo": Linux prints
    // "/tmp/nest1 /tmp/nest2 orig1".
    let outer = Shebang {
        interpreter: b"/tmp/nest1",
        argument: None,
    };
    let inner = Shebang {
        interpreter: b"/bin/echo",
        argument: None,
    };
    let original: [&[u8]; 2] = [b"ARGV0", b"orig1"];
    let first = rewrite_arguments(&outer, b"/tmp/nest2", &original).unwrap();
    let second = rewrite_arguments(&inner, outer.interpreter, &first).unwrap();
    assert_eq!(
        strings(&second),
        ["/bin/echo", "/tmp/nest1", "/tmp/nest2", "orig1"]
    );
}

#[test]
fn five_rewrites_are_allowed_and_the_sixth_loops() {
    assert_eq!(MAX_INTERPRETER_DEPTH, 5);
    for rewrites in 0..=5 {
        assert_eq!(check_interpreter_depth(rewrites), Ok(()));
    }
    assert_eq!(check_interpreter_depth(6), Err(Errno::ELOOP));
    assert_eq!(check_interpreter_depth(usize::MAX), Err(Errno::ELOOP));
}
