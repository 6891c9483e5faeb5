//! Round trips through the encoder and the lookup, and lookups in damaged tables.

use alloc::{format, string::String, vec::Vec};

use crate::{
    EncodeError, Location, MAGIC, MAX_NAME_BYTES, Symbol, SymbolTable, TableError, encode,
};

const OPEN: Symbol<'static> = Symbol {
    address: 0xffff_ffff_8020_1000,
    size: 0x40,
    name: "kernel::fs::open",
};
const CLOSE: Symbol<'static> = Symbol {
    address: 0xffff_ffff_8020_1040,
    size: 0x20,
    name: "kernel::fs::close",
};
/// Leaves a gap of 0x60 bytes after `CLOSE` (padding between functions).
const READ: Symbol<'static> = Symbol {
    address: 0xffff_ffff_8020_10c0,
    size: 0x10,
    name: "kernel::fs::read",
};

fn table_of(symbols: &[Symbol<'_>]) -> Vec<u8> {
    encode(symbols).expect("the symbols encode")
}

fn name_at(table: &SymbolTable<'_>, address: u64) -> Option<String> {
    table.lookup(address).map(|location| format!("{location}"))
}

#[test]
fn every_byte_of_a_function_maps_to_its_name_and_offset() {
    let bytes = table_of(&[READ, OPEN, CLOSE]);
    let table = SymbolTable::parse(&bytes).expect("the table parses");
    assert_eq!(table.len(), 3);
    assert_eq!(
        table.lookup(OPEN.address),
        Some(Location {
            name: "kernel::fs::open",
            offset: 0,
            size: 0x40
        })
    );
    assert_eq!(
        name_at(&table, OPEN.address + 0x1c).as_deref(),
        Some("kernel::fs::open+0x1c")
    );
    assert_eq!(
        name_at(&table, OPEN.address + 0x3f).as_deref(),
        Some("kernel::fs::open+0x3f")
    );
    assert_eq!(
        name_at(&table, CLOSE.address).as_deref(),
        Some("kernel::fs::close+0x0")
    );
    assert_eq!(
        name_at(&table, READ.address + 0xf).as_deref(),
        Some("kernel::fs::read+0xf")
    );
}

#[test]
fn addresses_outside_every_function_have_no_name() {
    let bytes = table_of(&[OPEN, CLOSE, READ]);
    let table = SymbolTable::parse(&bytes).expect("the table parses");
    assert_eq!(
        table.lookup(OPEN.address - 1),
        None,
        "below the first function"
    );
    assert_eq!(
        table.lookup(CLOSE.address + 0x20),
        None,
        "in the gap after close"
    );
    assert_eq!(
        table.lookup(READ.address + 0x10),
        None,
        "past the last function"
    );
    assert_eq!(table.lookup(0), None);
    assert_eq!(table.lookup(u64::MAX), None);
    let low = Symbol {
        address: 0x1000,
        size: 0x10,
        name: "low",
    };
    let low_bytes = table_of(&[low]);
    let low_table = SymbolTable::parse(&low_bytes).expect("the table parses");
    assert_eq!(
        low_table.lookup(0x1000 + (1 << 32)),
        None,
        "beyond a u32 offset"
    );
    assert_eq!(
        low_table.lookup(0x1004).map(|location| location.name),
        Some("low")
    );
}

#[test]
fn a_return_address_names_the_calling_function_even_past_its_end() {
    let bytes = table_of(&[OPEN, CLOSE]);
    let table = SymbolTable::parse(&bytes).expect("the table parses");
    // A call to a `-> !` function as `open`'s last instruction returns to `close`'s first byte.
    let location = table.lookup_return_address(CLOSE.address);
    assert_eq!(
        location.map(|location| location.name),
        Some("kernel::fs::open")
    );
    assert_eq!(location.map(|location| location.offset), Some(0x40));
    let inside = table.lookup_return_address(OPEN.address + 0x10);
    assert_eq!(inside.map(|location| location.offset), Some(0x10));
    assert_eq!(table.lookup_return_address(0), None);
}

#[test]
fn the_first_symbol_given_for_an_address_wins() {
    let alias = Symbol {
        name: "kernel::fs::open_alias",
        ..OPEN
    };
    let bytes = table_of(&[OPEN, alias, CLOSE]);
    let table = SymbolTable::parse(&bytes).expect("the table parses");
    assert_eq!(table.len(), 2);
    assert_eq!(
        table.lookup(OPEN.address).map(|location| location.name),
        Some("kernel::fs::open")
    );
}

#[test]
fn repeated_names_are_stored_once() {
    let name = "<&T as core::fmt::Debug>::fmt";
    let symbols: Vec<Symbol<'_>> = (0..100)
        .map(|index| Symbol {
            address: 0x1000 + index * 0x10,
            size: 0x10,
            name,
        })
        .collect();
    let bytes = table_of(&symbols);
    assert!(
        bytes.len() < 24 + 100 * 12 + 2 * name.len(),
        "{} bytes",
        bytes.len()
    );
    let table = SymbolTable::parse(&bytes).expect("the table parses");
    assert_eq!(
        table
            .lookup(0x1000 + 57 * 0x10 + 3)
            .map(|location| location.name),
        Some(name)
    );
}

#[test]
fn long_names_are_cut_at_a_character_boundary() {
    // 254 ASCII bytes then a 3-byte character: the character does not fit in 255 bytes.
    let name = format!("{}\u{20ac}tail", "a".repeat(MAX_NAME_BYTES - 1));
    let symbol = Symbol {
        address: 0x1000,
        size: 8,
        name: &name,
    };
    let bytes = table_of(&[symbol]);
    let table = SymbolTable::parse(&bytes).expect("the table parses");
    let stored = table.lookup(0x1000).expect("the symbol is found").name;
    assert_eq!(stored, "a".repeat(MAX_NAME_BYTES - 1));
}

#[test]
fn unencodable_symbols_are_refused() {
    let far_below = Symbol {
        address: OPEN.address - (1 << 32),
        ..CLOSE
    };
    assert!(matches!(
        encode(&[OPEN, far_below]),
        Err(EncodeError::AddressSpanTooLarge { .. })
    ));
    let huge = Symbol {
        size: 1 << 32,
        ..OPEN
    };
    assert_eq!(
        encode(&[huge]),
        Err(EncodeError::SymbolTooLarge {
            address: OPEN.address,
            size: 1 << 32
        })
    );
}

#[test]
fn an_empty_list_encodes_a_table_that_names_nothing() {
    let bytes = table_of(&[]);
    let table = SymbolTable::parse(&bytes).expect("the table parses");
    assert!(table.is_empty());
    assert_eq!(table.lookup(0), None);
    assert_eq!(table.lookup(0x1000), None);
}

#[test]
fn a_region_never_written_holds_no_table() {
    assert_eq!(
        SymbolTable::parse(&[0; 4096]).err(),
        Some(TableError::MissingMagic)
    );
    assert_eq!(
        SymbolTable::parse(&[]).err(),
        Some(TableError::MissingMagic)
    );
    assert_eq!(
        SymbolTable::parse(b"LOAMSYM0").err(),
        Some(TableError::MissingMagic)
    );
}

#[test]
fn a_table_longer_than_its_region_is_refused() {
    let bytes = table_of(&[OPEN, CLOSE, READ]);
    for length in MAGIC.len()..bytes.len() {
        assert_eq!(
            SymbolTable::parse(&bytes[..length]).err(),
            Some(TableError::Truncated),
            "cut to {length} bytes"
        );
    }
    let mut huge_count = bytes.clone();
    huge_count[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        SymbolTable::parse(&huge_count).err(),
        Some(TableError::Truncated)
    );
}

#[test]
fn a_table_in_a_larger_region_ignores_the_rest() {
    let mut region = table_of(&[OPEN]);
    region.extend_from_slice(&[0xa5; 1000]);
    let table = SymbolTable::parse(&region).expect("the table parses");
    assert_eq!(
        table.lookup(OPEN.address + 1).map(|location| location.name),
        Some("kernel::fs::open")
    );
}

#[test]
fn name_offsets_out_of_bounds_give_no_name() {
    let mut bytes = table_of(&[OPEN]);
    // The one entry's name offset (header, then address offset and size).
    bytes[24 + 8..24 + 12].copy_from_slice(&1000u32.to_le_bytes());
    let table = SymbolTable::parse(&bytes).expect("the header is intact");
    assert_eq!(table.lookup(OPEN.address), None);
}

#[test]
fn names_that_are_not_utf8_give_no_name() {
    let mut bytes = table_of(&[OPEN]);
    let name_start = bytes.len() - OPEN.name.len();
    bytes[name_start] = 0xff;
    let table = SymbolTable::parse(&bytes).expect("the header is intact");
    assert_eq!(table.lookup(OPEN.address), None);
}

/// A small deterministic generator, so the damaged-table test needs no dependency.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn randomly_damaged_tables_never_panic_and_name_only_real_functions() {
    let original = table_of(&[OPEN, CLOSE, READ]);
    let mut random = Xorshift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let mut bytes = original.clone();
        for _ in 0..1 + random.next() % 4 {
            let index = (random.next() % bytes.len() as u64) as usize;
            bytes[index] = random.next() as u8;
        }
        let Ok(table) = SymbolTable::parse(&bytes) else {
            continue;
        };
        for probe in [
            0,
            OPEN.address,
            CLOSE.address + 5,
            READ.address + 0xf,
            random.next(),
        ] {
            if let Some(location) = table.lookup(probe) {
                assert!(location.offset < location.size);
            }
            let _ = table.lookup_return_address(probe);
        }
    }
}

#[test]
fn random_bytes_after_the_magic_never_panic() {
    let mut random = Xorshift(0x2545_f491_4f6c_dd1d);
    for _ in 0..2_000 {
        let length = (random.next() % 512) as usize;
        let mut region: Vec<u8> = MAGIC.to_vec();
        region.extend((0..length).map(|_| random.next() as u8));
        // Base address 0 and small counts, so that some random headers describe a table that
        // fits and lookups land in it.
        if let Some(base_address) = region.get_mut(8..16) {
            base_address.fill(0);
        }
        if let Some(count) = region.get_mut(16..20) {
            count.copy_from_slice(&((random.next() % 8) as u32).to_le_bytes());
        }
        if let Some(names) = region.get_mut(20..24) {
            names.copy_from_slice(&((random.next() % 64) as u32).to_le_bytes());
        }
        let Ok(table) = SymbolTable::parse(&region) else {
            continue;
        };
        for _ in 0..16 {
            if let Some(location) = table.lookup(random.next() % 0x1_0000_0000) {
                assert!(location.offset < location.size);
            }
        }
    }
}
