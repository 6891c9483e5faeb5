//! Behaviour tests of the initial stack: byte-for-byte against Linux captures, then each rule.

mod linux_reference;

use errno::Errno;
use exec_args::{
    InitialStack, KernelAuxiliaryValues, MAX_ARG_STRLEN, StackRequest, build_initial_stack,
};
use linux_raw_sys::auxvec::{
    AT_EXECFN, AT_MINSIGSTKSZ, AT_NULL, AT_PLATFORM, AT_RANDOM, AT_RSEQ_ALIGN,
    AT_RSEQ_FEATURE_SIZE, AT_SYSINFO_EHDR,
};

const TOP: u64 = 0x7fff_ffff_f000;
const EIGHT_MIB: u64 = 8 * 1024 * 1024;
const RANDOM: [u8; 16] = *b"0123456789abcdef";

fn request<'a>(
    arguments: &'a [&'a [u8]],
    environment: &'a [&'a [u8]],
) -> StackRequest<'a, &'a [u8]> {
    StackRequest {
        stack_top: TOP,
        arguments,
        environment,
        executable_path: b"/bin/prog",
        platform: Some(b"x86_64"),
        random_bytes: RANDOM,
        auxiliary: linux_reference::kernel_values(),
        stack_limit_bytes: EIGHT_MIB,
        random_offset_bytes: 0,
    }
}

/// The word at user address `address`.
fn word(stack: &InitialStack, address: u64) -> u64 {
    let offset = usize::try_from(address - stack.stack_pointer).unwrap();
    u64::from_le_bytes(stack.bytes[offset..offset + 8].try_into().unwrap())
}

/// The NUL-terminated string at user address `address`, without its NUL.
fn c_string(stack: &InitialStack, address: u64) -> &[u8] {
    let start = usize::try_from(address - stack.stack_pointer).unwrap();
    let length = stack.bytes[start..].iter().position(|&b| b == 0).unwrap();
    &stack.bytes[start..start + length]
}

/// The bytes of user range `range`.
fn range_bytes(stack: &InitialStack, range: std::ops::Range<u64>) -> &[u8] {
    let start = usize::try_from(range.start - stack.stack_pointer).unwrap();
    let end = usize::try_from(range.end - stack.stack_pointer).unwrap();
    &stack.bytes[start..end]
}

fn auxiliary_value(stack: &InitialStack, kind: u32) -> Option<u64> {
    let kind = u64::from(kind);
    stack
        .auxiliary_vector
        .iter()
        .find(|&&(entry, _)| entry == kind)
        .map(|&(_, value)| value)
}

#[test]
fn matches_linux_byte_for_byte_with_three_arguments() {
    let expected = linux_reference::bytes(linux_reference::THREE_ARGUMENTS);
    let arguments: [&[u8]; 3] = [b"./dumphex", b"x", b"yy"];
    let environment: [&[u8]; 2] = [b"A=1", b"BB=22"];
    let stack_pointer = linux_reference::THREE_ARGUMENTS_STACK_POINTER;
    let stack = build_initial_stack(&StackRequest {
        stack_top: linux_reference::STACK_TOP,
        executable_path: b"./dumphex",
        random_bytes: linux_reference::random_bytes_at(&expected, stack_pointer, 0x7fff_ffff_efb9),
        ..request(&arguments, &environment)
    })
    .unwrap();
    assert_eq!(stack.stack_pointer, stack_pointer);
    assert_eq!(stack.bytes, expected);
}

#[test]
fn matches_linux_byte_for_byte_with_empty_argv() {
    let expected = linux_reference::bytes(linux_reference::EMPTY_ARGV);
    let environment: [&[u8]; 1] = [b"A=1"];
    let stack_pointer = linux_reference::EMPTY_ARGV_STACK_POINTER;
    let stack = build_initial_stack(&StackRequest {
        stack_top: linux_reference::STACK_TOP,
        executable_path: b"./dumphex",
        random_bytes: linux_reference::random_bytes_at(&expected, stack_pointer, 0x7fff_ffff_efc9),
        ..request(&[], &environment)
    })
    .unwrap();
    assert_eq!(stack.stack_pointer, stack_pointer);
    assert_eq!(stack.bytes, expected);
    assert_eq!(stack.argument_count, 1);
    assert_eq!(
        c_string(&stack, word(&stack, stack.argument_vector_address)),
        b""
    );
}

#[test]
fn argc_and_pointer_arrays_lead_to_the_strings() {
    let arguments: [&[u8]; 2] = [b"prog", b"--flag"];
    let environment: [&[u8]; 1] = [b"HOME=/"];
    let stack = build_initial_stack(&request(&arguments, &environment)).unwrap();
    let sp = stack.stack_pointer;
    assert_eq!(sp % 16, 0);
    assert_eq!(stack.bytes.len() as u64, TOP - sp);
    assert_eq!(word(&stack, sp), 2);
    assert_eq!(stack.argument_count, 2);
    assert_eq!(stack.argument_vector_address, sp + 8);
    assert_eq!(c_string(&stack, word(&stack, sp + 8)), b"prog");
    assert_eq!(c_string(&stack, word(&stack, sp + 16)), b"--flag");
    assert_eq!(word(&stack, sp + 24), 0);
    assert_eq!(stack.environment_vector_address, sp + 32);
    assert_eq!(c_string(&stack, word(&stack, sp + 32)), b"HOME=/");
    assert_eq!(word(&stack, sp + 40), 0);
    assert_eq!(stack.auxiliary_vector_address, sp + 48);
}

#[test]
fn auxv_on_the_stack_is_the_returned_auxv_in_linux_order() {
    let arguments: [&[u8]; 1] = [b"prog"];
    let stack = build_initial_stack(&request(&arguments, &[])).unwrap();
    let kinds: Vec<u64> = stack
        .auxiliary_vector
        .iter()
        .map(|&(kind, _)| kind)
        .collect();
    assert_eq!(
        kinds,
        [
            33, 51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15, 27, 28, 0
        ]
    );
    for (index, &(kind, value)) in stack.auxiliary_vector.iter().enumerate() {
        let address = stack.auxiliary_vector_address + 16 * index as u64;
        assert_eq!(
            (word(&stack, address), word(&stack, address + 8)),
            (kind, value)
        );
    }
    assert_eq!(
        stack.auxiliary_vector.last(),
        Some(&(u64::from(AT_NULL), 0))
    );
}

#[test]
fn pointer_entries_point_at_random_bytes_execfn_and_platform() {
    let arguments: [&[u8]; 1] = [b"prog"];
    let stack = build_initial_stack(&request(&arguments, &[])).unwrap();
    let random = auxiliary_value(&stack, AT_RANDOM).unwrap();
    assert_eq!(random, stack.random_bytes_address);
    assert_eq!(range_bytes(&stack, random..random + 16), RANDOM);
    let execfn = auxiliary_value(&stack, AT_EXECFN).unwrap();
    assert_eq!(execfn, stack.executable_path_address);
    assert_eq!(c_string(&stack, execfn), b"/bin/prog");
    let platform = auxiliary_value(&stack, AT_PLATFORM).unwrap();
    assert_eq!(Some(platform), stack.platform_address);
    assert_eq!(c_string(&stack, platform), b"x86_64");
}

#[test]
fn strings_are_packed_below_an_eight_byte_end_marker() {
    let arguments: [&[u8]; 2] = [b"a", b"bc"];
    let environment: [&[u8]; 2] = [b"X=1", b"Y=22"];
    let stack = build_initial_stack(&request(&arguments, &environment)).unwrap();
    assert_eq!(range_bytes(&stack, TOP - 8..TOP), [0; 8]);
    assert_eq!(stack.executable_path_address, TOP - 8 - 10);
    assert_eq!(stack.environment_strings, TOP - 18 - 9..TOP - 18);
    assert_eq!(
        range_bytes(&stack, stack.environment_strings.clone()),
        b"X=1\0Y=22\0"
    );
    assert_eq!(stack.argument_strings, TOP - 27 - 5..TOP - 27);
    assert_eq!(
        range_bytes(&stack, stack.argument_strings.clone()),
        b"a\0bc\0"
    );
}

#[test]
fn platform_sits_below_the_strings_rounded_to_sixteen_and_random_bytes_below_it() {
    let arguments: [&[u8]; 1] = [b"abc"];
    let stack = build_initial_stack(&request(&arguments, &[])).unwrap();
    let rounded = stack.argument_strings.start & !15;
    assert_eq!(stack.platform_address, Some(rounded - 7));
    assert_eq!(stack.random_bytes_address, rounded - 7 - 16);
}

#[test]
fn random_offset_moves_the_tables_but_not_the_strings() {
    let arguments: [&[u8]; 1] = [b"abc"];
    let plain = build_initial_stack(&request(&arguments, &[])).unwrap();
    let shifted = build_initial_stack(&StackRequest {
        random_offset_bytes: 4000,
        ..request(&arguments, &[])
    })
    .unwrap();
    assert_eq!(shifted.argument_strings, plain.argument_strings);
    assert_eq!(
        shifted.executable_path_address,
        plain.executable_path_address
    );
    let rounded = (plain.argument_strings.start - 4000) & !15;
    assert_eq!(shifted.platform_address, Some(rounded - 7));
    assert_eq!(shifted.stack_pointer % 16, 0);
    assert!(shifted.stack_pointer <= plain.stack_pointer - 3984);
}

#[test]
fn optional_entries_are_left_out_when_absent() {
    let arguments: [&[u8]; 1] = [b"prog"];
    let stack = build_initial_stack(&StackRequest {
        platform: None,
        auxiliary: KernelAuxiliaryValues {
            vdso_header_address: None,
            rseq: None,
            ..linux_reference::kernel_values()
        },
        ..request(&arguments, &[])
    })
    .unwrap();
    assert_eq!(stack.auxiliary_vector.len(), 19);
    assert_eq!(stack.auxiliary_vector[0].0, u64::from(AT_MINSIGSTKSZ));
    for kind in [
        AT_SYSINFO_EHDR,
        AT_PLATFORM,
        AT_RSEQ_FEATURE_SIZE,
        AT_RSEQ_ALIGN,
    ] {
        assert_eq!(auxiliary_value(&stack, kind), None);
    }
    assert_eq!(stack.platform_address, None);
    assert_eq!(
        stack.random_bytes_address,
        (stack.argument_strings.start & !15) - 16
    );
}

#[test]
fn owned_strings_build_the_same_stack_as_borrowed_ones() {
    let borrowed: [&[u8]; 2] = [b"prog", b"arg"];
    let owned: Vec<Vec<u8>> = borrowed.iter().map(|s| s.to_vec()).collect();
    let from_borrowed = build_initial_stack(&request(&borrowed, &borrowed)).unwrap();
    let from_owned = build_initial_stack(&StackRequest {
        stack_top: TOP,
        arguments: &owned,
        environment: &owned,
        executable_path: b"/bin/prog",
        platform: Some(b"x86_64"),
        random_bytes: RANDOM,
        auxiliary: linux_reference::kernel_values(),
        stack_limit_bytes: EIGHT_MIB,
        random_offset_bytes: 0,
    })
    .unwrap();
    assert_eq!(from_owned, from_borrowed);
}

#[test]
fn overlong_string_is_refused_with_e2big() {
    let long = vec![b'a'; MAX_ARG_STRLEN];
    let fits = vec![b'a'; MAX_ARG_STRLEN - 1];
    let arguments: [&[u8]; 2] = [b"prog", &long];
    assert_eq!(
        build_initial_stack(&request(&arguments, &[])),
        Err(Errno::E2BIG)
    );
    let environment: [&[u8]; 1] = [&long];
    assert_eq!(
        build_initial_stack(&request(&[], &environment)),
        Err(Errno::E2BIG)
    );
    let arguments: [&[u8]; 2] = [b"prog", &fits];
    assert!(build_initial_stack(&request(&arguments, &[])).is_ok());
}

#[test]
fn strings_beyond_a_quarter_of_the_stack_limit_are_refused_with_e2big() {
    let chunk = vec![b'e'; MAX_ARG_STRLEN - 1];
    let environment: Vec<&[u8]> = (0..16).map(|_| chunk.as_slice()).collect();
    let arguments: [&[u8]; 1] = [b"prog"];
    // 16 full strings are 2 MiB on their own: over the 8 MiB stack's 2 MiB.
    assert_eq!(
        build_initial_stack(&request(&arguments, &environment)),
        Err(Errno::E2BIG)
    );
    // A 16 MiB stack limit allows 4 MiB.
    let stack = build_initial_stack(&StackRequest {
        stack_limit_bytes: 2 * EIGHT_MIB,
        ..request(&arguments, &environment)
    })
    .unwrap();
    assert_eq!(
        stack.environment_strings.end - stack.environment_strings.start,
        16 * 131_072
    );
}

#[test]
fn nul_inside_a_string_is_refused_with_einval() {
    let arguments: [&[u8]; 1] = [b"pro\0g"];
    assert_eq!(
        build_initial_stack(&request(&arguments, &[])),
        Err(Errno::EINVAL)
    );
    let arguments: [&[u8]; 1] = [b"prog"];
    let with_bad_execfn = StackRequest {
        executable_path: b"/bin\0",
        ..request(&arguments, &[])
    };
    assert_eq!(build_initial_stack(&with_bad_execfn), Err(Errno::EINVAL));
}

#[test]
fn stack_top_too_low_is_refused_with_efault() {
    let arguments: [&[u8]; 1] = [b"prog"];
    for stack_top in [0, 8, 100, 400] {
        let low = StackRequest {
            stack_top,
            ..request(&arguments, &[])
        };
        assert_eq!(
            build_initial_stack(&low),
            Err(Errno::EFAULT),
            "top {stack_top}"
        );
    }
    let huge_offset = StackRequest {
        random_offset_bytes: u64::MAX,
        ..request(&arguments, &[])
    };
    assert_eq!(build_initial_stack(&huge_offset), Err(Errno::EFAULT));
}
