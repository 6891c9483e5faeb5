//! A small ELF64 writer for tests: a file header, a program header table and segment bytes.
//!
//! Tests start from one of the typical images ([`ElfImage::static_executable`],
//! [`ElfImage::static_pie`]), change the field under test, and call [`ElfImage::build`]. Each
//! `PT_LOAD`'s file bytes are filled with a distinct pattern so copies can be checked.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the builder"
)]

pub const TYPE_RELOCATABLE_OBJECT: u16 = 1;
pub const TYPE_EXECUTABLE: u16 = 2;
pub const TYPE_DYNAMIC: u16 = 3;
pub const TYPE_CORE: u16 = 4;
pub const MACHINE_X86_64: u16 = 62;
pub const MACHINE_I386: u16 = 3;
pub const MACHINE_AARCH64: u16 = 183;

pub const SEGMENT_NULL: u32 = 0;
pub const SEGMENT_LOAD: u32 = 1;
pub const SEGMENT_INTERPRETER: u32 = 3;
pub const SEGMENT_PROGRAM_HEADERS: u32 = 6;
pub const SEGMENT_TLS: u32 = 7;
pub const SEGMENT_GNU_STACK: u32 = 0x6474_e551;

pub const READ: u32 = 4;
pub const WRITE: u32 = 2;
pub const EXECUTE: u32 = 1;

pub const HEADER_SIZE: u64 = 64;
pub const ENTRY_SIZE: u64 = 56;

/// One program header as the test wants it written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramHeaderSpec {
    pub segment_type: u32,
    pub flags: u32,
    pub file_offset: u64,
    pub virtual_address: u64,
    pub file_size: u64,
    pub memory_size: u64,
    pub alignment: u64,
}

impl ProgramHeaderSpec {
    pub fn load(flags: u32, file_offset: u64, virtual_address: u64, sizes: (u64, u64)) -> Self {
        ProgramHeaderSpec {
            segment_type: SEGMENT_LOAD,
            flags,
            file_offset,
            virtual_address,
            file_size: sizes.0,
            memory_size: sizes.1,
            alignment: 0x1000,
        }
    }

    pub fn other(segment_type: u32, flags: u32) -> Self {
        ProgramHeaderSpec {
            segment_type,
            flags,
            file_offset: 0,
            virtual_address: 0,
            file_size: 0,
            memory_size: 0,
            alignment: 0x10,
        }
    }
}

/// Every field of the file, editable before [`ElfImage::build`].
#[derive(Clone, Debug)]
pub struct ElfImage {
    pub magic: [u8; 4],
    pub class: u8,
    pub data_encoding: u8,
    pub ident_version: u8,
    pub image_type: u16,
    pub machine: u16,
    pub entry: u64,
    pub program_header_offset: u64,
    pub program_header_entry_size: u16,
    /// `e_phnum`; `None` writes the number of `program_headers`.
    pub program_header_count: Option<u16>,
    pub program_headers: Vec<ProgramHeaderSpec>,
    /// Extra bytes written at file offsets, after everything else.
    pub contents: Vec<(u64, Vec<u8>)>,
    /// The file's length; `None` ends it after the last byte written or covered by a segment.
    pub length: Option<usize>,
}

impl ElfImage {
    /// A static `ET_EXEC` at 0x400000 like a small static glibc or musl binary: a read-only
    /// segment holding the headers, text, and data followed by bss.
    pub fn static_executable() -> Self {
        ElfImage {
            magic: *b"\x7fELF",
            class: 2,
            data_encoding: 1,
            ident_version: 1,
            image_type: TYPE_EXECUTABLE,
            machine: MACHINE_X86_64,
            entry: 0x40_1000,
            program_header_offset: HEADER_SIZE,
            program_header_entry_size: 56,
            program_header_count: None,
            program_headers: vec![
                ProgramHeaderSpec::load(READ, 0, 0x40_0000, (0x400, 0x400)),
                ProgramHeaderSpec::load(READ | EXECUTE, 0x1000, 0x40_1000, (0x80, 0x80)),
                ProgramHeaderSpec::load(READ | WRITE, 0x2010, 0x40_2010, (0x30, 0x2000)),
                ProgramHeaderSpec::other(SEGMENT_GNU_STACK, READ | WRITE),
            ],
            contents: Vec::new(),
            length: None,
        }
    }

    /// A static-PIE (`ET_DYN` without `PT_INTERP`) linked at 0, with `PT_PHDR` and `PT_TLS`.
    pub fn static_pie() -> Self {
        let mut image = ElfImage::static_executable();
        image.image_type = TYPE_DYNAMIC;
        image.entry = 0x1000;
        let table_size = 6 * ENTRY_SIZE;
        image.program_headers = vec![
            ProgramHeaderSpec {
                segment_type: SEGMENT_PROGRAM_HEADERS,
                flags: READ,
                file_offset: HEADER_SIZE,
                virtual_address: HEADER_SIZE,
                file_size: table_size,
                memory_size: table_size,
                alignment: 8,
            },
            ProgramHeaderSpec::load(READ, 0, 0, (0x400, 0x400)),
            ProgramHeaderSpec::load(READ | EXECUTE, 0x1000, 0x1000, (0x80, 0x80)),
            ProgramHeaderSpec::load(READ | WRITE, 0x2010, 0x2010, (0x30, 0x100)),
            ProgramHeaderSpec {
                segment_type: SEGMENT_TLS,
                flags: READ,
                file_offset: 0x2010,
                virtual_address: 0x2010,
                file_size: 0x8,
                memory_size: 0x20,
                alignment: 8,
            },
            ProgramHeaderSpec::other(SEGMENT_GNU_STACK, READ | WRITE),
        ];
        image
    }

    /// Adds a `PT_INTERP` holding `path` (written as given, so a test controls the NUL) at
    /// offset 0x300, inside the first segment.
    pub fn with_interpreter(mut self, path: &[u8]) -> Self {
        let header = ProgramHeaderSpec {
            segment_type: SEGMENT_INTERPRETER,
            flags: READ,
            file_offset: 0x300,
            virtual_address: 0x300,
            file_size: path.len() as u64,
            memory_size: path.len() as u64,
            alignment: 1,
        };
        self.program_headers.insert(0, header);
        self.contents.push((0x300, path.to_vec()));
        self
    }

    /// The index in `program_headers` of the `n`th `PT_LOAD`.
    pub fn load_index(&self, n: usize) -> usize {
        self.program_headers
            .iter()
            .enumerate()
            .filter(|(_, header)| header.segment_type == SEGMENT_LOAD)
            .nth(n)
            .map(|(index, _)| index)
            .expect("the image has that many PT_LOAD headers")
    }

    /// The `n`th `PT_LOAD`, to edit.
    pub fn load_mut(&mut self, n: usize) -> &mut ProgramHeaderSpec {
        let index = self.load_index(n);
        &mut self.program_headers[index]
    }

    pub fn build(&self) -> Vec<u8> {
        let mut file = vec![0u8; self.natural_length()];
        self.fill_segments(&mut file);
        self.write_file_header(&mut file);
        self.write_program_headers(&mut file);
        for (offset, bytes) in &self.contents {
            write(&mut file, *offset, bytes);
        }
        file.resize(self.length.unwrap_or(file.len()), 0);
        file
    }

    fn natural_length(&self) -> usize {
        let table_end = self.program_header_offset.saturating_add(self.table_size());
        let segment_ends = self
            .program_headers
            .iter()
            .filter(|header| header.segment_type == SEGMENT_LOAD)
            .map(|header| header.file_offset.saturating_add(header.file_size));
        let content_ends = self
            .contents
            .iter()
            .map(|(offset, bytes)| offset + bytes.len() as u64);
        let end = segment_ends
            .chain(content_ends)
            .chain([HEADER_SIZE, table_end])
            .filter(|end| *end <= 1 << 24)
            .max()
            .unwrap_or(HEADER_SIZE);
        end as usize
    }

    fn table_size(&self) -> u64 {
        self.program_headers.len() as u64 * ENTRY_SIZE
    }

    fn fill_segments(&self, file: &mut [u8]) {
        let loads = self
            .program_headers
            .iter()
            .filter(|header| header.segment_type == SEGMENT_LOAD);
        for (index, header) in loads.enumerate() {
            let pattern = 0x11 * (index as u8 + 1);
            let Ok(length) = usize::try_from(header.file_size) else {
                continue;
            };
            write(
                file,
                header.file_offset,
                &vec![pattern; length.min(1 << 24)],
            );
        }
    }

    fn write_file_header(&self, file: &mut [u8]) {
        let count = self
            .program_header_count
            .unwrap_or(self.program_headers.len() as u16);
        let mut header = Vec::with_capacity(64);
        header.extend_from_slice(&self.magic);
        header.extend_from_slice(&[self.class, self.data_encoding, self.ident_version]);
        header.extend_from_slice(&[0; 9]);
        header.extend_from_slice(&self.image_type.to_le_bytes());
        header.extend_from_slice(&self.machine.to_le_bytes());
        header.extend_from_slice(&1u32.to_le_bytes());
        header.extend_from_slice(&self.entry.to_le_bytes());
        header.extend_from_slice(&self.program_header_offset.to_le_bytes());
        header.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
        header.extend_from_slice(&0u32.to_le_bytes()); // e_flags
        header.extend_from_slice(&64u16.to_le_bytes()); // e_ehsize
        header.extend_from_slice(&self.program_header_entry_size.to_le_bytes());
        header.extend_from_slice(&count.to_le_bytes());
        header.extend_from_slice(&[0; 6]); // e_shentsize, e_shnum, e_shstrndx
        write(file, 0, &header);
    }

    fn write_program_headers(&self, file: &mut [u8]) {
        for (index, header) in self.program_headers.iter().enumerate() {
            let mut entry = Vec::with_capacity(56);
            entry.extend_from_slice(&header.segment_type.to_le_bytes());
            entry.extend_from_slice(&header.flags.to_le_bytes());
            entry.extend_from_slice(&header.file_offset.to_le_bytes());
            entry.extend_from_slice(&header.virtual_address.to_le_bytes());
            entry.extend_from_slice(&header.virtual_address.to_le_bytes()); // p_paddr
            entry.extend_from_slice(&header.file_size.to_le_bytes());
            entry.extend_from_slice(&header.memory_size.to_le_bytes());
            entry.extend_from_slice(&header.alignment.to_le_bytes());
            let offset = self
                .program_header_offset
                .saturating_add(index as u64 * ENTRY_SIZE);
            write(file, offset, &entry);
        }
    }
}

/// Writes `bytes` at `offset`, dropping whatever falls past the end of `file`.
fn write(file: &mut [u8], offset: u64, bytes: &[u8]) {
    let Ok(start) = usize::try_from(offset) else {
        return;
    };
    for (index, byte) in bytes.iter().enumerate() {
        if let Some(slot) = start.checked_add(index).and_then(|at| file.get_mut(at)) {
            *slot = *byte;
        }
    }
}
