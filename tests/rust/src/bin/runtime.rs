//! Rust's std runtime as PID 1: arguments and environment, clocks, hashing, memory, stdio.
//!
//! What std does before and around `main` must work: its start-up checks the standard
//! descriptors with `poll`, ignores SIGPIPE, and finds the main thread's stack (musl probes it
//! with `mremap`); `HashMap`'s `RandomState` takes its keys from `getrandom`; `Instant` is
//! `CLOCK_MONOTONIC` and `SystemTime` is `CLOCK_REALTIME`; large `Vec`s come from `mmap`.

use std::{
    collections::{HashMap, hash_map::RandomState},
    env,
    hash::BuildHasher,
    io::{Read, Write},
    thread,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use loam_guest_tests::{Test, check, check_equal, check_ok};

const YEAR_2020: u64 = 1_577_836_800;

fn arguments_and_environment(test: &mut Test) {
    let arguments: Vec<String> = env::args().collect();
    check_equal!(
        test,
        arguments.first().map(String::as_str),
        Some("/tests/rust/runtime")
    );
    check_equal!(test, arguments.get(1).map(String::as_str), Some("--chain"));
    check_equal!(test, env::var("HOME").ok().as_deref(), Some("/"));
    check_equal!(test, env::var("TERM").ok().as_deref(), Some("linux"));
    check!(
        test,
        env::vars().any(|(name, _)| name == "loam_guest_variable")
    );
    check!(test, env::var("LOAM_NOT_SET").is_err());
    let executable = check_ok!(test, env::current_exe());
    check_equal!(
        test,
        executable.as_deref().and_then(|path| path.to_str()),
        Some("/tests/rust/runtime")
    );
    check_equal!(test, std::process::id(), 1);
}

fn clocks(test: &mut Test) {
    let start = Instant::now();
    let mut previous = start;
    let mut went_back = false;
    for _ in 0..1000 {
        let now = Instant::now();
        went_back |= now < previous;
        previous = now;
    }
    check!(test, !went_back);
    thread::sleep(Duration::from_millis(20));
    check!(test, start.elapsed() >= Duration::from_millis(20));
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
    check!(
        test,
        since_epoch.is_ok_and(|elapsed| elapsed.as_secs() > YEAR_2020)
    );
}

fn hashing(test: &mut Test) {
    let mut squares = HashMap::new();
    for number in 0..1000_u64 {
        squares.insert(number, number * number);
    }
    check_equal!(test, squares.len(), 1000);
    check_equal!(test, squares.get(&999), Some(&998_001));
    check!(
        test,
        (0..1000).all(|number| squares[&number] == number * number)
    );
    // Each RandomState has its own keys, so the same value hashes differently.
    let first = RandomState::new().hash_one("loam");
    let second = RandomState::new().hash_one("loam");
    check!(test, first != second);
}

fn memory(test: &mut Test) {
    // 64 MiB: far above musl's threshold for serving an allocation with mmap.
    let mut large = vec![0_u8; 64 << 20];
    for (index, byte) in large.iter_mut().enumerate().step_by(4096) {
        *byte = (index >> 12) as u8;
    }
    check!(
        test,
        large
            .iter()
            .step_by(4096)
            .enumerate()
            .all(|(page, byte)| *byte == page as u8)
    );
    drop(large);
    let mut grown: Vec<u64> = Vec::new();
    for number in 0..200_000 {
        grown.push(number);
    }
    check_equal!(test, grown.iter().sum::<u64>(), 19_999_900_000);
    let boxed = Box::new([7_u32; 1024]);
    check_equal!(
        test,
        boxed.iter().map(|&value| u64::from(value)).sum::<u64>(),
        7168
    );
    let formatted = format!("{:>8.3}|{:#x}|{:?}", std::f64::consts::PI, 255, "text");
    check_equal!(test, formatted.as_str(), "   3.142|0xff|\"text\"");
}

fn standard_streams(test: &mut Test) {
    let mut stdout = std::io::stdout().lock();
    check_ok!(test, stdout.write_all(b"written through std::io::stdout\n"));
    check_ok!(test, stdout.flush());
    drop(stdout);
    // The tests run with stdin on the console; /dev/null is read instead of waiting for input.
    let mut null = check_ok!(test, std::fs::File::open("/dev/null"));
    let mut nothing = Vec::new();
    let read = null
        .as_mut()
        .map(|file| file.read_to_end(&mut nothing).ok());
    check_equal!(test, read, Some(Some(0)));
}

fn main() {
    let mut test = Test::start();
    arguments_and_environment(&mut test);
    clocks(&mut test);
    hashing(&mut test);
    memory(&mut test);
    standard_streams(&mut test);
    test.finish();
}
