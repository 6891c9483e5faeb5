//! A process's signal state: actions, the blocked mask, pending signals and the alternate
//! stack, with Linux's default actions.
//!
//! Handlers are recorded but cannot run yet: running one needs Linux's signal frame, which
//! comes with issue 5. A signal that would run a handler ends the process with that signal
//! and an error in the log, so the gap is visible instead of silently dropped.

use linux_raw_sys::general as linux;

use super::process::Process;

/// Signals 1 to 64.
pub const SIGNAL_COUNT: u32 = 64;
/// `SIG_DFL` and `SIG_IGN` as handler values.
const DEFAULT_HANDLER: u64 = 0;
const IGNORE_HANDLER: u64 = 1;

/// `struct kernel_sigaction` for x86_64: handler, flags, restorer, mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignalAction {
    pub handler: u64,
    pub flags: u64,
    pub restorer: u64,
    pub mask: u64,
}

/// `stack_t` as `sigaltstack(2)` keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlternateStack {
    pub base: u64,
    pub flags: u32,
    pub size: u64,
}

impl AlternateStack {
    /// No alternate stack: `SS_DISABLE`.
    pub const DISABLED: Self = Self {
        base: 0,
        flags: linux::SS_DISABLE,
        size: 0,
    };
}

/// What happens when a signal is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Discarded (ignored, or a default action of "ignore").
    Discard,
    /// The process ends, killed by the signal.
    Terminate,
    /// The default action stops the process (job control, issue 5).
    Stop,
    /// A user handler would run.
    Handler,
}

/// Every signal's action, the blocked and pending sets, and the alternate stack.
#[derive(Clone, Debug)]
pub struct SignalState {
    actions: [SignalAction; SIGNAL_COUNT as usize],
    pub blocked: u64,
    pub pending: u64,
    pub alternate_stack: AlternateStack,
}

/// The bit of `signal` in a signal set.
pub fn bit(signal: u32) -> u64 {
    1 << (signal - 1)
}

/// Signals that can be neither caught, ignored nor blocked.
pub fn is_unblockable(signal: u32) -> bool {
    signal == linux::SIGKILL || signal == linux::SIGSTOP
}

impl SignalState {
    /// A fresh process: every action default, nothing blocked or pending.
    pub fn new() -> Self {
        Self {
            actions: [SignalAction::default(); SIGNAL_COUNT as usize],
            blocked: 0,
            pending: 0,
            alternate_stack: AlternateStack::DISABLED,
        }
    }

    pub fn action(&self, signal: u32) -> SignalAction {
        self.actions[signal as usize - 1]
    }

    pub fn set_action(&mut self, signal: u32, action: SignalAction) {
        self.actions[signal as usize - 1] = action;
    }

    /// Sets the blocked mask; SIGKILL and SIGSTOP stay unblocked (`sigdelsetmask`).
    pub fn set_blocked(&mut self, mask: u64) {
        self.blocked = mask & !(bit(linux::SIGKILL) | bit(linux::SIGSTOP));
    }

    /// `execve` resets handled signals to their default and keeps ignored ones, the mask and
    /// pending signals; the alternate stack is cleared (`flush_signal_handlers`).
    pub fn reset_for_exec(&mut self) {
        for action in &mut self.actions {
            if action.handler != IGNORE_HANDLER {
                *action = SignalAction::default();
            }
        }
        self.alternate_stack = AlternateStack::DISABLED;
    }

    /// The lowest pending signal that is not blocked, taken off the pending set.
    pub fn take_deliverable(&mut self) -> Option<u32> {
        let deliverable = self.pending & !self.blocked;
        if deliverable == 0 {
            return None;
        }
        let signal = deliverable.trailing_zeros() + 1;
        self.pending &= !bit(signal);
        Some(signal)
    }

    /// What delivering `signal` does now.
    pub fn disposition(&self, signal: u32) -> Disposition {
        match self.action(signal).handler {
            DEFAULT_HANDLER => default_disposition(signal),
            IGNORE_HANDLER => Disposition::Discard,
            _ => Disposition::Handler,
        }
    }
}

/// Linux's default actions (signal(7)).
fn default_disposition(signal: u32) -> Disposition {
    match signal {
        linux::SIGCHLD | linux::SIGURG | linux::SIGWINCH | linux::SIGCONT => Disposition::Discard,
        linux::SIGSTOP | linux::SIGTSTP | linux::SIGTTIN | linux::SIGTTOU => Disposition::Stop,
        // Real-time signals and everything else terminate (some with a core dump, which
        // RLIMIT_CORE's default of 0 turns off).
        _ => Disposition::Terminate,
    }
}

/// Acts on the pending signals that are not blocked, lowest first, as Linux does on the way
/// back to user mode: ignored ones are dropped and a terminating one ends the process.
pub fn deliver_pending(process: &mut Process) {
    while process.wait_status.is_none() {
        let Some(signal) = process.signals.take_deliverable() else {
            return;
        };
        match process.signals.disposition(signal) {
            Disposition::Discard => {}
            Disposition::Terminate => process.wait_status = Some(signal),
            Disposition::Stop => log::warn!(
                "{}[{}]: signal {signal} would stop the process; job control comes with \
                 issue 5, the signal is dropped",
                process.display_name(),
                process.pid
            ),
            Disposition::Handler => {
                log::error!(
                    "{}[{}]: signal {signal} has a handler, and Loam cannot run signal \
                     handlers yet (issue 5): the process is killed by the signal instead",
                    process.display_name(),
                    process.pid
                );
                process.wait_status = Some(signal);
            }
        }
    }
}
