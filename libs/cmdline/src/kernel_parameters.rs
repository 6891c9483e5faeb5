//! Linux-standard kernel parameters that Loam accepts and ignores, so they never reach init.
//!
//! Boot loaders, QEMU scripts and distribution configs pass these out of habit. Linux consumes
//! each of them (or, for `BOOT_IMAGE=`, is moving to), so a Linux init never sees them; passing
//! them to init would change what a Linux program observes. Loam has no use for any of them yet.
//! The table is deliberately short: unknown words reach init exactly as on Linux, and a parameter
//! Loam starts to honour moves out of this table into its own accessor.
//!
//! Each entry also says in which forms Linux consumes the word. A `__setup("name=")` handler
//! only matches `name=value`, so a bare `name` reaches init's arguments; a `__setup("name")` flag
//! handler declines `name=value`, which then reaches init's environment; an `early_param` or a
//! `core_param` matches the name in either form.

/// In which forms Linux consumes a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParameterForm {
    /// Only the bare word (`ro`).
    Flag,
    /// Only `name=value` (`root=/dev/vda`).
    WithValue,
    /// Both `name` and `name=value` (early and core parameters).
    FlagOrValue,
}

/// A kernel parameter that is consumed without effect.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IgnoredParameter {
    pub(crate) name: &'static str,
    pub(crate) form: ParameterForm,
}

const fn ignored(name: &'static str, form: ParameterForm) -> IgnoredParameter {
    IgnoredParameter { name, form }
}

/// The parameters consumed without effect; see the module documentation for the rules.
pub(crate) const IGNORED_PARAMETERS: &[IgnoredParameter] = &[
    // Root file system selection (`init/do_mounts.c`): Loam runs from its initramfs.
    ignored("root", ParameterForm::WithValue),
    ignored("rootfstype", ParameterForm::WithValue),
    ignored("rootflags", ParameterForm::WithValue),
    ignored("rootwait", ParameterForm::FlagOrValue),
    ignored("ro", ParameterForm::Flag),
    ignored("rw", ParameterForm::Flag),
    // Added by boot loaders: the initrd's path (an early parameter) and GRUB's and LILO's kernel
    // image path, which Linux 6.x's `unknown_bootoption` drops as a boot-loader identifier.
    ignored("initrd", ParameterForm::FlagOrValue),
    ignored("BOOT_IMAGE", ParameterForm::WithValue),
    // Early consoles and address-space randomization: Loam's console comes up without them.
    ignored("earlyprintk", ParameterForm::FlagOrValue),
    ignored("earlycon", ParameterForm::FlagOrValue),
    ignored("nokaslr", ParameterForm::FlagOrValue),
    // Reboot timeout after a panic (a `core_param`); Loam halts.
    ignored("panic", ParameterForm::FlagOrValue),
    // CPU and memory limits for debugging Linux's own bring-up (early parameters).
    ignored("noapic", ParameterForm::FlagOrValue),
    ignored("nosmp", ParameterForm::FlagOrValue),
    ignored("maxcpus", ParameterForm::FlagOrValue),
    ignored("mem", ParameterForm::FlagOrValue),
];

impl ParameterForm {
    /// Whether a word with (`has_value`) or without a value matches this form.
    pub(crate) fn accepts(self, has_value: bool) -> bool {
        match self {
            Self::Flag => !has_value,
            Self::WithValue => has_value,
            Self::FlagOrValue => true,
        }
    }
}
