//! A zero-filled byte image of a range of user addresses, written by address.
//!
//! The stack builder computes user addresses first and writes afterwards; this type turns each
//! address into an offset with checked arithmetic, so an internal mistake becomes `EFAULT`
//! instead of a panic. Words are stored little-endian, as on x86_64 and aarch64.

use alloc::vec::Vec;

use errno::Errno;

use crate::layout::WORD_BYTES;

/// The bytes of `[base, top)` in the new address space, zero until written (Linux's stack pages
/// start zeroed, so the gaps between the parts read as zeros).
#[derive(Clone, Debug)]
pub(crate) struct StackImage {
    base: u64,
    bytes: Vec<u8>,
}

impl StackImage {
    /// A zero-filled image of `[base, top)`; `ENOMEM` if the memory cannot be had.
    pub(crate) fn zeroed(base: u64, top: u64) -> Result<Self, Errno> {
        let length = top
            .checked_sub(base)
            .and_then(|length| usize::try_from(length).ok())
            .ok_or(Errno::EFAULT)?;
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(length).map_err(|_| Errno::ENOMEM)?;
        bytes.resize(length, 0);
        Ok(Self { base, bytes })
    }

    /// Writes `data` at user address `address`.
    pub(crate) fn write_bytes(&mut self, address: u64, data: &[u8]) -> Result<(), Errno> {
        let start = address
            .checked_sub(self.base)
            .and_then(|offset| usize::try_from(offset).ok())
            .ok_or(Errno::EFAULT)?;
        let end = start.checked_add(data.len()).ok_or(Errno::EFAULT)?;
        self.bytes
            .get_mut(start..end)
            .ok_or(Errno::EFAULT)?
            .copy_from_slice(data);
        Ok(())
    }

    /// Writes consecutive words from `address` on and returns the address after the last one.
    pub(crate) fn write_words(
        &mut self,
        address: u64,
        words: impl IntoIterator<Item = u64>,
    ) -> Result<u64, Errno> {
        let mut next = address;
        for word in words {
            self.write_bytes(next, &word.to_le_bytes())?;
            next = next.checked_add(WORD_BYTES).ok_or(Errno::EFAULT)?;
        }
        Ok(next)
    }

    /// The finished bytes, the first at `base`.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}
