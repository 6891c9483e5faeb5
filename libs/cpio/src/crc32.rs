//! CRC-32 as gzip uses it (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320).
//!
//! RFC 1952 section 8 defines the checksum in gzip's trailer and optional header CRC. A 1 KiB
//! table built at compile time makes it one lookup per byte, cheap next to inflating.

/// The reflected CRC-32 polynomial.
const POLYNOMIAL: u32 = 0xEDB8_8320;

/// `TABLE[byte]` is the CRC register update for one byte.
const TABLE: [u32; 256] = build_table();

const fn build_table() -> [u32; 256] {
    let mut table = [0_u32; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut register = byte as u32;
        let mut bit = 0;
        while bit < 8 {
            register = if register & 1 == 1 {
                (register >> 1) ^ POLYNOMIAL
            } else {
                register >> 1
            };
            bit += 1;
        }
        table[byte] = register;
        byte += 1;
    }
    table
}

/// A running CRC-32.
#[derive(Clone, Copy, Debug)]
pub struct Crc32 {
    /// The register, kept inverted as RFC 1952's sample code does.
    register: u32,
}

impl Default for Crc32 {
    fn default() -> Self {
        Self::new()
    }
}

impl Crc32 {
    pub fn new() -> Self {
        Self { register: u32::MAX }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            let index = usize::from((self.register as u8) ^ byte);
            self.register = (self.register >> 8) ^ TABLE[index];
        }
    }

    pub fn value(&self) -> u32 {
        !self.register
    }
}

/// The CRC-32 of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(bytes);
    crc.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_check_value() {
        // The CRC-32 catalogue's check value: CRC of the ASCII digits 1 to 9.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn running_update_equals_one_shot() {
        let mut crc = Crc32::new();
        crc.update(b"1234");
        crc.update(b"56789");
        assert_eq!(crc.value(), crc32(b"123456789"));
    }
}
