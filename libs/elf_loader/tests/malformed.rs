//! Malformed images: each fails with the errno Linux's loader gives it, or Loam's documented one.

mod builder;

use builder::{
    ElfImage, MACHINE_AARCH64, MACHINE_I386, ProgramHeaderSpec, READ, SEGMENT_LOAD, TYPE_CORE,
    TYPE_RELOCATABLE_OBJECT, WRITE,
};
use elf_loader::{ELF_ET_DYN_BASE, LoadPlan, TASK_SIZE_MAX, parse};
use errno::Errno;

fn parse_image(image: &ElfImage) -> errno::Result<LoadPlan> {
    parse(&image.build())
}

/// An edit of an image, for tables of cases.
type Change = fn(&mut ElfImage);

/// `static_executable()` with one change.
fn executable_with(change: impl FnOnce(&mut ElfImage)) -> ElfImage {
    let mut image = ElfImage::static_executable();
    change(&mut image);
    image
}

#[test]
fn every_truncation_of_a_valid_file_fails_with_enoexec() {
    let file = ElfImage::static_executable().build();
    for length in 0..file.len() {
        assert_eq!(
            parse(&file[..length]).err(),
            Some(Errno::ENOEXEC),
            "length {length}"
        );
    }
    assert!(parse(&file).is_ok());
}

#[test]
fn every_truncation_of_a_pie_with_interpreter_fails_without_panicking() {
    let file = ElfImage::static_pie()
        .with_interpreter(b"/lib/ld.so\0")
        .build();
    for length in 0..file.len() {
        let error = parse(&file[..length]).expect_err("a truncated file is refused");
        // PT_INTERP is read before the segments, and a short read of it is EIO.
        assert!(
            matches!(error, Errno::ENOEXEC | Errno::EIO),
            "length {length}: {error:?}"
        );
    }
}

#[test]
fn wrong_magic_is_enoexec() {
    let cases: [Change; 2] = [
        |image| image.magic = *b"\x7fELG",
        |image| image.magic = *b"MZ\x90\x00",
    ];
    for change in cases {
        assert_eq!(parse_image(&executable_with(change)), Err(Errno::ENOEXEC));
    }
}

/// Linux's 64-bit loader reads class, byte order and version of `e_ident` nowhere.
#[test]
fn identification_bytes_are_not_checked() {
    let cases: [Change; 4] = [
        |image| image.class = 1,
        |image| image.class = 0,
        |image| image.data_encoding = 2,
        |image| image.ident_version = 0,
    ];
    for change in cases {
        assert!(parse_image(&executable_with(change)).is_ok());
    }
}

#[test]
fn wrong_machine_is_enoexec() {
    for machine in [0, MACHINE_I386, MACHINE_AARCH64, 62 << 8] {
        let image = executable_with(|image| image.machine = machine);
        assert_eq!(
            parse_image(&image),
            Err(Errno::ENOEXEC),
            "machine {machine}"
        );
    }
}

#[test]
fn relocatable_objects_and_core_dumps_are_enoexec() {
    for image_type in [0, TYPE_RELOCATABLE_OBJECT, TYPE_CORE, 0xfe00] {
        let image = executable_with(|image| image.image_type = image_type);
        assert_eq!(
            parse_image(&image),
            Err(Errno::ENOEXEC),
            "e_type {image_type}"
        );
    }
}

#[test]
fn program_header_entry_size_other_than_56_is_enoexec() {
    for size in [0, 32, 55, 57, 64] {
        let image = executable_with(|image| image.program_header_entry_size = size);
        assert_eq!(
            parse_image(&image),
            Err(Errno::ENOEXEC),
            "e_phentsize {size}"
        );
    }
}

#[test]
fn empty_or_oversized_program_header_table_is_enoexec() {
    for count in [0, 74, 1170, u16::MAX] {
        let image = executable_with(|image| image.program_header_count = Some(count));
        assert_eq!(parse_image(&image), Err(Errno::ENOEXEC), "e_phnum {count}");
    }
}

#[test]
fn program_header_table_outside_the_file_is_enoexec() {
    let file_length = ElfImage::static_executable().build().len() as u64;
    for offset in [
        file_length,
        file_length - 56,
        1 << 40,
        i64::MAX as u64 + 1,
        u64::MAX,
    ] {
        let mut image = executable_with(|image| image.program_header_offset = offset);
        image.length = Some(file_length as usize);
        assert_eq!(
            parse_image(&image),
            Err(Errno::ENOEXEC),
            "e_phoff {offset:#x}"
        );
    }
}

#[test]
fn no_load_segment_is_enoexec() {
    let image = executable_with(|image| {
        image
            .program_headers
            .retain(|header| header.segment_type != SEGMENT_LOAD);
    });
    assert_eq!(parse_image(&image), Err(Errno::ENOEXEC));
}

#[test]
fn file_size_above_memory_size_is_einval() {
    let image = executable_with(|image| image.load_mut(1).memory_size = 0x40);
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
}

#[test]
fn offset_and_address_in_different_page_positions_is_einval() {
    let image = executable_with(|image| image.load_mut(2).file_offset = 0x2018);
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
}

#[test]
fn misalignment_does_not_matter_for_a_segment_without_file_data() {
    let image = executable_with(|image| {
        let data = image.load_mut(2);
        data.file_offset = 0x2018;
        data.file_size = 0;
    });
    assert!(parse_image(&image).is_ok());
}

/// Linux maps later segments over earlier ones (`MAP_FIXED`); the plan keeps both, in order,
/// and its span reaches the end of the one that ends highest.
#[test]
fn overlapping_segments_are_accepted() {
    let image = executable_with(|image| image.load_mut(1).memory_size = 0x2000);
    let plan = parse_image(&image).unwrap();
    let highest_end = plan.segments.iter().map(|segment| segment.end()).max();
    let overlaps = |pair: &[elf_loader::Segment]| pair[0].end() > pair[1].virtual_address;
    assert!(plan.segments.windows(2).any(overlaps));
    assert_eq!(
        Some(plan.span.1),
        highest_end.map(|end| end.next_multiple_of(4096))
    );
}

#[test]
fn unsorted_segments_are_einval() {
    let image = executable_with(|image| image.program_headers.swap(1, 2));
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
}

#[test]
fn sizes_that_overflow_are_enomem_or_einval() {
    let cases: [(Change, Errno); 4] = [
        (
            |image| image.load_mut(2).memory_size = u64::MAX,
            Errno::ENOMEM,
        ),
        (
            |image| image.load_mut(2).memory_size = u64::MAX - 0x2010,
            Errno::ENOMEM,
        ),
        (
            |image| image.load_mut(1).file_size = u64::MAX - 0x10,
            Errno::ENOMEM,
        ),
        (
            |image| {
                let text = image.load_mut(1);
                text.file_offset = u64::MAX - 0xfff;
                text.file_size = 0x2000;
            },
            Errno::EINVAL,
        ),
    ];
    for (change, expected) in cases {
        assert_eq!(parse_image(&executable_with(change)), Err(expected));
    }
}

#[test]
fn segment_beyond_user_space_is_enomem_when_mapped_and_einval_otherwise() {
    let cases: [(Change, Errno); 4] = [
        // elf_map() of the file data fails in get_unmapped_area().
        (
            |image| image.load_mut(2).virtual_address = TASK_SIZE_MAX + 0x10,
            Errno::ENOMEM,
        ),
        (
            |image| {
                let data = image.load_mut(2);
                data.virtual_address = TASK_SIZE_MAX - 0x10;
                data.file_offset = 0x1ff0;
            },
            Errno::ENOMEM,
        ),
        // vm_brk_flags() of the bss fails the same way.
        (
            |image| image.load_mut(2).virtual_address = TASK_SIZE_MAX - 0x1ff0,
            Errno::ENOMEM,
        ),
        // Nothing to map, so only the explicit BAD_ADDR check catches it.
        (
            |image| {
                let empty = image.load_mut(2);
                empty.virtual_address = TASK_SIZE_MAX;
                empty.file_offset = 0x2000;
                empty.file_size = 0;
                empty.memory_size = 0;
            },
            Errno::EINVAL,
        ),
    ];
    for (index, (change, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            parse_image(&executable_with(change)),
            Err(expected),
            "case {index}"
        );
    }
}

#[test]
fn relocatable_segment_beyond_user_space_is_einval_before_placement() {
    let mut image = ElfImage::static_pie();
    image.load_mut(2).virtual_address = TASK_SIZE_MAX + 0x10;
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
}

#[test]
fn relocatable_image_that_does_not_fit_at_the_base_is_enomem() {
    let mut image = ElfImage::static_pie();
    let data = image.load_mut(2);
    data.virtual_address = 0x4000_0000_0010;
    data.file_offset = 0x2010;
    let plan = parse_image(&image).unwrap();
    assert_eq!(plan.apply_bias(ELF_ET_DYN_BASE), Err(Errno::ENOMEM));
}

#[test]
fn relocatable_image_linked_above_the_base_is_enomem() {
    let mut image = ElfImage::static_pie();
    for (index, address) in [
        (0, 0x6000_0000_0000),
        (1, 0x6000_0000_1000),
        (2, 0x6000_0000_2010),
    ] {
        image.load_mut(index).virtual_address = address;
    }
    image.entry = 0x6000_0000_1000;
    let plan = parse_image(&image).unwrap();
    assert_eq!(plan.apply_bias(ELF_ET_DYN_BASE), Err(Errno::ENOMEM));
}

#[test]
fn relocatable_image_whose_loads_span_nothing_is_einval() {
    let mut image = ElfImage::static_pie();
    image
        .program_headers
        .retain(|header| header.segment_type != SEGMENT_LOAD);
    image
        .program_headers
        .push(ProgramHeaderSpec::load(READ, 0x1000, 0x1000, (0, 0)));
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
}

#[test]
fn segment_data_past_the_end_of_the_file_is_enoexec() {
    let image = executable_with(|image| {
        image.length = Some(0x2040);
        image.load_mut(2).file_size = 0x31;
    });
    assert_eq!(parse_image(&image), Err(Errno::ENOEXEC));
}

#[test]
fn entry_point_beyond_user_space_is_einval() {
    let image = executable_with(|image| image.entry = TASK_SIZE_MAX);
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
    let mut pie = ElfImage::static_pie();
    pie.entry = TASK_SIZE_MAX - 0x1000;
    let plan = parse_image(&pie).unwrap();
    assert_eq!(plan.apply_bias(ELF_ET_DYN_BASE), Err(Errno::EINVAL));
}

#[test]
fn alignment_that_is_not_a_power_of_two_fails_only_the_strict_check() {
    let image = executable_with(|image| image.load_mut(1).alignment = 0x1800);
    let plan = parse_image(&image).expect("Linux ignores a bad p_align");
    assert_eq!(plan.check_strict(), Err(Errno::EINVAL));
}

#[test]
fn address_not_congruent_to_offset_modulo_alignment_fails_only_the_strict_check() {
    // Text is at 0x401000 from offset 0x1000: 4 MiB apart, not a multiple of 8 MiB.
    let image = executable_with(|image| image.load_mut(1).alignment = 0x80_0000);
    let plan = parse_image(&image).unwrap();
    assert_eq!(plan.check_strict(), Err(Errno::EINVAL));
}

#[test]
fn interpreter_without_terminating_nul_is_enoexec() {
    let image = ElfImage::static_pie().with_interpreter(b"/lib/ld.so");
    assert_eq!(parse_image(&image), Err(Errno::ENOEXEC));
}

#[test]
fn interpreter_shorter_than_two_or_longer_than_path_max_is_enoexec() {
    assert_eq!(
        parse_image(&ElfImage::static_pie().with_interpreter(b"\0")),
        Err(Errno::ENOEXEC)
    );
    let mut image = ElfImage::static_pie().with_interpreter(b"/lib/ld.so\0");
    image.program_headers[0].file_size = 4097;
    image.length = Some(0x3000);
    assert_eq!(parse_image(&image), Err(Errno::ENOEXEC));
    image.program_headers[0].file_size = 4096;
    image.contents.push((0x300 + 4095, b"x".to_vec()));
    assert_eq!(
        parse_image(&image),
        Err(Errno::ENOEXEC),
        "byte 4095 is not NUL"
    );
}

#[test]
fn interpreter_outside_the_file_is_eio_or_einval_as_kernel_read() {
    let mut image = ElfImage::static_pie().with_interpreter(b"/lib/ld.so\0");
    image.program_headers[0].file_offset = 0x10_0000;
    assert_eq!(parse_image(&image), Err(Errno::EIO));
    image.program_headers[0].file_offset = u64::MAX - 4;
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
}

#[test]
fn interpreter_errors_come_before_segment_errors_as_in_linux() {
    let mut image = ElfImage::static_pie().with_interpreter(b"/lib/ld.so");
    image.load_mut(1).memory_size = 0; // file size above memory size: EINVAL, checked later
    assert_eq!(parse_image(&image), Err(Errno::ENOEXEC));
}

#[test]
fn first_bad_segment_decides_the_errno() {
    let image = executable_with(|image| {
        image.load_mut(1).memory_size = 0x40; // EINVAL
        image.load_mut(2).virtual_address = TASK_SIZE_MAX; // ENOMEM, but later
        image
            .program_headers
            .push(ProgramHeaderSpec::other(SEGMENT_LOAD, READ | WRITE));
    });
    assert_eq!(parse_image(&image), Err(Errno::EINVAL));
}

/// The interpreter's header, as `load_elf_binary()` reads it: short is `EIO`, not ELF or not
/// x86_64 is `ELIBBAD`, a valid x86_64 ELF passes.
#[test]
fn interpreter_headers_are_checked_as_linux_does() {
    let valid = ElfImage::static_executable().build();
    assert_eq!(elf_loader::check_interpreter_header(&valid), Ok(()));
    assert_eq!(
        elf_loader::check_interpreter_header(&valid[..63]),
        Err(Errno::EIO)
    );
    assert_eq!(
        elf_loader::check_interpreter_header(&[b'#'; 64]),
        Err(Errno::ELIBBAD)
    );
    let foreign = executable_with(|image| image.machine = MACHINE_AARCH64).build();
    assert_eq!(
        elf_loader::check_interpreter_header(&foreign),
        Err(Errno::ELIBBAD)
    );
}
