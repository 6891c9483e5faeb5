//! Initial stacks captured from Linux 6.18 on x86_64, the reference the builder must match.
//!
//! Each dump is every byte from the entry stack pointer to the end of the `[stack]` mapping, as
//! a static musl program saw them (`argv - 1` is argc's address; `/proc/self/maps` gives the
//! end). The programs ran under `setarch -R` (`ADDR_NO_RANDOMIZE`), so `arch_align_stack` added
//! no random offset and the stack ended at 0x7ffffffff000.

use exec_args::{KernelAuxiliaryValues, RseqAuxiliaryValues};

/// The end of the stack mapping in both captures.
pub const STACK_TOP: u64 = 0x7fff_ffff_f000;

/// `env -i A=1 BB=22 setarch -R ./dumphex x yy`: argv `["./dumphex", "x", "yy"]`, execfn
/// `./dumphex`; the stack pointer was 0x7fffffffee00.
pub const THREE_ARGUMENTS_STACK_POINTER: u64 = 0x7fff_ffff_ee00;
pub const THREE_ARGUMENTS: &str = "0300000000000000d5efffffff7f0000dfefffffff7f0000e1efffffff7f00000000000000000000e4efffffff7f0000e8efffffff7f00000000000000000000210000000000000000d0fff7ff7f00003300000000000000300d0000000000001000000000000000fffb8b17000000000600000000000000001000000000000011000000000000006400000000000000030000000000000040004000000000000400000000000000380000000000000005000000000000000600000000000000070000000000000000000000000000000800000000000000000000000000000009000000000000002b104000000000000b0000000000000000000000000000000c0000000000000000000000000000000d0000000000000000000000000000000e000000000000000000000000000000170000000000000000000000000000001900000000000000b9efffffff7f00001a0000000000000002000000000000001f00000000000000eeefffffff7f00000f00000000000000c9efffffff7f00001b000000000000001c000000000000001c000000000000002000000000000000000000000000000000000000000000000000000000000000005d60cf7d26522f793cbd05df2b1f84d17838365f36340000000000002e2f64756d70686578007800797900413d310042423d3232002e2f64756d70686578000000000000000000";

/// `execve("./dumphex", {NULL}, {"A=1", NULL})` under `setarch -R`: Linux substituted `[""]`
/// for the empty argv; the stack pointer was 0x7fffffffee30.
pub const EMPTY_ARGV_STACK_POINTER: u64 = 0x7fff_ffff_ee30;
pub const EMPTY_ARGV: &str = "0100000000000000e9efffffff7f00000000000000000000eaefffffff7f00000000000000000000210000000000000000d0fff7ff7f00003300000000000000300d0000000000001000000000000000fffb8b17000000000600000000000000001000000000000011000000000000006400000000000000030000000000000040004000000000000400000000000000380000000000000005000000000000000600000000000000070000000000000000000000000000000800000000000000000000000000000009000000000000002b104000000000000b0000000000000000000000000000000c0000000000000000000000000000000d0000000000000000000000000000000e000000000000000000000000000000170000000000000000000000000000001900000000000000c9efffffff7f00001a0000000000000002000000000000001f00000000000000eeefffffff7f00000f00000000000000d9efffffff7f00001b000000000000001c000000000000001c0000000000000020000000000000000000000000000000000000000000000000c122d10702f5b85ee4af210d90d516227838365f36340000000000000000000000413d31002e2f64756d70686578000000000000000000";

/// The bytes of a hex dump.
pub fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&hex[index..index + 2], 16).unwrap())
        .collect()
}

/// The 16 bytes at `address` in a dump that starts at `stack_pointer`.
pub fn random_bytes_at(dump: &[u8], stack_pointer: u64, address: u64) -> [u8; 16] {
    let offset = usize::try_from(address - stack_pointer).unwrap();
    dump[offset..offset + 16].try_into().unwrap()
}

/// The auxv values the kernel supplied in both captures (the capturing machine's CPU, a static
/// non-PIE program).
pub fn kernel_values() -> KernelAuxiliaryValues {
    KernelAuxiliaryValues {
        vdso_header_address: Some(0x7fff_f7ff_d000),
        minimum_signal_stack_size: 0xd30,
        hardware_capabilities: 0x178b_fbff,
        page_size: 0x1000,
        clock_ticks_per_second: 100,
        program_headers_address: 0x40_0040,
        program_header_size: 0x38,
        program_header_count: 6,
        interpreter_base: 0,
        flags: 0,
        entry_point: 0x40_102b,
        user_id: 0,
        effective_user_id: 0,
        group_id: 0,
        effective_group_id: 0,
        is_secure: false,
        hardware_capabilities_2: 2,
        rseq: Some(RseqAuxiliaryValues {
            feature_size: 0x1c,
            alignment: 0x20,
        }),
    }
}
