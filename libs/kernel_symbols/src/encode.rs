//! Building a table from a list of symbols (xtask runs this on the host after linking).

use alloc::{collections::BTreeMap, vec::Vec};
use core::fmt;

use crate::format::{ENTRY_BYTES, Entry, HEADER_BYTES, MAGIC, MAX_NAME_BYTES};

/// A function to record: where it starts, how many bytes it spans, and the name to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'a> {
    pub address: u64,
    pub size: u64,
    pub name: &'a str,
}

/// Why a list of symbols cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// A symbol lies more than 4 GiB above the lowest one (offsets are `u32`).
    AddressSpanTooLarge { address: u64, base_address: u64 },
    /// A symbol is 4 GiB or longer (sizes are `u32`).
    SymbolTooLarge { address: u64, size: u64 },
    /// More symbols, or more name bytes, than a `u32` counts.
    TableTooLarge,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::AddressSpanTooLarge {
                address,
                base_address,
            } => write!(
                f,
                "symbol at {address:#x} is more than 4 GiB above the first one at {base_address:#x}"
            ),
            EncodeError::SymbolTooLarge { address, size } => {
                write!(f, "symbol at {address:#x} spans {size:#x} bytes")
            }
            EncodeError::TableTooLarge => write!(f, "too many symbols or name bytes"),
        }
    }
}

/// Encodes `symbols` (in any order) as a table (layout in `format.rs`).
///
/// Where several symbols start at the same address, the first one in `symbols` is kept, so the
/// caller lists the names it prefers first. Names longer than [`MAX_NAME_BYTES`] are cut.
pub fn encode(symbols: &[Symbol<'_>]) -> Result<Vec<u8>, EncodeError> {
    let symbols = sorted_by_address(symbols);
    let base_address = symbols.first().map_or(0, |symbol| symbol.address);
    let mut entries = Vec::with_capacity(symbols.len() * ENTRY_BYTES);
    let mut names = NameArea::default();
    for symbol in &symbols {
        let entry = Entry {
            address_offset: address_offset(symbol, base_address)?,
            size: u32::try_from(symbol.size).map_err(|_| EncodeError::SymbolTooLarge {
                address: symbol.address,
                size: symbol.size,
            })?,
            name_offset: names.offset_of(truncated(symbol.name))?,
        };
        entries.extend_from_slice(&entry.to_bytes());
    }
    let entry_count = u32::try_from(symbols.len()).map_err(|_| EncodeError::TableTooLarge)?;
    let names_bytes = u32::try_from(names.bytes.len()).map_err(|_| EncodeError::TableTooLarge)?;
    let mut table = Vec::with_capacity(HEADER_BYTES + entries.len() + names.bytes.len());
    table.extend_from_slice(&MAGIC);
    table.extend_from_slice(&base_address.to_le_bytes());
    table.extend_from_slice(&entry_count.to_le_bytes());
    table.extend_from_slice(&names_bytes.to_le_bytes());
    table.extend_from_slice(&entries);
    table.extend_from_slice(&names.bytes);
    Ok(table)
}

/// How far `symbol` starts above the table's base address.
fn address_offset(symbol: &Symbol<'_>, base_address: u64) -> Result<u32, EncodeError> {
    symbol
        .address
        .checked_sub(base_address)
        .and_then(|offset| u32::try_from(offset).ok())
        .ok_or(EncodeError::AddressSpanTooLarge {
            address: symbol.address,
            base_address,
        })
}

/// `symbols` sorted by address, keeping only the first given at each address.
fn sorted_by_address<'a>(symbols: &[Symbol<'a>]) -> Vec<Symbol<'a>> {
    let mut sorted = symbols.to_vec();
    // A stable sort keeps the caller's preference order among symbols at one address.
    sorted.sort_by_key(|symbol| symbol.address);
    sorted.dedup_by_key(|symbol| symbol.address);
    sorted
}

/// `name` cut to at most [`MAX_NAME_BYTES`], at a character boundary.
fn truncated(name: &str) -> &str {
    let end = (0..=MAX_NAME_BYTES.min(name.len()))
        .rev()
        .find(|&index| name.is_char_boundary(index))
        .unwrap_or(0);
    name.get(..end).unwrap_or_default()
}

/// The name area being built: each distinct name stored once, as a length byte and the bytes.
#[derive(Default)]
struct NameArea<'a> {
    bytes: Vec<u8>,
    offsets: BTreeMap<&'a str, u32>,
}

impl<'a> NameArea<'a> {
    /// Where `name` starts in the area, adding it if it is new.
    fn offset_of(&mut self, name: &'a str) -> Result<u32, EncodeError> {
        if let Some(&offset) = self.offsets.get(name) {
            return Ok(offset);
        }
        let offset = u32::try_from(self.bytes.len()).map_err(|_| EncodeError::TableTooLarge)?;
        let length = u8::try_from(name.len()).map_err(|_| EncodeError::TableTooLarge)?;
        self.bytes.push(length);
        self.bytes.extend_from_slice(name.as_bytes());
        self.offsets.insert(name, offset);
        Ok(offset)
    }
}
