//! The parsed command line and its accessors.

use crate::{
    consoles::Consoles,
    disposition::{Disposition, classify},
    init_arguments::InitArguments,
    init_environment::InitEnvironment,
    init_limits::{Fit, TooManyInitVariables, check_limits},
    loam::{LoamParameters, LoamValue},
    log_level::{DEBUG_LOG_LEVEL, QUIET_LOG_LEVEL},
    words::Words,
};

/// A boot command line, split the way Linux splits it.
///
/// Words before a standalone `--` are kernel parameters: those the kernel knows are consumed
/// (`console=`, `init=`, `rdinit=`, `loglevel`, `quiet`, `debug`, `loam.*`, a short table of
/// standard Linux parameters Loam ignores, and any name with a `.`, as Linux drops unused module
/// parameters); the rest go to init, `name=value` to its environment and bare words to its
/// arguments. Words after `--` are all init arguments.
///
/// Deliberate departures from Linux, all on inputs no boot loader produces:
/// - Text after a NUL byte is ignored (Linux's command line is a C string).
/// - Byte 0xA0 does not separate words (Linux's `isspace` counts it; here it only occurs inside
///   UTF-8 characters).
/// - Linux drops init's arguments after `--` if any built-in parameter before it failed to parse
///   (`parse_args` then returns an error instead of the text after `--`). Loam does not model
///   Linux's built-in parameters, so it always keeps them.
#[derive(Clone, Copy, Debug)]
pub struct CommandLine<'a> {
    text: &'a str,
    /// The text before the separating `--` (all of it when there is none).
    kernel_section: &'a str,
    /// The text after the separating `--` (empty when there is none).
    init_section: &'a str,
    /// The end of the kernel section that follows the last `init=` or `rdinit=`.
    arguments_section: &'a str,
    settings: BootSettings<'a>,
    /// Whether init's vectors fit Linux's limits, computed once.
    limits: Fit<'a>,
}

/// What the kernel section sets; for each setting the last word wins, as in Linux.
#[derive(Clone, Copy, Debug, Default)]
struct BootSettings<'a> {
    console: Option<&'a str>,
    init: Option<&'a str>,
    ramdisk_init: Option<&'a str>,
    log_level: Option<u8>,
    is_quiet: bool,
}

impl<'a> CommandLine<'a> {
    /// Parses `text`. Never fails: every string is a command line, as for Linux.
    pub fn parse(text: &'a str) -> Self {
        let text = text.split('\0').next().unwrap_or_default();
        let (kernel_section, init_section) = split_at_separator(text);
        let (settings, arguments_section) = scan_kernel_section(kernel_section);
        Self {
            text,
            kernel_section,
            init_section,
            arguments_section,
            settings,
            limits: check_limits(kernel_section, init_section),
        }
    }

    /// The whole command line (up to any NUL byte), as `/proc/cmdline` shows it.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The values of all `console=` words, in order.
    pub fn consoles(&self) -> Consoles<'a> {
        Consoles::new(self.kernel_section)
    }

    /// The last `console=` value: the preferred console, behind `/dev/console`.
    pub fn console(&self) -> Option<&'a str> {
        self.settings.console
    }

    /// The last `init=` value: the program to run as init when the initramfs has none.
    pub fn init(&self) -> Option<&'a str> {
        self.settings.init
    }

    /// The last `rdinit=` value: the program to run from the initramfs instead of `/init`.
    pub fn rdinit(&self) -> Option<&'a str> {
        self.settings.ramdisk_init
    }

    /// The console log level set by the last of `loglevel=N`, `quiet` ([`QUIET_LOG_LEVEL`]) and
    /// `debug` ([`DEBUG_LOG_LEVEL`]); `None` if none of them appears. A `loglevel` whose value
    /// has no digits is ignored, as Linux ignores it. The value is clamped to `0..=255`.
    pub fn loglevel(&self) -> Option<u8> {
        self.settings.log_level
    }

    /// Whether the log level was last set by `quiet`, so `quiet debug` is not quiet.
    pub fn is_quiet(&self) -> bool {
        self.settings.is_quiet
    }

    /// The value of the last `loam.<name>` parameter; `-` and `_` match each other in `name`.
    pub fn loam_parameter(&self, name: &str) -> Option<LoamValue<'a>> {
        self.loam_parameters().find_last(name)
    }

    /// All `loam.` parameters in order, as `(name, value)` without the prefix.
    pub fn loam_parameters(&self) -> LoamParameters<'a> {
        LoamParameters::new(self.kernel_section)
    }

    /// Init's arguments after `argv[0]`, in the order Linux passes them.
    pub fn init_arguments(&self) -> InitArguments<'a> {
        InitArguments::new(self.arguments_section, self.init_section)
    }

    /// Init's whole environment, starting with Linux's defaults `HOME=/` and `TERM=linux`
    /// (or the command line's replacements for them).
    pub fn init_environment(&self) -> InitEnvironment<'a> {
        InitEnvironment::new(self.kernel_section)
    }

    /// Number of items [`init_arguments`](Self::init_arguments) yields.
    pub fn init_argument_count(&self) -> usize {
        self.init_arguments().count()
    }

    /// Number of items [`init_environment`](Self::init_environment) yields, defaults included.
    pub fn init_environment_count(&self) -> usize {
        self.init_environment().count()
    }

    /// Checks init's arguments and environment against Linux's limits.
    ///
    /// # Errors
    /// The first word that overflows, where Linux would panic; its `Display` is Linux's
    /// message. The iterators still yield every word.
    pub fn check_init_limits(&self) -> Result<(), TooManyInitVariables<'a>> {
        self.limits
    }

    /// Whether [`check_init_limits`](Self::check_init_limits) fails.
    pub fn is_over_limit(&self) -> bool {
        self.limits.is_err()
    }
}

/// Splits `text` around the first standalone `--`: the text before it, and the text after it
/// (empty if there is none).
fn split_at_separator(text: &str) -> (&str, &str) {
    let mut words = Words::new(text);
    loop {
        let word_start = text.len() - words.remainder().len();
        match words.next() {
            None => return (text, ""),
            Some(word) if word.is_separator() => {
                return (&text[..word_start], words.remainder());
            }
            Some(_) => {}
        }
    }
}

/// Reads the settings of the kernel section, and finds where the surviving init arguments start.
fn scan_kernel_section(kernel_section: &str) -> (BootSettings<'_>, &str) {
    let mut settings = BootSettings::default();
    let mut arguments_section = kernel_section;
    let mut words = Words::new(kernel_section);
    while let Some(word) = words.next() {
        match classify(word) {
            Disposition::Console(console) => settings.console = Some(console),
            Disposition::Init(path) => {
                settings.init = Some(path);
                arguments_section = words.remainder();
            }
            Disposition::RamdiskInit(path) => {
                settings.ramdisk_init = Some(path);
                arguments_section = words.remainder();
            }
            Disposition::LogLevel(Some(level)) => settings.set_log_level(level, false),
            Disposition::Quiet => settings.set_log_level(QUIET_LOG_LEVEL, true),
            Disposition::Debug => settings.set_log_level(DEBUG_LOG_LEVEL, false),
            _ => {}
        }
    }
    (settings, arguments_section)
}

impl BootSettings<'_> {
    fn set_log_level(&mut self, level: u8, is_quiet: bool) {
        self.log_level = Some(level);
        self.is_quiet = is_quiet;
    }
}
