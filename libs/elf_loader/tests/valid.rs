//! Valid images: what the plan says for static executables, static-PIEs and PIEs.

mod builder;

use builder::{
    EXECUTE, ElfImage, ProgramHeaderSpec, READ, SEGMENT_GNU_STACK, SEGMENT_PROGRAM_HEADERS, WRITE,
};
use elf_loader::{
    ELF_ET_DYN_BASE, FileCopy, ImageKind, Permissions, StackPermission, TlsTemplate, is_elf, parse,
};

#[test]
fn static_executable_plans_text_data_and_bss() {
    let file = ElfImage::static_executable().build();
    let plan = parse(&file).unwrap();
    assert_eq!(plan.kind, ImageKind::Fixed);
    assert_eq!(plan.entry, 0x40_1000);
    assert!(plan.entry_is_mapped);
    assert_eq!(plan.interpreter, None);
    assert_eq!(plan.load_bias, 0);
    let addresses: Vec<u64> = plan.segments.iter().map(|s| s.virtual_address).collect();
    assert_eq!(addresses, [0x40_0000, 0x40_1000, 0x40_2010]);
    let text = &plan.segments[1];
    assert_eq!(
        text.permissions,
        Permissions {
            is_readable: true,
            is_writable: false,
            is_executable: true
        }
    );
    assert_eq!(
        (text.file_offset, text.file_size, text.memory_size),
        (0x1000, 0x80, 0x80)
    );
    assert_eq!(plan.span, (0x40_0000, 0x40_5000));
    assert_eq!(plan.program_break_start(), 0x40_5000);
    plan.check_strict().unwrap();
}

#[test]
fn data_segment_copies_its_page_and_zeroes_bss_to_the_page_end() {
    let file = ElfImage::static_executable().build();
    let plan = parse(&file).unwrap();
    let data = &plan.segments[2];
    assert_eq!(data.page_range(), 0x40_2000..0x40_5000);
    let copy = data.file_copy();
    assert_eq!(
        copy,
        FileCopy {
            source: 0x2000..0x2040,
            destination: 0x40_2000
        }
    );
    assert_eq!(copy.bytes(&file), Some(&file[0x2000..0x2040]));
    assert_eq!(data.zero_range(), 0x40_2040..0x40_5000);
}

#[test]
fn program_header_address_comes_from_the_segment_holding_the_table() {
    let plan = parse(&ElfImage::static_executable().build()).unwrap();
    assert_eq!(plan.program_headers.virtual_address, Some(0x40_0040));
    assert_eq!(plan.program_headers.entry_size, 56);
    assert_eq!(plan.program_headers.count, 4);
}

#[test]
fn pt_phdr_does_not_change_the_program_header_address() {
    let without = parse(&ElfImage::static_pie().build()).unwrap();
    let mut image = ElfImage::static_pie();
    image.program_headers[0].virtual_address = 0x9999;
    let with_other_pt_phdr = parse(&image.build()).unwrap();
    assert_eq!(without.program_headers.virtual_address, Some(0x40));
    assert_eq!(
        with_other_pt_phdr.program_headers.virtual_address,
        Some(0x40)
    );
    image.program_headers.remove(0);
    let absent = parse(&image.build()).unwrap();
    assert_eq!(absent.program_headers.virtual_address, Some(0x40));
    assert!(
        !image
            .program_headers
            .iter()
            .any(|h| h.segment_type == SEGMENT_PROGRAM_HEADERS)
    );
}

#[test]
fn table_outside_every_segment_has_no_address() {
    let mut image = ElfImage::static_executable();
    image.program_header_offset = 0x1800; // in the file, between text and data
    let plan = parse(&image.build()).unwrap();
    assert_eq!(plan.program_headers.virtual_address, None);
}

#[test]
fn stack_is_not_executable_by_default_and_follows_the_last_gnu_stack() {
    let mut image = ElfImage::static_executable();
    assert_eq!(
        parse(&image.build()).unwrap().stack,
        StackPermission::NonExecutable
    );
    image.program_headers.pop();
    assert_eq!(
        parse(&image.build()).unwrap().stack,
        StackPermission::NonExecutable
    );
    image
        .program_headers
        .push(ProgramHeaderSpec::other(SEGMENT_GNU_STACK, READ | WRITE));
    image.program_headers.push(ProgramHeaderSpec::other(
        SEGMENT_GNU_STACK,
        READ | WRITE | EXECUTE,
    ));
    assert_eq!(
        parse(&image.build()).unwrap().stack,
        StackPermission::Executable
    );
}

#[test]
fn static_pie_is_placed_where_linux_places_a_pie() {
    let plan = parse(&ElfImage::static_pie().build()).unwrap();
    assert_eq!(plan.kind, ImageKind::Relocatable);
    assert_eq!(plan.span, (0, 0x3000));
    assert_eq!(plan.load_bias_for(ELF_ET_DYN_BASE), Ok(0x5555_5555_4000));
    let placed = plan.apply_bias(ELF_ET_DYN_BASE).unwrap();
    assert_eq!(placed.load_bias, 0x5555_5555_4000);
    assert_eq!(placed.entry, 0x5555_5555_5000);
    assert_eq!(placed.segments[2].virtual_address, 0x5555_5555_6010);
    assert_eq!(
        placed.program_headers.virtual_address,
        Some(0x5555_5555_4040)
    );
    assert_eq!(placed.span, (0x5555_5555_4000, 0x5555_5555_7000));
    assert_eq!(placed.program_break_start(), 0x5555_5555_7000);
    assert_eq!(
        placed.tls.map(|tls| tls.virtual_address),
        Some(0x5555_5555_6010)
    );
    assert!(placed.entry_is_mapped);
}

#[test]
fn load_bias_honours_the_largest_power_of_two_alignment() {
    let mut image = ElfImage::static_pie();
    image.load_mut(1).alignment = 0x20_0000;
    image.load_mut(2).alignment = 0x30_0000; // not a power of two: Linux skips it
    let plan = parse(&image.build()).unwrap();
    assert_eq!(plan.maximum_alignment(), 0x20_0000);
    assert_eq!(plan.load_bias_for(ELF_ET_DYN_BASE), Ok(0x5555_5540_0000));
}

#[test]
fn fixed_image_ignores_the_base_and_biased_plan_refuses_a_second_bias() {
    let plan = parse(&ElfImage::static_executable().build()).unwrap();
    assert_eq!(plan.clone().apply_bias(ELF_ET_DYN_BASE), Ok(plan));
    let placed = parse(&ElfImage::static_pie().build())
        .unwrap()
        .apply_bias(ELF_ET_DYN_BASE)
        .unwrap();
    assert_eq!(
        placed.apply_bias(ELF_ET_DYN_BASE),
        Err(errno::Errno::EINVAL)
    );
}

#[test]
fn tls_template_is_reported() {
    let plan = parse(&ElfImage::static_pie().build()).unwrap();
    let expected = TlsTemplate {
        virtual_address: 0x2010,
        file_offset: 0x2010,
        file_size: 8,
        memory_size: 0x20,
        alignment: 8,
    };
    assert_eq!(plan.tls, Some(expected));
}

#[test]
fn interpreter_path_is_returned_without_its_nul() {
    let path = b"/lib64/ld-linux-x86-64.so.2\0";
    let file = ElfImage::static_pie().with_interpreter(path).build();
    let plan = parse(&file).unwrap();
    assert_eq!(plan.interpreter.as_deref(), Some(&path[..path.len() - 1]));
    assert_eq!(plan.kind, ImageKind::Relocatable);
}

#[test]
fn interpreter_path_stops_at_its_first_nul_as_open_exec_reads_it() {
    let file = ElfImage::static_pie()
        .with_interpreter(b"/lib/ld\0junk\0")
        .build();
    let plan = parse(&file).unwrap();
    assert_eq!(plan.interpreter.as_deref(), Some(&b"/lib/ld"[..]));
}

#[test]
fn seventy_three_program_headers_are_the_most_linux_reads() {
    let mut image = ElfImage::static_executable();
    image.program_header_offset = 0x2040;
    while image.program_headers.len() < 73 {
        image.program_headers.push(ProgramHeaderSpec::other(0, 0));
    }
    assert!(parse(&image.build()).is_ok());
}

#[test]
fn segments_may_share_a_page_without_overlapping() {
    let mut image = ElfImage::static_executable();
    // Data starts right after text, in the same page.
    let data = image.load_mut(2);
    data.virtual_address = 0x40_1080;
    data.file_offset = 0x1080;
    let plan = parse(&image.build()).unwrap();
    assert_eq!(
        plan.segments[1].page_range().end,
        plan.segments[2].page_range().start + 0x1000
    );
}

#[test]
fn entry_outside_every_segment_is_reported_and_refused_only_when_strict() {
    let mut image = ElfImage::static_executable();
    image.entry = 0x40_2010; // in the data segment, which is not executable
    let plan = parse(&image.build()).unwrap();
    assert!(!plan.entry_is_mapped);
    assert_eq!(plan.check_strict(), Err(errno::Errno::ENOEXEC));
    image.entry = 0x7000_0000;
    assert!(!parse(&image.build()).unwrap().entry_is_mapped);
}

#[test]
fn is_elf_looks_at_the_magic_only() {
    assert!(is_elf(b"\x7fELF"));
    assert!(is_elf(&ElfImage::static_executable().build()));
    assert!(!is_elf(b"\x7fEL"));
    assert!(!is_elf(b"#!/bin/sh\n"));
    assert!(!is_elf(b""));
}
