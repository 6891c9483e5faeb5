//! The layouts of the /proc files against what Linux prints.

use procfs_text::{
    CpuidLeaf, MemoryFigures, MountFlags, ProcessFacts, ProcessState, cpuinfo, meminfo, mount_line,
    stat_line, status_text, uptime,
};

fn init_facts() -> ProcessFacts<'static> {
    ProcessFacts {
        pid: 1,
        name: b"procfs",
        state: ProcessState::Running,
        parent_pid: 0,
        process_group: 0,
        session: 0,
        user_ids: [0; 4],
        group_ids: [0; 4],
        umask: 0o022,
        thread_count: 1,
        start_time_ticks: 7,
        stack_start: 0x7fff_f000,
        argument_strings: 0x7fff_f100..0x7fff_f108,
        environment_strings: 0x7fff_f108..0x7fff_f110,
        exit_signal: 0,
    }
}

#[test]
fn stat_has_fifty_two_fields_starting_with_identity() {
    let line = String::from_utf8(stat_line(&init_facts())).unwrap();
    assert!(line.starts_with("1 (procfs) R 0 0 0 0 -1 "));
    assert!(line.ends_with(" 2147479808 2147479816 2147479816 2147479824 0\n"));
    assert_eq!(line.split(' ').count(), 52);
}

#[test]
fn stat_keeps_spaces_and_parentheses_in_the_name() {
    let facts = ProcessFacts {
        name: b"a b) c",
        ..init_facts()
    };
    let line = String::from_utf8(stat_line(&facts)).unwrap();
    assert!(line.starts_with("1 (a b) c) R 0 "));
}

#[test]
fn status_lines_are_tab_separated_in_linux_order() {
    let text = String::from_utf8(status_text(&init_facts())).unwrap();
    assert!(text.starts_with("Name:\tprocfs\nUmask:\t0022\nState:\tR (running)\nTgid:\t1\n"));
    for line in [
        "\nPid:\t1\n",
        "\nPPid:\t0\n",
        "\nUid:\t0\t0\t0\t0\n",
        "\nGid:\t0\t0\t0\t0\n",
        "\nCapEff:\t000001ffffffffff\n",
        "\nThreads:\t1\n",
    ] {
        assert!(text.contains(line), "{line:?} missing");
    }
    let user = ProcessFacts {
        user_ids: [1000; 4],
        ..init_facts()
    };
    let text = String::from_utf8(status_text(&user)).unwrap();
    assert!(text.contains("\nCapEff:\t0000000000000000\n"));
}

#[test]
fn meminfo_pads_names_and_numbers_like_linux() {
    let text = meminfo(&MemoryFigures {
        total_bytes: 1024 * 1_004_368,
        free_bytes: 1024 * 900_000,
        available_bytes: 1024 * 900_000,
        shared_bytes: 0,
    });
    assert!(text.starts_with("MemTotal:        1004368 kB\nMemFree:          900000 kB\n"));
    assert!(text.contains("\nMemAvailable:     900000 kB\n"));
    assert!(text.lines().all(|line| line.ends_with(" kB")));
}

#[test]
fn mount_lines_escape_whitespace_and_backslashes() {
    let line = mount_line(b"a b", b"/mnt/x\ty", "tmpfs", MountFlags::default());
    assert_eq!(line, b"a\\040b /mnt/x\\011y tmpfs rw,relatime 0 0\n");
    let flags = MountFlags {
        is_read_only: true,
        is_nosuid: true,
        is_noatime: true,
        ..MountFlags::default()
    };
    let line = mount_line(b"proc", b"/proc", "proc", flags);
    assert_eq!(line, b"proc /proc proc ro,nosuid,noatime 0 0\n");
}

#[test]
fn uptime_prints_centiseconds() {
    assert_eq!(uptime(12_345_678_901, 0), "12.34 0.00\n");
}

/// A CPU like QEMU's `qemu64` model: AuthenticAMD, family 6, with a brand string.
fn fake_cpuid(leaf: u32, _subleaf: u32) -> CpuidLeaf {
    let brand = *b"QEMU Virtual CPU version 2.5+\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    let word =
        |index: usize| u32::from_le_bytes(brand[index * 4..index * 4 + 4].try_into().unwrap());
    match leaf {
        0 => [
            0xd,
            u32::from_le_bytes(*b"Auth"),
            u32::from_le_bytes(*b"cAMD"),
            u32::from_le_bytes(*b"enti"),
        ],
        1 => [0x0000_0663, 0x0008_0800, 0x8000_0001, 0x0781_abfd],
        0x8000_0000 => [0x8000_0008, 0, 0, 0],
        0x8000_0002..=0x8000_0004 => {
            let base = ((leaf - 0x8000_0002) * 4) as usize;
            [word(base), word(base + 1), word(base + 2), word(base + 3)]
        }
        0x8000_0008 => [0x3028, 0, 0, 0],
        _ => [0; 4],
    }
}

#[test]
fn cpuinfo_describes_the_cpu_from_cpuid() {
    let text = cpuinfo(&fake_cpuid, 2_394_454_000);
    assert!(text.starts_with("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 6\n"));
    assert!(text.contains("\nmodel\t\t: 6\n"));
    assert!(text.contains("\nmodel name\t: QEMU Virtual CPU version 2.5+\n"));
    assert!(text.contains("\nstepping\t: 3\n"));
    assert!(text.contains("\ncpu MHz\t\t: 2394.454\n"));
    assert!(text.contains("\nflags\t\t: fpu de pse tsc msr pae mce cx8 apic sep pge cmov pat mmx fxsr sse sse2 pni hypervisor\n"));
    assert!(text.contains("\nbogomips\t: 4788.90\n"));
    assert!(text.contains("\nclflush size\t: 64\n"));
    assert!(text.contains("\naddress sizes\t: 40 bits physical, 48 bits virtual\n"));
    assert!(text.ends_with("power management:\n\n"));
}
