//! The ELF64 on-disk format: constants and bounds-checked little-endian field reads.
//!
//! Values come from the System V gABI and Linux's `include/uapi/linux/elf.h` and
//! `include/uapi/linux/elf-em.h`. Parsing is by hand, with explicit little-endian reads through
//! `get()`, so no input can make it index out of bounds.

/// `ELFMAG`: the four bytes every ELF file starts with.
pub const ELF_MAGIC: [u8; 4] = *b"\x7fELF";

/// `ET_EXEC`: an executable linked at fixed addresses.
pub const TYPE_EXECUTABLE: u16 = 2;
/// `ET_DYN`: a position-independent image (PIE, static-PIE, or a shared object).
pub const TYPE_DYNAMIC: u16 = 3;
/// `EM_X86_64`.
pub const MACHINE_X86_64: u16 = 62;

/// `sizeof(struct elf64_phdr)`: the only `e_phentsize` Linux accepts.
pub const PROGRAM_HEADER_SIZE: u16 = 56;

/// `PT_LOAD`: a segment to map.
pub const SEGMENT_LOAD: u32 = 1;
/// `PT_INTERP`: the path of the program interpreter.
pub const SEGMENT_INTERPRETER: u32 = 3;
/// `PT_TLS`: the thread-local storage template.
pub const SEGMENT_TLS: u32 = 7;
/// `PT_GNU_STACK`: its `PF_X` flag says whether the stack is executable.
pub const SEGMENT_GNU_STACK: u32 = 0x6474_e551;

/// `PF_X`.
pub const FLAG_EXECUTE: u32 = 1;
/// `PF_W`.
pub const FLAG_WRITE: u32 = 2;
/// `PF_R`.
pub const FLAG_READ: u32 = 4;

/// A little-endian `u16` at `offset`, or `None` past the end of `bytes`.
pub fn read_u16(bytes: &[u8], offset: usize) -> Option<u16> {
    let field = bytes.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes(field.try_into().ok()?))
}

/// A little-endian `u32` at `offset`, or `None` past the end of `bytes`.
pub fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let field = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// A little-endian `u64` at `offset`, or `None` past the end of `bytes`.
pub fn read_u64(bytes: &[u8], offset: usize) -> Option<u64> {
    let field = bytes.get(offset..offset.checked_add(8)?)?;
    Some(u64::from_le_bytes(field.try_into().ok()?))
}

/// One `struct elf64_phdr`, as read from the file, not yet validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramHeader {
    pub segment_type: u32,
    pub flags: u32,
    pub file_offset: u64,
    pub virtual_address: u64,
    pub file_size: u64,
    pub memory_size: u64,
    pub alignment: u64,
}

impl ProgramHeader {
    /// Decodes one entry; `None` if `entry` is shorter than [`PROGRAM_HEADER_SIZE`].
    pub fn decode(entry: &[u8]) -> Option<ProgramHeader> {
        Some(ProgramHeader {
            segment_type: read_u32(entry, 0)?,
            flags: read_u32(entry, 4)?,
            file_offset: read_u64(entry, 8)?,
            virtual_address: read_u64(entry, 16)?,
            // p_paddr at 24 is unused by Linux's loader.
            file_size: read_u64(entry, 32)?,
            memory_size: read_u64(entry, 40)?,
            alignment: read_u64(entry, 48)?,
        })
    }

    pub fn is_load(&self) -> bool {
        self.segment_type == SEGMENT_LOAD
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_little_endian_fields_and_refuses_short_input() {
        let bytes = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
        assert_eq!(read_u16(&bytes, 0), Some(0x0201));
        assert_eq!(read_u32(&bytes, 4), Some(0x0807_0605));
        assert_eq!(read_u64(&bytes, 0), Some(0x0807_0605_0403_0201));
        assert_eq!(read_u16(&bytes, 7), None);
        assert_eq!(read_u64(&bytes, 1), None);
        assert_eq!(read_u32(&bytes, usize::MAX), None);
    }

    #[test]
    fn program_header_needs_all_fifty_six_bytes() {
        let mut entry = [0u8; 56];
        entry[0] = 1;
        entry[48] = 0x10;
        let header = ProgramHeader::decode(&entry).unwrap();
        assert!(header.is_load());
        assert_eq!(header.alignment, 0x10);
        assert_eq!(ProgramHeader::decode(&entry[..55]), None);
    }
}
