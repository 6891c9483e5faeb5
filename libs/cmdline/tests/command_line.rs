//! Table-driven tests of how real command lines split between the kernel and init.

use cmdline::{
    CommandLine, DEBUG_LOG_LEVEL, InitVariableKind, LoamValue, MAX_INIT_ARGUMENTS, QUIET_LOG_LEVEL,
    Word,
};

/// Init's arguments after `argv[0]`, joined.
fn arguments(line: &str) -> Vec<String> {
    CommandLine::parse(line)
        .init_arguments()
        .map(|word| word.to_string())
        .collect()
}

/// Init's environment, joined, without Linux's two defaults when they are unchanged.
fn environment(line: &str) -> Vec<String> {
    CommandLine::parse(line)
        .init_environment()
        .map(|word| word.to_string())
        .filter(|entry| entry != "HOME=/" && entry != "TERM=linux")
        .collect()
}

/// Checks where each word of each line goes: `(line, init arguments, added environment)`.
fn assert_init_vectors(cases: &[(&str, &[&str], &[&str])]) {
    for (line, expected_arguments, expected_environment) in cases {
        assert_eq!(
            arguments(line),
            *expected_arguments,
            "arguments of {line:?}"
        );
        assert_eq!(
            environment(line),
            *expected_environment,
            "environment of {line:?}"
        );
    }
}

#[test]
fn typical_line_splits_between_kernel_and_init() {
    let line = "console=ttyS0 loglevel=3 init=/bin/sh foo bar=baz loam.dumpfs -- -x y=z";
    let command_line = CommandLine::parse(line);
    assert_eq!(command_line.console(), Some("ttyS0"));
    assert_eq!(command_line.loglevel(), Some(3));
    assert_eq!(command_line.init(), Some("/bin/sh"));
    assert_eq!(command_line.rdinit(), None);
    assert_eq!(command_line.loam_parameter("dumpfs"), Some(LoamValue::Flag));
    assert_eq!(arguments(line), ["foo", "-x", "y=z"]);
    let full_environment: Vec<_> = command_line.init_environment().collect();
    assert_eq!(full_environment, ["HOME=/", "TERM=linux", "bar=baz"]);
    assert_eq!(command_line.init_argument_count(), 3);
    assert_eq!(command_line.init_environment_count(), 3);
    assert_eq!(command_line.check_init_limits(), Ok(()));
    assert_eq!(command_line.as_str(), line);
}

#[test]
fn empty_and_blank_lines_set_nothing() {
    for line in ["", " ", "\t\n  \r"] {
        let command_line = CommandLine::parse(line);
        assert_eq!(command_line.consoles().count(), 0);
        assert_eq!(command_line.console(), None);
        assert_eq!(command_line.init(), None);
        assert_eq!(command_line.loglevel(), None);
        assert!(!command_line.is_quiet());
        assert_eq!(command_line.loam_parameters().count(), 0);
        assert_eq!(command_line.init_argument_count(), 0);
        assert_eq!(command_line.init_environment_count(), 2);
        assert!(!command_line.is_over_limit());
    }
}

#[test]
fn quotes_group_words_and_linux_strips_only_the_outer_pair() {
    assert_init_vectors(&[
        ("foo=\"a b\"", &[], &["foo=a b"]),
        ("\"a b\" c", &["a b", "c"], &[]),
        ("\"foo=a b\"", &[], &["foo=a b"]),
        ("a\"b c\"d", &["a\"b c\"d"], &[]),
        ("foo=\"a \\\" b\"", &["b\""], &["foo=a \\"]),
        ("x=\"unterminated quote", &[], &["x=unterminated quote"]),
        ("\"\" x", &["", "x"], &[]),
    ]);
    let command_line = CommandLine::parse("init=\"/bin/my shell\" console=\"ttyS0,115200\"");
    assert_eq!(command_line.init(), Some("/bin/my shell"));
    assert_eq!(command_line.console(), Some("ttyS0,115200"));
}

#[test]
fn separator_edge_cases_follow_parse_args() {
    assert_init_vectors(&[
        ("a --", &["a"], &[]),
        ("--", &[], &[]),
        ("-- --", &[], &[]),
        ("a -- b -- c", &["a", "b"], &[]),
        ("foo=-- a", &["a"], &["foo=--"]),
        ("\"--\" x=1", &["x=1"], &[]),
        ("--x ---", &["--x", "---"], &[]),
        ("--=x", &[], &["--=x"]),
        ("-- \"a b\" c=\"d e\"", &["a b", "c=d e"], &[]),
        ("--\ta", &["a"], &[]),
    ]);
}

#[test]
fn kernel_parameters_after_the_separator_go_to_init_untouched() {
    let line = "console=tty0 -- init=/x console=ttyS1 quiet a.b loam.z root=/dev/sda";
    let command_line = CommandLine::parse(line);
    assert_eq!(command_line.console(), Some("tty0"));
    assert_eq!(command_line.init(), None);
    assert_eq!(command_line.loglevel(), None);
    assert_eq!(command_line.loam_parameters().count(), 0);
    let expected = [
        "init=/x",
        "console=ttyS1",
        "quiet",
        "a.b",
        "loam.z",
        "root=/dev/sda",
    ];
    assert_eq!(arguments(line), expected);
    assert_eq!(environment(line), Vec::<String>::new());
}

#[test]
fn repeated_parameters_keep_the_last_value() {
    let command_line = CommandLine::parse("console=tty0 console=ttyS0,115200 init=/a init=/b");
    assert_eq!(
        command_line.consoles().collect::<Vec<_>>(),
        ["tty0", "ttyS0,115200"]
    );
    assert_eq!(command_line.console(), Some("ttyS0,115200"));
    assert_eq!(command_line.init(), Some("/b"));
    let command_line = CommandLine::parse("rdinit=/a rdinit=/b");
    assert_eq!(command_line.rdinit(), Some("/b"));
    assert_init_vectors(&[("A=1 B=2 A=3", &[], &["A=3", "B=2"])]);
}

#[test]
fn last_of_loglevel_quiet_and_debug_sets_the_level() {
    let cases: &[(&str, Option<u8>, bool)] = &[
        ("loglevel=3 quiet", Some(QUIET_LOG_LEVEL), true),
        ("quiet loglevel=7", Some(7), false),
        ("quiet debug", Some(DEBUG_LOG_LEVEL), false),
        ("debug quiet", Some(QUIET_LOG_LEVEL), true),
        ("quiet=0", Some(QUIET_LOG_LEVEL), true),
        ("loglevel=5 loglevel=abc", Some(5), false),
        ("loglevel", None, false),
        ("loglevel=0x6", Some(6), false),
        ("loglevel=-1", Some(0), false),
        ("loglevel=1000", Some(255), false),
        ("-- quiet", None, false),
    ];
    for (line, level, is_quiet) in cases {
        let command_line = CommandLine::parse(line);
        assert_eq!(command_line.loglevel(), *level, "loglevel of {line:?}");
        assert_eq!(command_line.is_quiet(), *is_quiet, "quiet of {line:?}");
    }
}

#[test]
fn init_and_rdinit_drop_the_arguments_before_them() {
    assert_init_vectors(&[
        ("auto init=/sbin/init single", &["single"], &[]),
        ("a rdinit=/x b init=/y c", &["c"], &[]),
        ("a X=1 init=/y -- b", &["b"], &["X=1"]),
    ]);
}

#[test]
fn defaults_can_be_overridden_in_place() {
    let command_line = CommandLine::parse("X=1 TERM=vt100 HOME=/root Y=2 HOME=/home");
    let entries: Vec<_> = command_line.init_environment().collect();
    assert_eq!(entries, ["HOME=/home", "TERM=vt100", "X=1", "Y=2"]);
}

#[test]
fn dotted_names_are_module_parameters_and_never_reach_init() {
    assert_init_vectors(&[
        ("printk.time=1 foo.bar baz=qux.1 a.b=c", &[], &["baz=qux.1"]),
        ("systemd.unit=rescue.target", &[], &[]),
        ("name=a.b=c", &[], &["name=a.b=c"]),
        ("\"a.b c\"", &[], &[]),
    ]);
}

#[test]
fn standard_parameters_loam_ignores_are_consumed_in_linux_forms() {
    let line = "root=/dev/vda ro rw rootwait earlyprintk=serial nokaslr panic=-1 \
                BOOT_IMAGE=/vmlinuz initrd=/initrd.img noapic nosmp mem=512M";
    assert_init_vectors(&[
        (line, &[], &[]),
        // `root=` and friends are `__setup("name=")`: the bare word reaches init.
        ("root", &["root"], &[]),
        // `ro` is a flag handler that declines a value.
        ("ro=1 rw=0", &[], &["ro=1", "rw=0"]),
        ("console", &["console"], &[]),
    ]);
}

#[test]
fn loam_parameters_are_exposed_by_name() {
    let command_line =
        CommandLine::parse("loam.trace=syscalls loam.dump-fs loam.trace=all loam.smp=off");
    let parameters: Vec<_> = command_line.loam_parameters().collect();
    assert_eq!(
        parameters,
        [
            ("trace", Some("syscalls")),
            ("dump-fs", None),
            ("trace", Some("all")),
            ("smp", Some("off")),
        ]
    );
    assert_eq!(
        command_line.loam_parameter("trace"),
        Some(LoamValue::Text("all"))
    );
    assert_eq!(
        command_line.loam_parameter("dump_fs"),
        Some(LoamValue::Flag)
    );
    assert_eq!(command_line.loam_parameter("missing"), None);
    let smp = command_line.loam_parameter("smp").unwrap();
    assert_eq!(smp.as_bool(), Some(false));
    assert_eq!(smp.text(), Some("off"));
    assert_eq!(LoamValue::Flag.as_bool(), Some(true));
    assert_eq!(LoamValue::Text("Yes").as_bool(), Some(true));
    assert_eq!(LoamValue::Text("on").as_bool(), Some(true));
    assert_eq!(LoamValue::Text("0").as_bool(), Some(false));
    assert_eq!(LoamValue::Text("").as_bool(), None);
    assert_eq!(LoamValue::Text("maybe").as_bool(), None);
}

#[test]
fn odd_words_follow_next_arg() {
    assert_init_vectors(&[
        ("=foo", &["=foo"], &[]),
        ("=a=b", &[], &["=a=b"]),
        ("a=", &[], &["a="]),
        ("a\0b c", &["a"], &[]),
        ("é=ü ö", &["ö"], &["é=ü"]),
    ]);
}

#[test]
fn empty_console_value_is_kept() {
    let command_line = CommandLine::parse("console=ttyS0 console=");
    assert_eq!(command_line.console(), Some(""));
    assert_eq!(command_line.consoles().count(), 2);
}

#[test]
fn words_display_their_joined_form_and_expose_pieces() {
    let command_line = CommandLine::parse("foo=\"a b\" -- \"x y\"");
    let entry = command_line.init_environment().nth(2).unwrap();
    assert_eq!(entry.name(), "foo");
    assert_eq!(entry.value(), Some("a b"));
    assert_eq!(entry.pieces(), ["foo", "=", "a b"]);
    assert_eq!(entry.len(), 7);
    assert_eq!(entry, "foo=a b");
    assert_ne!(entry, "foo=a b ");
    assert_ne!(entry, "foo");
    let argument = command_line.init_arguments().next().unwrap();
    assert_eq!(argument, Word::new("x y", None));
    assert_eq!(argument.pieces(), ["x y", "", ""]);
    assert!(Word::new("", None).is_empty());
}

/// `count` distinct bare words `a1 a2 ...`, space separated.
fn numbered_words(prefix: &str, count: usize) -> String {
    (1..=count)
        .map(|number| format!("{prefix}{number}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn thirty_two_init_arguments_fit_and_the_thirty_third_overflows() {
    let fits = numbered_words("a", MAX_INIT_ARGUMENTS);
    assert_eq!(CommandLine::parse(&fits).check_init_limits(), Ok(()));
    let overflows = numbered_words("a", MAX_INIT_ARGUMENTS + 1);
    let command_line = CommandLine::parse(&overflows);
    let error = command_line.check_init_limits().unwrap_err();
    assert_eq!(error.kind, InitVariableKind::Arguments);
    assert_eq!(error.word, "a33");
    assert_eq!(error.to_string(), "Too many boot init vars at `a33'");
    assert!(command_line.is_over_limit());
    assert_eq!(
        command_line.init_argument_count(),
        33,
        "nothing is truncated"
    );
}

#[test]
fn arguments_after_the_separator_share_the_limit() {
    let line = format!("{} -- {}", numbered_words("a", 20), numbered_words("b", 12));
    assert!(!CommandLine::parse(&line).is_over_limit());
    let line = format!("{} -- {}", numbered_words("a", 20), numbered_words("b", 13));
    let error = CommandLine::parse(&line).check_init_limits().unwrap_err();
    assert_eq!(error.word, "b13");
}

#[test]
fn init_parameter_empties_the_arguments_but_not_an_earlier_overflow() {
    let line = format!(
        "{} init=/x {}",
        numbered_words("a", 32),
        numbered_words("b", 32)
    );
    assert!(!CommandLine::parse(&line).is_over_limit());
    let line = format!("{} init=/x", numbered_words("a", 33));
    assert!(CommandLine::parse(&line).is_over_limit());
}

#[test]
fn thirty_one_environment_variables_fit_beside_the_defaults() {
    let variables = |count| numbered_words("V", count).replace(' ', "=1 ") + "=1";
    let fits = variables(31);
    let command_line = CommandLine::parse(&fits);
    assert_eq!(command_line.check_init_limits(), Ok(()));
    assert_eq!(command_line.init_environment_count(), 33);
    let overflows = variables(32);
    let error = CommandLine::parse(&overflows)
        .check_init_limits()
        .unwrap_err();
    assert_eq!(error.kind, InitVariableKind::Environment);
    assert_eq!(error.to_string(), "Too many boot env vars at `V32=1'");
    // Repeating a name does not take a new slot, and overriding a default takes none.
    let repeated = format!("{} V1=2 V1=3 HOME=/root TERM=dumb", variables(31));
    assert!(!CommandLine::parse(&repeated).is_over_limit());
}

#[test]
fn replacing_the_variable_in_the_last_slot_overflows_as_in_linux() {
    let variables = numbered_words("V", 31).replace(' ', "=1 ") + "=1";
    // V31 sits in slot 32: Linux's loop reaches that slot before it compares names.
    let line = format!("{variables} V31=2");
    let error = CommandLine::parse(&line).check_init_limits().unwrap_err();
    assert_eq!(error.word, "V31=2");
    let line = format!("{variables} V30=2");
    assert!(!CommandLine::parse(&line).is_over_limit());
}
