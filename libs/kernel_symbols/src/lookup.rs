//! Finding the function an address lies in: no allocation, no panic, whatever the bytes hold.

use core::fmt;

use crate::format::{
    BASE_ADDRESS_AT, ENTRY_BYTES, ENTRY_COUNT_AT, Entry, HEADER_BYTES, MAGIC, NAMES_BYTES_AT,
    read_u32, read_u64,
};

/// Why a region holds no usable table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableError {
    /// The region does not start with [`MAGIC`]: nothing was written into it (a kernel built
    /// without xtask) or it holds another layout version.
    MissingMagic,
    /// The header promises more entries or name bytes than the region holds.
    Truncated,
}

/// A parsed table, borrowing the region it was read from.
#[derive(Clone, Copy, Debug)]
pub struct SymbolTable<'a> {
    base_address: u64,
    entries: &'a [[u8; ENTRY_BYTES]],
    names: &'a [u8],
}

/// Where an address lies: a function's name and the distance from its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location<'a> {
    pub name: &'a str,
    pub offset: u64,
    /// The function's length in bytes.
    pub size: u64,
}

impl fmt::Display for Location<'_> {
    /// `name+0x1c`, the form Linux's `%pS` prints (`lib/vsprintf.c`) without the size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{:#x}", self.name, self.offset)
    }
}

impl<'a> SymbolTable<'a> {
    /// Checks the header of the table at the start of `region`; entries and names are checked
    /// as lookups read them.
    pub fn parse(region: &'a [u8]) -> Result<Self, TableError> {
        if region.get(..MAGIC.len()) != Some(MAGIC.as_slice()) {
            return Err(TableError::MissingMagic);
        }
        let base_address = read_u64(region, BASE_ADDRESS_AT).ok_or(TableError::Truncated)?;
        let entry_count = read_u32(region, ENTRY_COUNT_AT).ok_or(TableError::Truncated)?;
        let names_bytes = read_u32(region, NAMES_BYTES_AT).ok_or(TableError::Truncated)?;
        let entries_end = usize::try_from(entry_count)
            .ok()
            .and_then(|count| count.checked_mul(ENTRY_BYTES))
            .and_then(|bytes| bytes.checked_add(HEADER_BYTES))
            .ok_or(TableError::Truncated)?;
        let names_end = usize::try_from(names_bytes)
            .ok()
            .and_then(|bytes| bytes.checked_add(entries_end))
            .ok_or(TableError::Truncated)?;
        let entry_bytes = region
            .get(HEADER_BYTES..entries_end)
            .ok_or(TableError::Truncated)?;
        let names = region
            .get(entries_end..names_end)
            .ok_or(TableError::Truncated)?;
        // `entry_bytes` is a whole number of entries by construction, so nothing is left over.
        let (entries, _) = entry_bytes.as_chunks::<ENTRY_BYTES>();
        Ok(SymbolTable {
            base_address,
            entries,
            names,
        })
    }

    /// How many functions the table names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The function containing the instruction at `address`, if the table names one.
    pub fn lookup(&self, address: u64) -> Option<Location<'a>> {
        let offset = u32::try_from(address.checked_sub(self.base_address)?).ok()?;
        // The last entry starting at or below `offset`. The table is sorted when xtask wrote
        // it; if it is not, the search still ends in bounds and at worst names nothing.
        let following = self
            .entries
            .partition_point(|entry| Entry::from_bytes(entry).address_offset <= offset);
        let entry = Entry::from_bytes(self.entries.get(following.checked_sub(1)?)?);
        let offset_in_function = offset.checked_sub(entry.address_offset)?;
        if offset_in_function >= entry.size {
            return None;
        }
        Some(Location {
            name: self.name_at(entry.name_offset)?,
            offset: offset_in_function.into(),
            size: entry.size.into(),
        })
    }

    /// The function a call returning to `return_address` was made from.
    ///
    /// The call instruction lies just before the address it returns to; looking up the return
    /// address itself would name the next function when the call is a function's last
    /// instruction (a call to a `-> !` function). Linux's `sprint_backtrace` in
    /// `kernel/kallsyms.c` looks up `address - 1` for the same reason; the offset printed is
    /// still the return address's.
    pub fn lookup_return_address(&self, return_address: u64) -> Option<Location<'a>> {
        let location = self.lookup(return_address.checked_sub(1)?)?;
        Some(Location {
            offset: location.offset.checked_add(1)?,
            ..location
        })
    }

    /// The name starting at `offset` in the name area, if it is in bounds and UTF-8.
    fn name_at(&self, offset: u32) -> Option<&'a str> {
        let length_at = usize::try_from(offset).ok()?;
        let length = usize::from(*self.names.get(length_at)?);
        let start = length_at.checked_add(1)?;
        let bytes = self.names.get(start..start.checked_add(length)?)?;
        core::str::from_utf8(bytes).ok()
    }
}
