//! The RSDP, system-description headers, the RSDT/XSDT entry list and the FADT.

/// Bytes in a system-description-table header.
pub const SDT_HEADER_BYTES: usize = 36;

/// Why a table was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Shorter than its format or its own length field.
    Truncated,
    /// The signature is not the expected one.
    BadSignature,
    /// The bytes do not sum to zero.
    BadChecksum,
}

/// The root system description pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rsdp {
    /// 0 for ACPI 1.0 (RSDT only), 2 and up for XSDT.
    pub revision: u8,
    /// Physical address of the RSDT.
    pub rsdt_address: u32,
    /// Physical address of the XSDT (revision 2 and up), preferred when present.
    pub xsdt_address: Option<u64>,
}

/// A system-description table header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdtHeader {
    /// Four-letter signature such as `FACP`.
    pub signature: [u8; 4],
    /// Length of the whole table, header included.
    pub length: u32,
}

/// The FADT fields power-off needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fadt {
    /// I/O port of the PM1a control register.
    pub pm1a_control_port: u32,
    /// I/O port of the PM1b control register, if there is one.
    pub pm1b_control_port: Option<u32>,
    /// Physical address of the DSDT.
    pub dsdt_address: u64,
}

fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        bytes.get(offset..offset + 4)?.try_into().ok()?,
    ))
}

fn read_u64(bytes: &[u8], offset: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        bytes.get(offset..offset + 8)?.try_into().ok()?,
    ))
}

fn sums_to_zero(bytes: &[u8]) -> bool {
    bytes.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte)) == 0
}

/// Parses a root pointer (`RSD PTR `), checking both checksums.
pub fn parse_rsdp(bytes: &[u8]) -> Result<Rsdp, Error> {
    let version1 = bytes.get(..20).ok_or(Error::Truncated)?;
    if &version1[..8] != b"RSD PTR " {
        return Err(Error::BadSignature);
    }
    if !sums_to_zero(version1) {
        return Err(Error::BadChecksum);
    }
    let revision = version1[15];
    let rsdt_address = read_u32(version1, 16).ok_or(Error::Truncated)?;
    if revision < 2 {
        return Ok(Rsdp {
            revision,
            rsdt_address,
            xsdt_address: None,
        });
    }
    let length = read_u32(bytes, 20).ok_or(Error::Truncated)? as usize;
    let extended = bytes.get(..length.max(36)).ok_or(Error::Truncated)?;
    if !sums_to_zero(extended) {
        return Err(Error::BadChecksum);
    }
    let xsdt_address = read_u64(extended, 24).filter(|&address| address != 0);
    Ok(Rsdp {
        revision,
        rsdt_address,
        xsdt_address,
    })
}

/// Parses a table header; `bytes` needs only the first [`SDT_HEADER_BYTES`].
pub fn parse_sdt_header(bytes: &[u8]) -> Result<SdtHeader, Error> {
    let header = bytes.get(..SDT_HEADER_BYTES).ok_or(Error::Truncated)?;
    let signature = header[..4].try_into().map_err(|_| Error::Truncated)?;
    let length = read_u32(header, 4).ok_or(Error::Truncated)?;
    if (length as usize) < SDT_HEADER_BYTES {
        return Err(Error::Truncated);
    }
    Ok(SdtHeader { signature, length })
}

/// Checks a whole table: its length covers `bytes`' prefix, its signature and checksum.
fn checked_table<'t>(bytes: &'t [u8], signature: &[u8; 4]) -> Result<&'t [u8], Error> {
    let header = parse_sdt_header(bytes)?;
    if &header.signature != signature {
        return Err(Error::BadSignature);
    }
    let table = bytes
        .get(..header.length as usize)
        .ok_or(Error::Truncated)?;
    if !sums_to_zero(table) {
        return Err(Error::BadChecksum);
    }
    Ok(table)
}

/// The physical addresses listed by an RSDT (`is_xsdt` false, 32-bit entries) or an XSDT.
pub fn root_table_entries(
    bytes: &[u8],
    is_xsdt: bool,
) -> Result<impl Iterator<Item = u64> + '_, Error> {
    let signature = if is_xsdt { b"XSDT" } else { b"RSDT" };
    let table = checked_table(bytes, signature)?;
    let entry_bytes = if is_xsdt { 8 } else { 4 };
    let entries = table[SDT_HEADER_BYTES..].chunks_exact(entry_bytes);
    Ok(entries.map(|entry| {
        entry
            .iter()
            .rev()
            .fold(0u64, |value, byte| value << 8 | u64::from(*byte))
    }))
}

/// Reads the FADT (`FACP`): PM1 control ports and the DSDT address (64-bit field preferred).
pub fn parse_fadt(bytes: &[u8]) -> Result<Fadt, Error> {
    let table = checked_table(bytes, b"FACP")?;
    let dsdt32 = read_u32(table, 40).ok_or(Error::Truncated)?;
    let pm1a_control_port = read_u32(table, 64).ok_or(Error::Truncated)?;
    let pm1b_control_port = read_u32(table, 68).ok_or(Error::Truncated)?;
    let dsdt64 = read_u64(table, 140).unwrap_or(0);
    Ok(Fadt {
        pm1a_control_port,
        pm1b_control_port: (pm1b_control_port != 0).then_some(pm1b_control_port),
        dsdt_address: if dsdt64 != 0 {
            dsdt64
        } else {
            u64::from(dsdt32)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets `bytes[checksum_at]` so that `bytes[..covered]` sums to zero.
    fn set_checksum(bytes: &mut [u8], checksum_at: usize, covered: usize) {
        bytes[checksum_at] = 0;
        let sum = bytes[..covered]
            .iter()
            .fold(0u8, |sum, byte| sum.wrapping_add(*byte));
        bytes[checksum_at] = 0u8.wrapping_sub(sum);
    }

    fn rsdp_v2() -> [u8; 36] {
        let mut bytes = [0u8; 36];
        bytes[..8].copy_from_slice(b"RSD PTR ");
        bytes[15] = 2;
        bytes[16..20].copy_from_slice(&0x1234u32.to_le_bytes());
        bytes[20..24].copy_from_slice(&36u32.to_le_bytes());
        bytes[24..32].copy_from_slice(&0x5678u64.to_le_bytes());
        set_checksum(&mut bytes, 8, 20);
        set_checksum(&mut bytes, 32, 36);
        bytes
    }

    #[test]
    fn version_two_root_pointer_gives_both_tables() {
        let rsdp = parse_rsdp(&rsdp_v2()).unwrap();
        assert_eq!(
            rsdp,
            Rsdp {
                revision: 2,
                rsdt_address: 0x1234,
                xsdt_address: Some(0x5678)
            }
        );
    }

    #[test]
    fn corrupted_root_pointer_is_rejected() {
        let mut bytes = rsdp_v2();
        bytes[16] ^= 1;
        assert_eq!(parse_rsdp(&bytes), Err(Error::BadChecksum));
        assert_eq!(
            parse_rsdp(b"RSD PTX xxxxxxxxxxxxxxxxxxxx"),
            Err(Error::BadSignature)
        );
        assert_eq!(parse_rsdp(b"RSD PTR "), Err(Error::Truncated));
    }

    fn table(signature: &[u8; 4], body: &[u8]) -> std::vec::Vec<u8> {
        let mut bytes = std::vec![0u8; SDT_HEADER_BYTES];
        bytes[..4].copy_from_slice(signature);
        bytes.extend_from_slice(body);
        let length = bytes.len() as u32;
        bytes[4..8].copy_from_slice(&length.to_le_bytes());
        let sum = bytes.iter().fold(0u8, |sum, byte| sum.wrapping_add(*byte));
        bytes[9] = 0u8.wrapping_sub(sum);
        bytes
    }

    extern crate std;

    #[test]
    fn root_tables_list_their_entries() {
        let xsdt = table(
            b"XSDT",
            &[0x10, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 1, 0, 0, 0],
        );
        let entries: std::vec::Vec<u64> = root_table_entries(&xsdt, true).unwrap().collect();
        assert_eq!(entries, [0x10, 0x1_0000_0020]);
        let rsdt = table(b"RSDT", &[0x30, 0, 0, 0]);
        assert_eq!(
            root_table_entries(&rsdt, false)
                .unwrap()
                .collect::<std::vec::Vec<_>>(),
            [0x30]
        );
        assert!(root_table_entries(&rsdt, true).is_err());
    }

    #[test]
    fn fadt_gives_control_ports_and_prefers_the_64_bit_dsdt() {
        let mut body = [0u8; 244 - SDT_HEADER_BYTES];
        body[40 - 36..44 - 36].copy_from_slice(&0x1000u32.to_le_bytes());
        body[64 - 36..68 - 36].copy_from_slice(&0x604u32.to_le_bytes());
        let fadt = parse_fadt(&table(b"FACP", &body)).unwrap();
        assert_eq!(
            fadt,
            Fadt {
                pm1a_control_port: 0x604,
                pm1b_control_port: None,
                dsdt_address: 0x1000
            }
        );
        body[140 - 36..148 - 36].copy_from_slice(&0x2000u64.to_le_bytes());
        assert_eq!(
            parse_fadt(&table(b"FACP", &body)).unwrap().dsdt_address,
            0x2000
        );
    }

    #[test]
    fn table_longer_than_its_bytes_is_truncated() {
        let mut bytes = table(b"FACP", &[0; 100]);
        bytes.truncate(50);
        assert_eq!(parse_fadt(&bytes), Err(Error::Truncated));
    }
}
