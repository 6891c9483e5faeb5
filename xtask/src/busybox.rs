//! The host's static busybox, the userland of every initramfs xtask builds.
//!
//! Debian's `busybox-static` installs it as `/bin/busybox`. The dynamic `busybox` package uses the
//! same path, but a dynamic binary cannot run in an initramfs without its libraries, so the file
//! itself is checked: a static ELF has no `PT_INTERP` program header.

use std::{fs, path::Path};

/// Where `busybox-static` installs busybox.
pub const HOST_BUSYBOX: &str = "/bin/busybox";

const ELF_MAGIC: &[u8; 4] = b"\x7fELF";
const ELF_CLASS_64: u8 = 2;
const ELF_LITTLE_ENDIAN: u8 = 1;
const PROGRAM_HEADER_TYPE_INTERPRETER: u32 = 3;

/// Whether `path` is a 64-bit little-endian ELF executable that needs no dynamic loader.
pub fn is_static_executable(path: &Path) -> bool {
    fs::read(path).is_ok_and(|image| is_static_elf(&image))
}

/// Whether the ELF image is 64-bit little-endian and has no `PT_INTERP` program header.
fn is_static_elf(image: &[u8]) -> bool {
    if image.get(..4) != Some(ELF_MAGIC.as_slice())
        || image.get(4) != Some(&ELF_CLASS_64)
        || image.get(5) != Some(&ELF_LITTLE_ENDIAN)
    {
        return false;
    }
    let (Some(table_offset), Some(entry_size), Some(entry_count)) = (
        read_u64(image, 0x20),
        read_u16(image, 0x36),
        read_u16(image, 0x38),
    ) else {
        return false;
    };
    (0..u64::from(entry_count)).all(|index| {
        let offset = table_offset.saturating_add(index.saturating_mul(u64::from(entry_size)));
        let program_header_type = usize::try_from(offset)
            .ok()
            .and_then(|offset| read_u32(image, offset));
        program_header_type.is_some_and(|kind| kind != PROGRAM_HEADER_TYPE_INTERPRETER)
    })
}

fn read_u16(image: &[u8], offset: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        image.get(offset..offset.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn read_u32(image: &[u8], offset: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        image.get(offset..offset.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn read_u64(image: &[u8], offset: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        image.get(offset..offset.checked_add(8)?)?.try_into().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_SIZE: usize = 64;
    const PROGRAM_HEADER_SIZE: usize = 56;

    /// A minimal ELF64 image whose program headers have the given types.
    fn elf_with_program_headers(types: &[u32]) -> Vec<u8> {
        let mut image = vec![0; HEADER_SIZE + types.len() * PROGRAM_HEADER_SIZE];
        image[..4].copy_from_slice(ELF_MAGIC);
        image[4] = ELF_CLASS_64;
        image[5] = ELF_LITTLE_ENDIAN;
        image[0x20..0x28].copy_from_slice(&(HEADER_SIZE as u64).to_le_bytes());
        image[0x36..0x38].copy_from_slice(&(PROGRAM_HEADER_SIZE as u16).to_le_bytes());
        image[0x38..0x3a].copy_from_slice(&(types.len() as u16).to_le_bytes());
        for (index, kind) in types.iter().enumerate() {
            let offset = HEADER_SIZE + index * PROGRAM_HEADER_SIZE;
            image[offset..offset + 4].copy_from_slice(&kind.to_le_bytes());
        }
        image
    }

    #[test]
    fn executable_without_interpreter_is_static() {
        assert!(is_static_elf(&elf_with_program_headers(&[1, 1, 4])));
    }

    #[test]
    fn executable_with_interpreter_is_dynamic() {
        assert!(!is_static_elf(&elf_with_program_headers(&[6, 3, 1])));
    }

    #[test]
    fn truncated_program_headers_are_not_static() {
        let mut image = elf_with_program_headers(&[1, 1]);
        image.truncate(HEADER_SIZE + PROGRAM_HEADER_SIZE);
        assert!(!is_static_elf(&image));
    }

    #[test]
    fn scripts_and_32_bit_images_are_not_static_elf() {
        assert!(!is_static_elf(b"#!/bin/sh\n"));
        let mut image = elf_with_program_headers(&[1]);
        image[4] = 1;
        assert!(!is_static_elf(&image));
    }
}
