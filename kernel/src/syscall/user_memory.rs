//! Reading system-call arguments out of user memory: paths, strings, arrays, structs.

use alloc::vec::Vec;

use errno::{Errno, Result};

use crate::{fs::path::PATH_MAX, task::process::Process};

/// A path argument: `EFAULT` for a bad pointer, `ENAMETOOLONG` without a NUL in `PATH_MAX`.
pub fn read_path(process: &mut Process, address: u64) -> Result<Vec<u8>> {
    process
        .memory
        .read_c_string(address, PATH_MAX)?
        .ok_or(Errno::ENAMETOOLONG)
}

/// A NULL-terminated array of string pointers (`argv`, `envp`); a NULL array is empty.
pub fn read_string_array(process: &mut Process, address: u64) -> Result<Vec<Vec<u8>>> {
    let mut strings = Vec::new();
    if address == 0 {
        return Ok(strings);
    }
    // Linux's budget for argv plus envp (a quarter of the stack limit); checked while copying
    // so a huge array cannot exhaust kernel memory before exec refuses it.
    let mut budget = exec_args::argument_space_limit(exec_args::DEFAULT_STACK_LIMIT_BYTES);
    for index in 0u64.. {
        let slot = address.checked_add(index * 8).ok_or(Errno::EFAULT)?;
        let pointer = read_u64(process, slot)?;
        if pointer == 0 {
            break;
        }
        if index >= exec_args::MAX_ARG_STRINGS as u64 {
            return Err(Errno::E2BIG);
        }
        let string = process
            .memory
            .read_c_string(pointer, exec_args::MAX_ARG_STRLEN)?
            .ok_or(Errno::E2BIG)?;
        let cost = string.len() as u64 + 1 + 8;
        budget = budget.checked_sub(cost).ok_or(Errno::E2BIG)?;
        strings.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
        strings.push(string);
    }
    Ok(strings)
}

pub fn read_u64(process: &mut Process, address: u64) -> Result<u64> {
    let mut bytes = [0u8; 8];
    process.memory.copy_from_user(address, &mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

pub fn write_bytes(process: &mut Process, address: u64, bytes: &[u8]) -> Result<()> {
    process.memory.copy_to_user(address, bytes)
}

/// Copies as much of `bytes` to user memory at `address` as is writable from the start, page
/// by page, as Linux's `copy_to_user` stops at the first fault: the count copied, or `EFAULT`
/// when not even the first byte could be.
pub fn write_bytes_partially(process: &mut Process, address: u64, bytes: &[u8]) -> Result<usize> {
    let mut done = 0;
    for (start, length) in page_pieces(address, bytes.len()) {
        let piece = &bytes[done..done + length];
        if let Err(error) = process.memory.copy_to_user(start, piece) {
            return if done == 0 { Err(error) } else { Ok(done) };
        }
        done += length;
    }
    Ok(done)
}

/// Fills as much of `buffer` from user memory at `address` as is readable from the start (see
/// [`write_bytes_partially`]).
pub fn read_bytes_partially(
    process: &mut Process,
    address: u64,
    buffer: &mut [u8],
) -> Result<usize> {
    let mut done = 0;
    for (start, length) in page_pieces(address, buffer.len()) {
        let piece = &mut buffer[done..done + length];
        if let Err(error) = process.memory.copy_from_user(start, piece) {
            return if done == 0 { Err(error) } else { Ok(done) };
        }
        done += length;
    }
    Ok(done)
}

/// `[address, address + length)` cut at page boundaries, as `(start, length)` pairs; an
/// overflowing range ends where the address space does (the copy there fails).
fn page_pieces(address: u64, length: usize) -> impl Iterator<Item = (u64, usize)> {
    const PAGE_BYTES: u64 = 4096;
    let mut start = address;
    let mut left = length;
    core::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let to_boundary = PAGE_BYTES - start % PAGE_BYTES;
        let piece = left.min(usize::try_from(to_boundary).unwrap_or(usize::MAX));
        let current = start;
        start = start.wrapping_add(piece as u64);
        left -= piece;
        Some((current, piece))
    })
}

/// Serializes `fields` as consecutive little-endian words of the given widths, the way C lays
/// out a struct of naturally aligned integers with no padding between them.
pub fn pack(fields: &[Field]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for field in fields {
        match *field {
            Field::U16(value) => bytes.extend_from_slice(&value.to_le_bytes()),
            Field::U32(value) => bytes.extend_from_slice(&value.to_le_bytes()),
            Field::U64(value) => bytes.extend_from_slice(&value.to_le_bytes()),
            Field::Padding(count) => bytes.resize(bytes.len() + count, 0),
        }
    }
    bytes
}

/// One field of a C struct for [`pack`].
#[derive(Clone, Copy)]
pub enum Field {
    U16(u16),
    U32(u32),
    U64(u64),
    Padding(usize),
}
