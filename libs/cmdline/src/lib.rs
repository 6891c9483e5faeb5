//! Zero-allocation parser for the Linux kernel command line.
//!
//! Loam runs Linux programs, so it reads its boot command line with Linux's rules: which words
//! the kernel consumes, which become init's arguments and which its environment (Linux's
//! `init/main.c`: `unknown_bootoption`, `set_init_arg`, `init_setup`, `rdinit_setup`, and
//! `kernel/params.c`: `parse_args`; words split as in `lib/cmdline.c`: `next_arg`).
//!
//! Design principles:
//! - **Borrow, never allocate.** [`CommandLine::parse`] keeps slices of the input; accessors
//!   re-scan it on demand. A word whose quotes Linux strips from the middle (`foo="a b"` becomes
//!   `foo=a b`) is a [`Word`]: a name and an optional value, each one slice of the input, that
//!   displays (or hands out its [`pieces`](Word::pieces)) as the joined string init receives.
//! - **Linux's answer, including its quirks.** Where Linux behaves surprisingly (arguments before
//!   `init=` are dropped, a second `--` ends init's arguments, `quiet=0` still means quiet), this
//!   crate does the same and says so where it happens. The few deliberate departures are listed
//!   on [`CommandLine`].
//! - **No panic on any input.** Every slice boundary falls next to an ASCII byte, and the
//!   randomized tests feed arbitrary strings.
#![no_std]
#![forbid(unsafe_code)]

mod command_line;
mod consoles;
mod disposition;
mod init_arguments;
mod init_environment;
mod init_limits;
mod kernel_parameters;
mod loam;
mod log_level;
mod word;
mod words;

pub use command_line::CommandLine;
pub use consoles::Consoles;
pub use init_arguments::InitArguments;
pub use init_environment::{DEFAULT_INIT_ENVIRONMENT, InitEnvironment};
pub use init_limits::{
    InitVariableKind, MAX_INIT_ARGUMENTS, MAX_INIT_ENVIRONMENT, TooManyInitVariables,
};
pub use loam::{LoamParameters, LoamValue};
pub use log_level::{DEBUG_LOG_LEVEL, QUIET_LOG_LEVEL};
pub use word::Word;
