//! `/proc/cpuinfo` for x86 (arch/x86/kernel/cpu/proc.c `show_cpuinfo`), from CPUID.

use alloc::{string::String, vec::Vec};
use core::fmt::Write;

use crate::cpu_flags::FEATURE_WORDS;

/// One CPUID query's answer: EAX, EBX, ECX, EDX.
pub type CpuidLeaf = [u32; 4];

/// The text for one CPU (`processor 0`) whose CPUID answers come from `cpuid(leaf, subleaf)`
/// and whose time-stamp counter runs at `tsc_hz` (0 if unknown). Loam runs one CPU, so the
/// topology lines describe a single core. Only the hardware feature bits are listed; Linux
/// also lists flags it synthesises (`constant_tsc`, `rep_good` ...).
pub fn cpuinfo(cpuid: &dyn Fn(u32, u32) -> CpuidLeaf, tsc_hz: u64) -> String {
    let [highest_leaf, vendor_b, vendor_c, vendor_d] = cpuid(0, 0);
    let signature = cpuid(1, 0);
    let (family, model, stepping) = family_model_stepping(signature[0]);
    let highest_extended = cpuid(0x8000_0000, 0)[0];
    let extended = |leaf: u32| (highest_extended >= leaf).then(|| cpuid(leaf, 0));
    let mut text = String::new();
    let _ = write!(
        text,
        "processor\t: 0\nvendor_id\t: {}\ncpu family\t: {family}\nmodel\t\t: {model}\n\
         model name\t: {}\nstepping\t: {stepping}\n",
        ascii(&[vendor_b, vendor_d, vendor_c]),
        model_name(&extended),
    );
    if tsc_hz != 0 {
        let kilohertz = tsc_hz / 1000;
        let _ = writeln!(
            text,
            "cpu MHz\t\t: {}.{:03}",
            kilohertz / 1000,
            kilohertz % 1000
        );
    }
    if let Some([_, _, cache, _]) = extended(0x8000_0006) {
        let _ = writeln!(text, "cache size\t: {} KB", cache >> 16);
    }
    let clflush_bytes = ((signature[1] >> 8) & 0xff) * 8;
    let _ = write!(
        text,
        "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: {apic}\n\
         initial apicid\t: {apic}\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: {highest_leaf}\n\
         wp\t\t: yes\nflags\t\t: {}\nbugs\t\t:\n",
        flags(cpuid, highest_leaf, highest_extended).join(" "),
        apic = signature[1] >> 24,
    );
    // Linux's delay loop runs on the TSC: bogomips is twice its frequency in MHz.
    let bogo_centi = tsc_hz / 5000;
    let _ = write!(
        text,
        "bogomips\t: {}.{:02}\nclflush size\t: {clflush_bytes}\ncache_alignment\t: {clflush_bytes}\n",
        bogo_centi / 100,
        bogo_centi % 100,
    );
    if let Some([sizes, ..]) = extended(0x8000_0008) {
        let _ = writeln!(
            text,
            "address sizes\t: {} bits physical, {} bits virtual",
            sizes & 0xff,
            (sizes >> 8) & 0xff
        );
    }
    text.push_str("power management:\n\n");
    text
}

/// Family, model and stepping with the extended fields folded in as Linux's `x86_family`
/// and `x86_model` do.
fn family_model_stepping(signature: u32) -> (u32, u32, u32) {
    let base_family = (signature >> 8) & 0xf;
    let family = if base_family == 0xf {
        base_family + ((signature >> 20) & 0xff)
    } else {
        base_family
    };
    let mut model = (signature >> 4) & 0xf;
    if family >= 6 {
        model += ((signature >> 16) & 0xf) << 4;
    }
    (family, model, signature & 0xf)
}

/// The brand string of leaves 0x80000002..4, trimmed; Linux leaves the line empty without it.
fn model_name(extended: &dyn Fn(u32) -> Option<CpuidLeaf>) -> String {
    let mut words = Vec::new();
    for leaf in 0x8000_0002..=0x8000_0004 {
        match extended(leaf) {
            Some(registers) => words.extend_from_slice(&registers),
            None => return String::new(),
        }
    }
    String::from(ascii(&words).trim_matches(|character| character == ' ' || character == '\0'))
}

/// Registers as the little-endian ASCII CPUID puts in them, stopping at the first NUL.
fn ascii(registers: &[u32]) -> String {
    registers
        .iter()
        .flat_map(|register| register.to_le_bytes())
        .take_while(|&byte| byte != 0)
        .map(|byte| {
            if byte.is_ascii() {
                char::from(byte)
            } else {
                '?'
            }
        })
        .collect()
}

fn flags(
    cpuid: &dyn Fn(u32, u32) -> CpuidLeaf,
    highest_leaf: u32,
    highest_extended: u32,
) -> Vec<&'static str> {
    let mut names = Vec::new();
    for word in &FEATURE_WORDS {
        let highest = if word.leaf >= 0x8000_0000 {
            highest_extended
        } else {
            highest_leaf
        };
        if word.leaf > highest {
            continue;
        }
        let bits = cpuid(word.leaf, word.subleaf)[word.register];
        for (bit, name) in word.names.iter().enumerate() {
            if bits & (1 << bit) != 0 && !name.is_empty() {
                names.push(*name);
            }
        }
    }
    names
}
