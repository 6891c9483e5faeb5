//! The user's floating-point and vector state: enabling SSE/AVX and XSAVE-based save areas.
//!
//! The kernel itself is built without SSE (`x86_64-unknown-none` is soft-float), so user FPU
//! registers stay untouched while the kernel runs; only switching between threads (issue 5)
//! must save and restore them. Boot enables `fxsave`/SSE and, where the CPU has it, XSAVE with
//! every user state component the CPU supports among x87, SSE, AVX and AVX-512, so programs
//! that check `xgetbv` see what Linux would show them.

use core::arch::x86_64::{__cpuid, __cpuid_count};

use alloc::boxed::Box;
use spin::Once;
use x86_64::registers::{
    control::{Cr0, Cr0Flags, Cr4, Cr4Flags},
    xcontrol::XCr0,
};

/// x87, SSE, AVX, AVX-512 opmask, ZMM_Hi256 and Hi16_ZMM: the user components enabled.
const USER_COMPONENTS: u64 = 0b1110_0111;
/// Room for the legacy area, the header and AVX-512 state (2,688 bytes on current CPUs).
const AREA_BYTES: usize = 4096;
/// Offset of MXCSR in the legacy FXSAVE area.
const MXCSR_OFFSET: usize = 24;
/// Offset of the x87 control word.
const FCW_OFFSET: usize = 0;
/// MXCSR after reset: all exceptions masked, round to nearest.
const MXCSR_DEFAULT: u32 = 0x1f80;
/// The x87 control word after `fninit`.
const FCW_DEFAULT: u16 = 0x037f;

/// The XSAVE component mask in use, or `None` when the CPU lacks XSAVE (FXSAVE is used).
static XSAVE_MASK: Once<Option<u64>> = Once::new();

/// Enables the FPU, SSE and (when present) XSAVE for user code. Boot calls it once per CPU.
pub fn init() {
    // SAFETY: CR0.MP with EM and TS clear lets FPU instructions run natively; the kernel
    // itself never uses them.
    unsafe {
        Cr0::update(|flags| {
            flags.insert(Cr0Flags::MONITOR_COPROCESSOR);
            flags.remove(Cr0Flags::EMULATE_COPROCESSOR | Cr0Flags::TASK_SWITCHED);
        });
    }
    let has_xsave = __cpuid(1).ecx & (1 << 26) != 0;
    // SAFETY: OSFXSR and OSXMMEXCPT declare that we save SSE state with FXSAVE/XSAVE and
    // handle #XM; OSXSAVE is set only when CPUID reports XSAVE.
    unsafe {
        Cr4::update(|flags| {
            flags.insert(Cr4Flags::OSFXSR | Cr4Flags::OSXMMEXCPT_ENABLE);
            if has_xsave {
                flags.insert(Cr4Flags::OSXSAVE);
            }
        });
    }
    let mask = has_xsave.then(|| {
        let supported = __cpuid_count(0xd, 0);
        let supported = u64::from(supported.eax) | (u64::from(supported.edx) << 32);
        let mask = supported & USER_COMPONENTS;
        // SAFETY: the mask holds only components CPUID reports, always including x87 and
        // SSE, and AVX-512 bits only together (the CPU supports them as a group).
        unsafe { XCr0::write_raw(mask) };
        mask
    });
    XSAVE_MASK.call_once(|| mask);
}

/// Bytes of XSAVE state the enabled components need (512 for FXSAVE).
pub fn state_bytes() -> usize {
    match XSAVE_MASK.get().copied().flatten() {
        Some(_) => __cpuid_count(0xd, 0).ebx as usize,
        None => 512,
    }
}

/// The raw save area: 64-byte aligned as XSAVE requires.
#[repr(C, align(64))]
struct SaveArea([u8; AREA_BYTES]);

/// One thread's saved FPU, SSE and AVX registers.
pub struct FpuState {
    area: Box<SaveArea>,
}

impl FpuState {
    /// The state of a freshly exec'd program: x87 and MXCSR at their defaults, vectors zero.
    pub fn initial() -> Self {
        let mut area = Box::new(SaveArea([0; AREA_BYTES]));
        area.0[FCW_OFFSET..FCW_OFFSET + 2].copy_from_slice(&FCW_DEFAULT.to_le_bytes());
        area.0[MXCSR_OFFSET..MXCSR_OFFSET + 4].copy_from_slice(&MXCSR_DEFAULT.to_le_bytes());
        Self { area }
    }

    /// Saves this CPU's current user FPU registers here.
    pub fn save(&mut self) {
        let pointer = self.area.0.as_mut_ptr();
        match XSAVE_MASK.get().copied().flatten() {
            // SAFETY: the area is 64-byte aligned, large enough for every enabled component,
            // and exclusively borrowed; XSAVE is enabled (OSXSAVE) with this mask in XCR0.
            Some(mask) => unsafe {
                core::arch::asm!(
                    "xsave64 [{area}]",
                    area = in(reg) pointer,
                    in("eax") mask as u32,
                    in("edx") (mask >> 32) as u32,
                    options(nostack, preserves_flags),
                )
            },
            // SAFETY: as above for the 512-byte FXSAVE format (16-byte alignment suffices).
            None => unsafe {
                core::arch::asm!("fxsave64 [{area}]", area = in(reg) pointer, options(nostack, preserves_flags))
            },
        }
    }

    /// Loads the saved registers into this CPU.
    pub fn restore(&self) {
        let pointer = self.area.0.as_ptr();
        match XSAVE_MASK.get().copied().flatten() {
            // SAFETY: the area holds a valid XSAVE image: either written by `save`, or the
            // initial image whose zero header marks every component as in its init state
            // (MXCSR is taken from the legacy area, which holds the default).
            Some(mask) => unsafe {
                core::arch::asm!(
                    "xrstor64 [{area}]",
                    area = in(reg) pointer,
                    in("eax") mask as u32,
                    in("edx") (mask >> 32) as u32,
                    options(nostack, preserves_flags, readonly),
                )
            },
            // SAFETY: a valid FXSAVE image (reserved MXCSR bits are zero).
            None => unsafe {
                core::arch::asm!("fxrstor64 [{area}]", area = in(reg) pointer, options(nostack, preserves_flags, readonly))
            },
        }
    }
}
