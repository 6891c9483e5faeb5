//! `/proc/<pid>/stat` and `/proc/<pid>/status` (fs/proc/array.c `do_task_stat`,
//! `proc_pid_status`).

use alloc::{string::String, vec::Vec};
use core::{fmt::Write, ops::Range};

/// A process's scheduling state, as `stat`'s third field and `status`'s `State:` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessState {
    Running,
    Sleeping,
    Zombie,
}

impl ProcessState {
    fn letter(self) -> char {
        match self {
            Self::Running => 'R',
            Self::Sleeping => 'S',
            Self::Zombie => 'Z',
        }
    }

    fn description(self) -> &'static str {
        match self {
            Self::Running => "R (running)",
            Self::Sleeping => "S (sleeping)",
            Self::Zombie => "Z (zombie)",
        }
    }
}

/// What `stat` and `status` show about one process.
#[derive(Clone, Debug)]
pub struct ProcessFacts<'a> {
    pub pid: u32,
    /// `comm`: at most 15 bytes.
    pub name: &'a [u8],
    pub state: ProcessState,
    pub parent_pid: u32,
    pub process_group: u32,
    pub session: u32,
    /// Real, effective, saved and filesystem user ids.
    pub user_ids: [u32; 4],
    /// Real, effective, saved and filesystem group ids.
    pub group_ids: [u32; 4],
    pub umask: u32,
    pub thread_count: u32,
    /// Start time after boot, in clock ticks (`USER_HZ`).
    pub start_time_ticks: u64,
    /// Where `argc` was placed (`mm->start_stack`).
    pub stack_start: u64,
    /// The argument strings (`mm->arg_start..arg_end`).
    pub argument_strings: Range<u64>,
    /// The environment strings (`mm->env_start..env_end`).
    pub environment_strings: Range<u64>,
    /// The signal the parent gets at exit: 0 for init, `SIGCHLD` for forked processes.
    pub exit_signal: u32,
}

/// Linux's `RLIM_INFINITY`, the default `RLIMIT_RSS` stat shows.
const UNLIMITED: u64 = u64::MAX;
/// `priority` of a normal task at nice 0 (`task_prio`: 120 - 100).
const DEFAULT_PRIORITY: u64 = 20;
/// Every capability up to `CAP_LAST_CAP` (40), the set root holds.
const ALL_CAPABILITIES: u64 = (1 << 41) - 1;

/// The one-line `stat` file: 52 space-separated fields ending in a newline. Fields Loam does
/// not account yet (fault counts, CPU times, memory sizes) are 0, as for a process that has
/// used none.
pub fn stat_line(facts: &ProcessFacts<'_>) -> Vec<u8> {
    let mut line = Vec::new();
    let _ = write!(ByteWriter(&mut line), "{} (", facts.pid);
    line.extend_from_slice(facts.name);
    let fields: [u64; 49] = [
        u64::from(facts.parent_pid),
        u64::from(facts.process_group),
        u64::from(facts.session),
        0,        // tty_nr
        u64::MAX, // tpgid: -1 without a controlling terminal (printed signed below)
        0,        // flags
        0,        // minflt
        0,        // cminflt
        0,        // majflt
        0,        // cmajflt
        0,        // utime
        0,        // stime
        0,        // cutime
        0,        // cstime
        DEFAULT_PRIORITY,
        0, // nice
        u64::from(facts.thread_count),
        0, // itrealvalue
        facts.start_time_ticks,
        0, // vsize
        0, // rss
        UNLIMITED,
        0, // startcode
        0, // endcode
        facts.stack_start,
        0, // kstkesp
        0, // kstkeip
        0, // signal
        0, // blocked
        0, // sigignore
        0, // sigcatch
        0, // wchan
        0, // nswap
        0, // cnswap
        u64::from(facts.exit_signal),
        0, // processor
        0, // rt_priority
        0, // policy
        0, // delayacct_blkio_ticks
        0, // guest_time
        0, // cguest_time
        0, // start_data
        0, // end_data
        0, // start_brk
        facts.argument_strings.start,
        facts.argument_strings.end,
        facts.environment_strings.start,
        facts.environment_strings.end,
        0, // exit_code
    ];
    let _ = write!(ByteWriter(&mut line), ") {}", facts.state.letter());
    for (index, value) in fields.iter().enumerate() {
        // tpgid is the only signed field here.
        if index == 4 {
            let _ = write!(ByteWriter(&mut line), " {}", *value as i64);
        } else {
            let _ = write!(ByteWriter(&mut line), " {value}");
        }
    }
    line.push(b'\n');
    line
}

/// The `status` file: `Name:\t...` lines in Linux's order. The memory lines (`VmPeak` ...)
/// are left out until Loam counts them; Linux leaves them out too for a process without
/// memory (a kernel thread), so parsers accept their absence.
pub fn status_text(facts: &ProcessFacts<'_>) -> Vec<u8> {
    let mut text = Vec::new();
    text.extend_from_slice(b"Name:\t");
    text.extend_from_slice(facts.name);
    text.push(b'\n');
    let capabilities = if facts.user_ids[1] == 0 {
        ALL_CAPABILITIES
    } else {
        0
    };
    let mut lines = String::new();
    let [uid, euid, suid, fsuid] = facts.user_ids;
    let [gid, egid, sgid, fsgid] = facts.group_ids;
    let _ = write!(
        lines,
        "Umask:\t{:04o}\nState:\t{}\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{}\n\
         TracerPid:\t0\nUid:\t{uid}\t{euid}\t{suid}\t{fsuid}\n\
         Gid:\t{gid}\t{egid}\t{sgid}\t{fsgid}\nFDSize:\t64\nGroups:\t\n\
         NStgid:\t{pid}\nNSpid:\t{pid}\nNSpgid:\t{}\nNSsid:\t{}\nKthread:\t0\n\
         Threads:\t{}\nSigQ:\t0/0\nSigPnd:\t{zero:016x}\nShdPnd:\t{zero:016x}\n\
         SigBlk:\t{zero:016x}\nSigIgn:\t{zero:016x}\nSigCgt:\t{zero:016x}\n\
         CapInh:\t{zero:016x}\nCapPrm:\t{capabilities:016x}\nCapEff:\t{capabilities:016x}\n\
         CapBnd:\t{ALL_CAPABILITIES:016x}\nCapAmb:\t{zero:016x}\nNoNewPrivs:\t0\n\
         Seccomp:\t0\nSeccomp_filters:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n\
         voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
        facts.umask,
        facts.state.description(),
        facts.parent_pid,
        facts.process_group,
        facts.session,
        facts.thread_count,
        pid = facts.pid,
        zero = 0,
    );
    text.extend_from_slice(lines.as_bytes());
    text
}

/// `core::fmt::Write` into a byte vector (names may not be UTF-8).
struct ByteWriter<'a>(&'a mut Vec<u8>);

impl Write for ByteWriter<'_> {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        self.0.extend_from_slice(text.as_bytes());
        Ok(())
    }
}
