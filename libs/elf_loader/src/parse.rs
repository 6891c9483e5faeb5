//! `parse`: from the bytes of a file to a validated [`LoadPlan`], in Linux's order of checks.
//!
//! The order follows `load_elf_binary()` in `fs/binfmt_elf.c`, so that a file with several
//! faults gets the errno Linux would report first: the ELF header, the program header table,
//! `PT_INTERP`, then each `PT_LOAD` in table order, then the entry point.

use alloc::vec::Vec;

use errno::{Errno, Result};

use crate::{
    bias,
    file_header::FileHeader,
    format::{FLAG_EXECUTE, PROGRAM_HEADER_SIZE, ProgramHeader, SEGMENT_GNU_STACK, SEGMENT_TLS},
    interpreter::read_interpreter,
    linux::{TASK_SIZE_MAX, page_start},
    load_segment::{check_follows, validate_load_segment},
    plan::{ImageKind, LoadPlan, ProgramHeaders, StackPermission, TlsTemplate, entry_is_mapped},
    segment::Segment,
};

/// Validates `file`, the whole executable, and returns what to map. `Err` carries the errno
/// `execve` should return; see the crate documentation for the rules.
pub fn parse(file: &[u8]) -> Result<LoadPlan> {
    let header = FileHeader::parse(file)?;
    let program_headers = read_program_headers(file, &header)?;
    let interpreter = read_interpreter(file, &program_headers)?;
    if header.kind == ImageKind::Relocatable {
        check_total_mapping_size(&program_headers)?;
    }
    let file_length = u64::try_from(file.len()).map_err(|_| Errno::EFBIG)?;
    let segments = load_segments(&program_headers, header.kind, file_length)?;
    // Loam's rule: an image with nothing to map is not an executable. Linux starts it and the
    // process faults on its first instruction.
    if segments.is_empty() {
        return Err(Errno::ENOEXEC);
    }
    let span = bias::span(&segments);
    // BAD_ADDR(elf_entry): an entry point at or above TASK_SIZE is EINVAL. A relocatable
    // image's entry is checked once the bias is known.
    if header.kind == ImageKind::Fixed && header.entry >= TASK_SIZE_MAX {
        return Err(Errno::EINVAL);
    }
    Ok(LoadPlan {
        kind: header.kind,
        entry: header.entry,
        entry_is_mapped: entry_is_mapped(&segments, header.entry),
        program_headers: ProgramHeaders {
            virtual_address: program_header_address(&segments, header.program_header_offset),
            entry_size: PROGRAM_HEADER_SIZE,
            count: header.program_header_count,
        },
        segments,
        interpreter,
        stack: stack_permission(&program_headers),
        tls: tls_template(&program_headers),
        span,
        load_bias: 0,
    })
}

/// `load_elf_phdrs()` reads `e_phnum` entries at `e_phoff`; a read that comes up short (the
/// table runs past the end of the file, or `e_phoff` is past `i64::MAX`) makes it fail, and
/// `load_elf_binary()` then returns `ENOEXEC`.
fn read_program_headers(file: &[u8], header: &FileHeader) -> Result<Vec<ProgramHeader>> {
    let entry_size = usize::from(PROGRAM_HEADER_SIZE);
    let count = usize::from(header.program_header_count);
    let start = usize::try_from(header.program_header_offset).map_err(|_| Errno::ENOEXEC)?;
    let end = count
        .checked_mul(entry_size)
        .and_then(|length| start.checked_add(length))
        .ok_or(Errno::ENOEXEC)?;
    let table = file.get(start..end).ok_or(Errno::ENOEXEC)?;
    let mut headers = Vec::new();
    headers
        .try_reserve_exact(count)
        .map_err(|_| Errno::ENOMEM)?;
    for entry in table.chunks_exact(entry_size) {
        headers.push(ProgramHeader::decode(entry).ok_or(Errno::ENOEXEC)?);
    }
    Ok(headers)
}

/// For `ET_DYN`, before mapping the first segment Linux computes `total_mapping_size()`, the
/// distance from the lowest `PT_LOAD` page to the highest `PT_LOAD` end (in wrapping unsigned
/// arithmetic, as in C), and fails with `EINVAL` when it is 0.
fn check_total_mapping_size(headers: &[ProgramHeader]) -> Result<()> {
    let mut loads = headers.iter().filter(|header| header.is_load()).peekable();
    if loads.peek().is_none() {
        return Ok(());
    }
    let (lowest, highest) = loads.fold((u64::MAX, 0), |(lowest, highest), header| {
        let end = header.virtual_address.wrapping_add(header.memory_size);
        (
            lowest.min(page_start(header.virtual_address)),
            highest.max(end),
        )
    });
    if highest.wrapping_sub(lowest) == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// Validates every `PT_LOAD` in table order, then Loam's ordering rule against its predecessor.
fn load_segments(
    headers: &[ProgramHeader],
    kind: ImageKind,
    file_length: u64,
) -> Result<Vec<Segment>> {
    let loads = headers.iter().filter(|header| header.is_load());
    let mut segments: Vec<Segment> = Vec::new();
    segments
        .try_reserve_exact(loads.clone().count())
        .map_err(|_| Errno::ENOMEM)?;
    for header in loads {
        let segment = validate_load_segment(header, kind, file_length)?;
        check_follows(segments.last(), &segment)?;
        segments.push(segment);
    }
    Ok(segments)
}

/// `AT_PHDR` as Linux computes it: `e_phoff - p_offset + p_vaddr` for the last `PT_LOAD` with
/// `p_offset <= e_phoff < p_offset + p_filesz`.
fn program_header_address(segments: &[Segment], table_offset: u64) -> Option<u64> {
    segments.iter().rev().find_map(|segment| {
        let data_end = segment.file_offset.saturating_add(segment.file_size);
        let is_covering = segment.file_offset <= table_offset && table_offset < data_end;
        let offset_in_segment = table_offset.checked_sub(segment.file_offset)?;
        is_covering.then(|| segment.virtual_address.checked_add(offset_in_segment))?
    })
}

/// The last `PT_GNU_STACK` decides; without one the x86_64 default is a non-executable stack.
fn stack_permission(headers: &[ProgramHeader]) -> StackPermission {
    let last = headers
        .iter()
        .rev()
        .find(|header| header.segment_type == SEGMENT_GNU_STACK);
    match last {
        Some(header) if header.flags & FLAG_EXECUTE != 0 => StackPermission::Executable,
        _ => StackPermission::NonExecutable,
    }
}

fn tls_template(headers: &[ProgramHeader]) -> Option<TlsTemplate> {
    let header = headers
        .iter()
        .find(|header| header.segment_type == SEGMENT_TLS)?;
    Some(TlsTemplate {
        virtual_address: header.virtual_address,
        file_offset: header.file_offset,
        file_size: header.file_size,
        memory_size: header.memory_size,
        alignment: header.alignment,
    })
}
