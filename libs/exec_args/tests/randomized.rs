//! Randomized tests: arbitrary inputs never panic, and every stack built decodes back to its
//! inputs with the layout's invariants intact.

use exec_args::{
    BINPRM_BUF_SIZE, InitialStack, KernelAuxiliaryValues, RseqAuxiliaryValues, StackRequest,
    build_initial_stack, parse_shebang,
};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        choices[self.below(choices.len() as u64) as usize]
    }

    /// A string of non-NUL bytes, up to `max_length` long.
    fn string(&mut self, max_length: u64) -> Vec<u8> {
        let length = self.below(max_length + 1);
        (0..length).map(|_| 1 + self.below(255) as u8).collect()
    }

    fn strings(&mut self, max_count: u64, max_length: u64) -> Vec<Vec<u8>> {
        let count = self.below(max_count + 1);
        (0..count).map(|_| self.string(max_length)).collect()
    }
}

fn kernel_values(generator: &mut Generator) -> KernelAuxiliaryValues {
    KernelAuxiliaryValues {
        vdso_header_address: generator.pick(&[None, Some(0x7fff_f7ff_d000)]),
        minimum_signal_stack_size: 0xd30,
        hardware_capabilities: generator.next(),
        page_size: 4096,
        clock_ticks_per_second: 100,
        program_headers_address: generator.next(),
        program_header_size: 56,
        program_header_count: generator.below(20),
        interpreter_base: 0,
        flags: 0,
        entry_point: generator.next(),
        user_id: generator.below(2),
        effective_user_id: 0,
        group_id: 0,
        effective_group_id: 0,
        is_secure: generator.pick(&[false, true]),
        hardware_capabilities_2: 2,
        rseq: generator.pick(&[
            None,
            Some(RseqAuxiliaryValues {
                feature_size: 28,
                alignment: 32,
            }),
        ]),
    }
}

fn word(stack: &InitialStack, address: u64) -> u64 {
    let offset = usize::try_from(address - stack.stack_pointer).unwrap();
    u64::from_le_bytes(stack.bytes[offset..offset + 8].try_into().unwrap())
}

fn c_string(stack: &InitialStack, address: u64) -> Vec<u8> {
    let start = usize::try_from(address - stack.stack_pointer).unwrap();
    let length = stack.bytes[start..].iter().position(|&b| b == 0).unwrap();
    stack.bytes[start..start + length].to_vec()
}

/// Reads a NULL-terminated pointer array and the strings it points at.
fn pointed_strings(stack: &InitialStack, mut address: u64) -> Vec<Vec<u8>> {
    let mut strings = Vec::new();
    loop {
        let pointer = word(stack, address);
        if pointer == 0 {
            return strings;
        }
        strings.push(c_string(stack, pointer));
        address += 8;
    }
}

fn check_stack(stack: &InitialStack, top: u64, arguments: &[Vec<u8>], environment: &[Vec<u8>]) {
    let expected_arguments = if arguments.is_empty() {
        vec![Vec::new()]
    } else {
        arguments.to_vec()
    };
    assert_eq!(stack.stack_pointer % 16, 0);
    assert_eq!(stack.bytes.len() as u64, top - stack.stack_pointer);
    assert_eq!(
        word(stack, stack.stack_pointer),
        expected_arguments.len() as u64
    );
    assert_eq!(
        pointed_strings(stack, stack.argument_vector_address),
        expected_arguments
    );
    assert_eq!(
        pointed_strings(stack, stack.environment_vector_address),
        environment
    );
    for (index, &(kind, value)) in stack.auxiliary_vector.iter().enumerate() {
        let address = stack.auxiliary_vector_address + 16 * index as u64;
        assert_eq!(
            (word(stack, address), word(stack, address + 8)),
            (kind, value)
        );
    }
    let auxiliary_end = stack.auxiliary_vector_address + 16 * stack.auxiliary_vector.len() as u64;
    assert!(auxiliary_end <= stack.random_bytes_address);
    assert!(stack.random_bytes_address + 16 <= stack.argument_strings.start);
    assert_eq!(stack.argument_strings.end, stack.environment_strings.start);
    assert_eq!(stack.environment_strings.end, stack.executable_path_address);
}

#[test]
fn random_requests_decode_back_to_their_inputs() {
    let mut generator = Generator(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let arguments = generator.strings(12, 40);
        let environment = generator.strings(12, 40);
        let executable_path = generator.string(60);
        let top = 0x7fff_ffff_f000 - 4096 * generator.below(1000);
        let random_bytes: [u8; 16] = core::array::from_fn(|_| generator.next() as u8);
        let platform: Option<&[u8]> = generator.pick(&[None, Some(b"x86_64"), Some(b"aarch64")]);
        let request = StackRequest {
            stack_top: top,
            arguments: &arguments,
            environment: &environment,
            executable_path: &executable_path,
            platform,
            random_bytes,
            auxiliary: kernel_values(&mut generator),
            stack_limit_bytes: generator.pick(&[0, 8 << 20, u64::MAX]),
            random_offset_bytes: generator.below(8192),
        };
        let stack = build_initial_stack(&request).unwrap();
        check_stack(&stack, top, &arguments, &environment);
        assert_eq!(
            c_string(&stack, stack.executable_path_address),
            executable_path
        );
        let random = usize::try_from(stack.random_bytes_address - stack.stack_pointer).unwrap();
        assert_eq!(stack.bytes[random..random + 16], random_bytes);
        if let (Some(platform), Some(address)) = (platform, stack.platform_address) {
            assert_eq!(c_string(&stack, address), platform);
        }
        assert_eq!(platform.is_some(), stack.platform_address.is_some());
    }
}

#[test]
fn random_header_bytes_never_panic_and_parse_to_well_formed_lines() {
    let mut generator = Generator(0x0123_4567_89ab_cdef);
    let alphabet = [b' ', b'\t', b'\n', b'\r', 0, b'/', b'a', b'b', b'-'];
    for _ in 0..20_000 {
        let length = generator.below(BINPRM_BUF_SIZE as u64 + 40);
        let mut bytes: Vec<u8> = (0..length).map(|_| generator.pick(&alphabet)).collect();
        if generator.below(8) != 0 && bytes.len() >= 2 {
            bytes[0] = b'#';
            bytes[1] = b'!';
        }
        let Ok(Some(shebang)) = parse_shebang(&bytes) else {
            continue;
        };
        let interpreter = shebang.interpreter;
        assert!(!interpreter.is_empty());
        assert!(!interpreter.iter().any(|b| [b' ', b'\t', 0].contains(b)));
        assert!(!interpreter.contains(&b'\n'));
        if let Some(argument) = shebang.argument {
            assert!(!argument.contains(&0) && !argument.contains(&b'\n'));
            assert!(!argument.first().is_some_and(|b| [b' ', b'\t'].contains(b)));
        }
    }
}
