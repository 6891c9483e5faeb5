//! Real binaries from the host: Debian's static busybox, a dynamic PIE, and every ELF
//! executable in `/usr/bin`. Skipped, with a note, where a file is absent.

use std::{fs, path::Path};

use elf_loader::{ELF_ET_DYN_BASE, ImageKind, LoadPlan, StackPermission, TASK_SIZE_MAX, parse};

/// The file's bytes, or `None` with a note when the host does not have it.
fn read_host_file(path: &str) -> Option<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            eprintln!("skipping {path}: {error}");
            None
        }
    }
}

fn read_u64_at(file: &[u8], offset: usize) -> u64 {
    u64::from_le_bytes(file[offset..offset + 8].try_into().unwrap())
}

/// What must hold of any plan for a real, working program.
fn assert_sane(plan: &LoadPlan, file: &[u8]) {
    assert!(!plan.segments.is_empty());
    for pair in plan.segments.windows(2) {
        assert!(pair[0].end() <= pair[1].virtual_address);
    }
    for segment in &plan.segments {
        assert!(segment.end() <= TASK_SIZE_MAX);
        let copy = segment.file_copy();
        assert!(copy.bytes(file).is_some());
    }
    assert!(plan.entry_is_mapped);
    assert!(plan.program_headers.virtual_address.is_some());
    assert_eq!(
        plan.program_headers.count,
        u16::from_le_bytes([file[56], file[57]])
    );
    assert_eq!(plan.program_break_start(), plan.span.1);
}

#[test]
fn debian_static_busybox_plans_as_a_fixed_image() {
    let Some(file) = read_host_file("/bin/busybox") else {
        return;
    };
    let plan = parse(&file).unwrap();
    if plan.interpreter.is_some() {
        eprintln!("skipping /bin/busybox: it is dynamically linked here");
        return;
    }
    assert_sane(&plan, &file);
    assert_eq!(plan.entry, read_u64_at(&file, 24));
    assert_eq!(plan.stack, StackPermission::NonExecutable);
    if plan.kind == ImageKind::Fixed {
        // The table sits right after the file header, in the first segment.
        let first = &plan.segments[0];
        assert_eq!(
            plan.program_headers.virtual_address,
            Some(first.virtual_address + 64)
        );
    }
    plan.check_strict().unwrap();
}

#[test]
fn dynamic_pie_reports_its_interpreter_and_places_at_the_pie_base() {
    let Some(file) = read_host_file("/bin/ls") else {
        return;
    };
    let plan = parse(&file).unwrap();
    let Some(interpreter) = &plan.interpreter else {
        eprintln!("skipping /bin/ls: it is statically linked here");
        return;
    };
    assert!(interpreter.starts_with(b"/lib"), "{interpreter:?}");
    assert!(!interpreter.contains(&0));
    assert_sane(&plan, &file);
    if plan.kind == ImageKind::Relocatable {
        let placed = plan.clone().apply_bias(ELF_ET_DYN_BASE).unwrap();
        assert_eq!(placed.load_bias % plan.maximum_alignment(), 0);
        assert!(placed.load_bias <= ELF_ET_DYN_BASE);
        assert_sane(&placed, &file);
    }
}

#[test]
fn every_executable_in_usr_bin_plans() {
    let Ok(directory) = fs::read_dir("/usr/bin") else {
        eprintln!("skipping /usr/bin: not readable");
        return;
    };
    let mut paths: Vec<_> = directory
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut checked = 0;
    for path in paths {
        let Some(file) = x86_64_executable(&path) else {
            continue;
        };
        let plan = parse(&file).unwrap_or_else(|error| panic!("{}: {error:?}", path.display()));
        assert_sane(&plan, &file);
        let placed = plan.apply_bias(ELF_ET_DYN_BASE).unwrap();
        assert_sane(&placed, &file);
        checked += 1;
    }
    eprintln!("checked {checked} executables in /usr/bin");
}

/// The file's bytes if it is a regular x86_64 ELF64 executable of reasonable size.
fn x86_64_executable(path: &Path) -> Option<Vec<u8>> {
    let metadata = fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > 64 << 20 {
        return None;
    }
    let file = fs::read(path).ok()?;
    let header = file.get(..20)?;
    let is_x86_64_elf64 = header[..4] == *b"\x7fELF" && header[4] == 2 && header[18] == 62;
    let is_executable_type = matches!(u16::from_le_bytes([header[16], header[17]]), 2 | 3);
    (is_x86_64_elf64 && is_executable_type).then_some(file)
}
