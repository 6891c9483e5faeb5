//! Finding `\_S5_` (the soft-off sleep state) in a DSDT's AML without an interpreter.
//!
//! The encoding is `NameOp '_S5_' PackageOp PkgLength NumElements SLP_TYPa SLP_TYPb ...`
//! (ACPI 6.5, 20.2.5), where each value is `ZeroOp`, `OneOp`, or a `BytePrefix` constant.

const NAME_OP: u8 = 0x08;
const PACKAGE_OP: u8 = 0x12;
const ZERO_OP: u8 = 0x00;
const ONE_OP: u8 = 0x01;
const BYTE_PREFIX: u8 = 0x0a;

/// The SLP_TYPa and SLP_TYPb values of `\_S5_`, if the table defines it as constants.
pub fn find_s5_sleep_types(aml: &[u8]) -> Option<(u8, u8)> {
    let position = aml.windows(4).position(|window| window == b"_S5_")?;
    let before = position.checked_sub(1).and_then(|index| aml.get(index));
    let before_root = position.checked_sub(2).and_then(|index| aml.get(index));
    let is_name =
        before == Some(&NAME_OP) || (before == Some(&b'\\') && before_root == Some(&NAME_OP));
    if !is_name {
        return None;
    }
    let rest = aml.get(position + 4..)?;
    if *rest.first()? != PACKAGE_OP {
        return None;
    }
    let length_bytes = usize::from(rest.get(1)? >> 6) + 1;
    let elements = rest.get(1 + length_bytes + 1..)?;
    let (sleep_type_a, used) = read_constant(elements)?;
    let (sleep_type_b, _) = read_constant(elements.get(used..)?)?;
    Some((sleep_type_a, sleep_type_b))
}

fn read_constant(bytes: &[u8]) -> Option<(u8, usize)> {
    match *bytes.first()? {
        ZERO_OP => Some((0, 1)),
        ONE_OP => Some((1, 1)),
        BYTE_PREFIX => Some((*bytes.get(1)?, 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_prefixed_values_are_read() {
        let aml = [
            0xff,
            NAME_OP,
            b'_',
            b'S',
            b'5',
            b'_',
            PACKAGE_OP,
            0x0a,
            0x04,
            BYTE_PREFIX,
            0x05,
            BYTE_PREFIX,
            0x06,
            ZERO_OP,
            ZERO_OP,
        ];
        assert_eq!(find_s5_sleep_types(&aml), Some((5, 6)));
    }

    #[test]
    fn zero_and_one_ops_are_read_as_qemu_encodes_them() {
        let aml = [
            NAME_OP, b'_', b'S', b'5', b'_', PACKAGE_OP, 0x06, 0x04, ZERO_OP, ONE_OP, ZERO_OP,
            ZERO_OP,
        ];
        assert_eq!(find_s5_sleep_types(&aml), Some((0, 1)));
    }

    #[test]
    fn rooted_name_is_accepted() {
        let aml = [
            NAME_OP, b'\\', b'_', b'S', b'5', b'_', PACKAGE_OP, 0x06, 0x04, ONE_OP, ONE_OP,
        ];
        assert_eq!(find_s5_sleep_types(&aml), Some((1, 1)));
    }

    #[test]
    fn missing_or_cut_definitions_give_none() {
        assert_eq!(find_s5_sleep_types(b"no sleep states here"), None);
        assert_eq!(
            find_s5_sleep_types(&[NAME_OP, b'_', b'S', b'5', b'_', PACKAGE_OP, 0x06]),
            None
        );
        assert_eq!(
            find_s5_sleep_types(&[NAME_OP, b'_', b'S', b'5', b'_', 0x14]),
            None
        );
        assert_eq!(find_s5_sleep_types(b"_S5_"), None);
    }
}
