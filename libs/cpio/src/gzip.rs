//! One gzip member: its RFC 1952 header, raw deflate through `miniz_oxide`, and the trailer.
//!
//! A member is `1f 8b`, method 8, flags, mtime, extra flags, OS; then the optional fields the
//! flags announce (FEXTRA, FNAME, FCOMMENT, FHCRC, in that order); then raw deflate data; then
//! the CRC-32 and the size modulo 2^32 of the decompressed data, both little-endian.
//!
//! Linux's `__gunzip` (`lib/decompress_inflate.c`) is narrower: it skips FNAME only, so a member
//! with FEXTRA or FCOMMENT fails there, and it steps over the trailer without checking it. We
//! accept every flag RFC 1952 defines and check the trailer, so corruption is reported as such.
//!
//! The whole member is decompressed into one buffer that grows by doubling with `try_reserve`,
//! never past the caller's budget: a gzip bomb stops at the limit with an error instead of
//! exhausting memory. Whatever was decompressed before a failure is kept, because Linux, which
//! decompresses in 32 KiB pieces and unpacks each as it comes, has already created the files in
//! it by the time the decompressor fails.

use alloc::vec::Vec;

use miniz_oxide::inflate::{
    TINFLStatus,
    core::{
        DecompressorOxide, decompress, inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    },
};

use crate::{
    crc32::crc32,
    error::{ErrorKind, GzipProblem},
};

/// Bytes in the fixed part of the header.
const FIXED_HEADER_SIZE: usize = 10;
/// Bytes in the trailer: CRC-32, then ISIZE.
const TRAILER_SIZE: usize = 8;
/// The only compression method RFC 1952 defines.
const METHOD_DEFLATE: u8 = 8;
/// FLG bits (RFC 1952 section 2.3.1). FTEXT (0x01) is only a hint and changes nothing.
const FLAG_HEADER_CRC: u8 = 0x02;
const FLAG_EXTRA: u8 = 0x04;
const FLAG_NAME: u8 = 0x08;
const FLAG_COMMENT: u8 = 0x10;
const FLAGS_RESERVED: u8 = 0xE0;
/// The first size the output buffer grows to.
const INITIAL_OUTPUT_SIZE: usize = 64 * 1024;

/// How much more the caller lets us decompress.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// The caller's limit for the whole initrd, for the error message.
    pub limit_bytes: usize,
    /// What is left of it.
    pub available_bytes: usize,
}

/// The result of decompressing one member.
#[derive(Debug)]
pub struct Inflated {
    /// Everything decompressed, also when decompression then failed.
    pub output: Vec<u8>,
    /// The member's size in the initrd (header to trailer), or what stopped decompression.
    pub outcome: Result<usize, ErrorKind>,
}

/// Decompresses the gzip member at the start of `member` (the rest of the initrd from there).
pub fn inflate_member(
    member: &[u8],
    budget: Budget,
    decompressor: &mut DecompressorOxide,
) -> Inflated {
    let mut output = Vec::new();
    let outcome = inflate_into(member, budget, decompressor, &mut output);
    Inflated { output, outcome }
}

fn inflate_into(
    member: &[u8],
    budget: Budget,
    decompressor: &mut DecompressorOxide,
    output: &mut Vec<u8>,
) -> Result<usize, ErrorKind> {
    let header_size = header_size(member).map_err(ErrorKind::Gzip)?;
    let deflate = member.get(header_size..).unwrap_or_default();
    let deflate_size = inflate_deflate(deflate, budget, decompressor, output)?;
    let trailer_start = header_size.saturating_add(deflate_size);
    let trailer_end = trailer_start.saturating_add(TRAILER_SIZE);
    check_trailer(member.get(trailer_start..trailer_end), output).map_err(ErrorKind::Gzip)?;
    Ok(trailer_end)
}

/// The size of the member's header, optional fields included.
fn header_size(member: &[u8]) -> Result<usize, GzipProblem> {
    let &[_, _, method, flags, ..] = member
        .get(..FIXED_HEADER_SIZE)
        .ok_or(GzipProblem::TruncatedHeader)?
    else {
        return Err(GzipProblem::TruncatedHeader);
    };
    if method != METHOD_DEFLATE {
        return Err(GzipProblem::UnsupportedMethod(method));
    }
    if flags & FLAGS_RESERVED != 0 {
        return Err(GzipProblem::ReservedFlags(flags));
    }
    let mut size = FIXED_HEADER_SIZE;
    if flags & FLAG_EXTRA != 0 {
        size = skip_extra_field(member, size)?;
    }
    if flags & FLAG_NAME != 0 {
        size = skip_zero_terminated(member, size)?;
    }
    if flags & FLAG_COMMENT != 0 {
        size = skip_zero_terminated(member, size)?;
    }
    if flags & FLAG_HEADER_CRC != 0 {
        size = check_header_crc(member, size)?;
    }
    Ok(size)
}

/// FEXTRA: a little-endian length, then that many bytes.
fn skip_extra_field(member: &[u8], start: usize) -> Result<usize, GzipProblem> {
    let length_end = start.saturating_add(2);
    let &[low, high] = member
        .get(start..length_end)
        .ok_or(GzipProblem::TruncatedHeader)?
    else {
        return Err(GzipProblem::TruncatedHeader);
    };
    let end = length_end.saturating_add(usize::from(u16::from_le_bytes([low, high])));
    if end > member.len() {
        return Err(GzipProblem::TruncatedHeader);
    }
    Ok(end)
}

/// FNAME and FCOMMENT: bytes up to and including a NUL.
fn skip_zero_terminated(member: &[u8], start: usize) -> Result<usize, GzipProblem> {
    let rest = member.get(start..).ok_or(GzipProblem::TruncatedHeader)?;
    let nul = rest
        .iter()
        .position(|&byte| byte == 0)
        .ok_or(GzipProblem::TruncatedHeader)?;
    Ok(start.saturating_add(nul).saturating_add(1))
}

/// FHCRC: the low 16 bits of the CRC-32 of all header bytes before it.
fn check_header_crc(member: &[u8], start: usize) -> Result<usize, GzipProblem> {
    let end = start.saturating_add(2);
    let &[low, high] = member.get(start..end).ok_or(GzipProblem::TruncatedHeader)? else {
        return Err(GzipProblem::TruncatedHeader);
    };
    let covered = member.get(..start).unwrap_or_default();
    if u32::from(u16::from_le_bytes([low, high])) != crc32(covered) & 0xFFFF {
        return Err(GzipProblem::HeaderChecksumMismatch);
    }
    Ok(end)
}

/// Inflates raw deflate data into `output`, returning how many input bytes it took.
fn inflate_deflate(
    deflate: &[u8],
    budget: Budget,
    decompressor: &mut DecompressorOxide,
    output: &mut Vec<u8>,
) -> Result<usize, ErrorKind> {
    decompressor.init();
    let mut consumed = 0;
    let mut written = 0;
    let result = loop {
        let input = deflate.get(consumed..).unwrap_or_default();
        // The whole output so far stays in `output`, so the decompressor can refer back into it
        // (non-wrapping mode), and the whole input is there, so "out of input" means truncated.
        let flags = TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (status, used, produced) =
            decompress(decompressor, input, output.as_mut_slice(), written, flags);
        consumed = consumed.saturating_add(used);
        written = written.saturating_add(produced);
        match status {
            TINFLStatus::Done => break Ok(consumed),
            TINFLStatus::HasMoreOutput => {
                if let Err(kind) = grow(output, budget) {
                    break Err(kind);
                }
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                break Err(ErrorKind::Gzip(GzipProblem::TruncatedDeflate));
            }
            _ => break Err(ErrorKind::Gzip(GzipProblem::CorruptDeflate)),
        }
    };
    output.truncate(written);
    result
}

/// Doubles the output buffer, within the budget, failing instead of aborting on no memory.
fn grow(output: &mut Vec<u8>, budget: Budget) -> Result<(), ErrorKind> {
    let current = output.len();
    if current >= budget.available_bytes {
        return Err(ErrorKind::LimitExceeded {
            limit_bytes: budget.limit_bytes,
        });
    }
    let wanted = current
        .saturating_mul(2)
        .max(INITIAL_OUTPUT_SIZE)
        .min(budget.available_bytes);
    output
        .try_reserve_exact(wanted.saturating_sub(current))
        .map_err(|_| ErrorKind::OutOfMemory)?;
    output.resize(wanted, 0);
    Ok(())
}

fn check_trailer(trailer: Option<&[u8]>, output: &[u8]) -> Result<(), GzipProblem> {
    let Some(&[c0, c1, c2, c3, s0, s1, s2, s3]) = trailer else {
        return Err(GzipProblem::TruncatedTrailer);
    };
    let expected_crc = u32::from_le_bytes([c0, c1, c2, c3]);
    let computed_crc = crc32(output);
    if expected_crc != computed_crc {
        return Err(GzipProblem::CrcMismatch {
            expected: expected_crc,
            computed: computed_crc,
        });
    }
    let expected_size = u32::from_le_bytes([s0, s1, s2, s3]);
    // ISIZE is the size modulo 2^32 (RFC 1952 section 2.3.1): the truncation is the definition.
    let computed_size = output.len() as u32;
    if expected_size != computed_size {
        return Err(GzipProblem::SizeMismatch {
            expected: expected_size,
            computed: computed_size,
        });
    }
    Ok(())
}
