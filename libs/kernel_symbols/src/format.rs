//! The table's byte layout, shared by the encoder and the lookup.
//!
//! All integers are little-endian. The table is position-independent (addresses are offsets
//! from a base stored in the header), so it can be written anywhere inside the image:
//!
//! | bytes | what |
//! |---|---|
//! | 0..8 | [`MAGIC`], which also names the layout's version |
//! | 8..16 | base address: every entry's address is this plus its offset |
//! | 16..20 | entry count |
//! | 20..24 | length of the name area in bytes |
//! | 24.. | entries, [`ENTRY_BYTES`] each, sorted by address: address offset `u32`, size `u32`, name offset `u32` |
//! | then | the name area: each name is a length byte followed by that many bytes of UTF-8 |
//!
//! Names are shared between entries (Rust's legacy mangling gives many trait methods the same
//! demangled name), and a name is at most [`MAX_NAME_BYTES`] long.

/// The first bytes of a table; a region without them holds no table.
pub const MAGIC: [u8; 8] = *b"LOAMSYM1";
/// Bytes before the first entry.
pub const HEADER_BYTES: usize = 24;
/// Bytes per entry.
pub const ENTRY_BYTES: usize = 12;
/// The longest name stored; longer ones are cut at a character boundary (the length is one byte).
pub const MAX_NAME_BYTES: usize = u8::MAX as usize;

/// Where the header's fields start.
pub const BASE_ADDRESS_AT: usize = 8;
pub const ENTRY_COUNT_AT: usize = 16;
pub const NAMES_BYTES_AT: usize = 20;

/// One entry's fields, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The function's start, as an offset from the header's base address.
    pub address_offset: u32,
    /// The function's length in bytes.
    pub size: u32,
    /// Where the function's name starts in the name area.
    pub name_offset: u32,
}

impl Entry {
    pub fn from_bytes(bytes: &[u8; ENTRY_BYTES]) -> Self {
        let [a0, a1, a2, a3, s0, s1, s2, s3, n0, n1, n2, n3] = *bytes;
        Entry {
            address_offset: u32::from_le_bytes([a0, a1, a2, a3]),
            size: u32::from_le_bytes([s0, s1, s2, s3]),
            name_offset: u32::from_le_bytes([n0, n1, n2, n3]),
        }
    }

    pub fn to_bytes(self) -> [u8; ENTRY_BYTES] {
        let [a0, a1, a2, a3] = self.address_offset.to_le_bytes();
        let [s0, s1, s2, s3] = self.size.to_le_bytes();
        let [n0, n1, n2, n3] = self.name_offset.to_le_bytes();
        [a0, a1, a2, a3, s0, s1, s2, s3, n0, n1, n2, n3]
    }
}

/// The `u32` at `at` in `bytes`, if it is all there.
pub fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let field = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// The `u64` at `at` in `bytes`, if it is all there.
pub fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let field = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(field.try_into().ok()?))
}
