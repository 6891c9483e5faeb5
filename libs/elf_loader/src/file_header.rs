//! The ELF file header checks that decide whether Linux treats a file as an ELF executable.
//!
//! Linux parses the header out of `bprm->buf`, the first [`BINPRM_BUF_SIZE`] bytes of the file,
//! zero-filled past the end of a short file (`fs/exec.c`: `prepare_binprm`). Every refusal at
//! this stage is `ENOEXEC`, which `search_binary_handler()` reads as "not my format".

use errno::{Errno, Result};

use crate::{
    format::{
        ELF_MAGIC, MACHINE_X86_64, PROGRAM_HEADER_SIZE, TYPE_DYNAMIC, TYPE_EXECUTABLE, read_u16,
        read_u64,
    },
    linux::{BINPRM_BUF_SIZE, PROGRAM_HEADER_TABLE_MAX_BYTES},
    plan::ImageKind,
};

/// Whether `header` (the first bytes of a file) starts with the ELF magic, the test
/// `load_elf_binary()` makes first (`fs/binfmt_elf.c`: `memcmp(elf_ex->e_ident, ELFMAG, SELFMAG)`).
pub fn is_elf(header: &[u8]) -> bool {
    header.get(..ELF_MAGIC.len()) == Some(&ELF_MAGIC[..])
}

/// The fields of `struct elf64_hdr` the loader uses, after validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileHeader {
    pub kind: ImageKind,
    pub entry: u64,
    pub program_header_offset: u64,
    pub program_header_count: u16,
}

impl FileHeader {
    /// Validates the header at the start of `file`, in the order `load_elf_binary()` and
    /// `load_elf_phdrs()` check it. Every failure is `ENOEXEC`.
    pub fn parse(file: &[u8]) -> Result<FileHeader> {
        let buffer = binprm_buffer(file);
        if !is_elf(&buffer) {
            return Err(Errno::ENOEXEC);
        }
        let kind = image_kind(&buffer)?;
        // elf_check_arch() on x86_64 is `e_machine == EM_X86_64` (arch/x86/include/asm/elf.h).
        if field_u16(&buffer, 18)? != MACHINE_X86_64 {
            return Err(Errno::ENOEXEC);
        }
        let program_header_count = check_program_header_table_shape(&buffer)?;
        Ok(FileHeader {
            kind,
            entry: field_u64(&buffer, 24)?,
            program_header_offset: field_u64(&buffer, 32)?,
            program_header_count,
        })
    }
}

/// `bprm->buf`: the first bytes of the file, zeros past its end.
fn binprm_buffer(file: &[u8]) -> [u8; BINPRM_BUF_SIZE] {
    let mut buffer = [0u8; BINPRM_BUF_SIZE];
    let length = file.len().min(BINPRM_BUF_SIZE);
    if let (Some(destination), Some(source)) = (buffer.get_mut(..length), file.get(..length)) {
        destination.copy_from_slice(source);
    }
    buffer
}

/// `e_type`: Linux loads only `ET_EXEC` and `ET_DYN`; `ET_REL` and `ET_CORE` get `ENOEXEC`.
fn image_kind(buffer: &[u8]) -> Result<ImageKind> {
    match field_u16(buffer, 16)? {
        TYPE_EXECUTABLE => Ok(ImageKind::Fixed),
        TYPE_DYNAMIC => Ok(ImageKind::Relocatable),
        _ => Err(Errno::ENOEXEC),
    }
}

/// `load_elf_phdrs()`: `e_phentsize` must be `sizeof(struct elf_phdr)`, and the table must be
/// non-empty and at most `min(65536, ELF_MIN_ALIGN)` bytes, else `ENOEXEC`. Returns `e_phnum`.
fn check_program_header_table_shape(buffer: &[u8]) -> Result<u16> {
    if field_u16(buffer, 54)? != PROGRAM_HEADER_SIZE {
        return Err(Errno::ENOEXEC);
    }
    let count = field_u16(buffer, 56)?;
    let table_bytes = u64::from(count) * u64::from(PROGRAM_HEADER_SIZE);
    if table_bytes == 0 || table_bytes > PROGRAM_HEADER_TABLE_MAX_BYTES {
        return Err(Errno::ENOEXEC);
    }
    Ok(count)
}

fn field_u16(buffer: &[u8], offset: usize) -> Result<u16> {
    read_u16(buffer, offset).ok_or(Errno::ENOEXEC)
}

fn field_u64(buffer: &[u8], offset: usize) -> Result<u64> {
    read_u64(buffer, offset).ok_or(Errno::ENOEXEC)
}
