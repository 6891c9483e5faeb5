//! Writing the kernel's symbol table into the kernel it describes, after linking.
//!
//! The linker script reserves a loaded, read-only region bounded by `__kernel_symbols_start` and
//! `__kernel_symbols_end` (`hal/src/arch/<arch>/linker.ld`). Once cargo has linked the kernel,
//! this module reads the ELF's symbol table, keeps the code symbols inside `.text`, gives them
//! their demangled names, encodes them with `libs/kernel_symbols`, and overwrites the region's
//! bytes in the file. hal reads the region at run time to print `name+0x1c` in fault reports.
//!
//! The region's size is fixed when linking, because the table can only be built after linking
//! and must not move any address. A table that does not fit fails the build with the constant
//! to raise. Writing is idempotent: the table is made from `.symtab`, which the write never
//! touches, so running it again on an unchanged kernel writes the same bytes.

use std::{
    fs::{self, OpenOptions},
    io::{Seek, SeekFrom, Write},
    ops::Range,
    path::Path,
};

use anyhow::{Context, Result, bail};
use kernel_symbols::Symbol;
use object::{
    Object, ObjectSection, ObjectSymbol, SymbolKind, elf::FileHeader64, read::elf::ElfFile,
};

use crate::arch::Arch;

const REGION_START: &str = "__kernel_symbols_start";
const REGION_END: &str = "__kernel_symbols_end";
/// The linker-script constant that sizes the region.
const REGION_SIZE_CONSTANT: &str = "KERNEL_SYMBOLS_BYTES";

type KernelElf<'data> = ElfFile<'data, FileHeader64<object::Endianness>>;

/// What [`embed`] wrote, for the build's progress line.
#[derive(Debug)]
pub struct EmbeddedTable {
    pub symbol_count: usize,
    pub table_bytes: usize,
    pub region_bytes: usize,
}

/// Where the reserved region sits in the file and in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Region {
    file_offset: u64,
    addresses: Range<u64>,
}

/// A code symbol as the ELF lists it, before selection.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Candidate {
    /// The demangled name, without Rust's `::h0123...` hash.
    name: String,
    address: u64,
    /// 0 for assembly labels, which carry no size.
    size: u64,
    kind: CandidateKind,
}

/// What the ELF says a symbol is; functions are preferred where several share an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum CandidateKind {
    /// `STT_FUNC`: compiled code with a size.
    Function,
    /// `STT_NOTYPE`: a label from assembly (`trap_entry_stubs`) or the linker script.
    Label,
}

/// Builds the symbol table of the kernel ELF at `kernel` and writes it into the kernel's
/// reserved region, in place.
pub fn embed(kernel: &Path, arch: Arch) -> Result<EmbeddedTable> {
    let data = fs::read(kernel).with_context(|| format!("reading {}", kernel.display()))?;
    let elf = KernelElf::parse(&*data)
        .with_context(|| format!("{} is not a 64-bit ELF file", kernel.display()))?;
    let region = reserved_region(&elf)?;
    let text = text_range(&elf)?;
    let candidates = code_symbols(&elf, &text);
    let selected = selected_symbols(candidates, &text);
    if selected.is_empty() {
        bail!(
            "{} lists no code symbols: was it stripped?",
            kernel.display()
        );
    }
    let table = encode(&selected)?;
    let contents = region_contents(&table, &region, arch)?;
    drop(elf);
    let mut file = OpenOptions::new()
        .write(true)
        .open(kernel)
        .with_context(|| format!("opening {} to write its symbol table", kernel.display()))?;
    file.seek(SeekFrom::Start(region.file_offset))?;
    file.write_all(&contents)
        .with_context(|| format!("writing the symbol table into {}", kernel.display()))?;
    Ok(EmbeddedTable {
        symbol_count: selected.len(),
        table_bytes: table.len(),
        region_bytes: contents.len(),
    })
}

/// The region between the linker script's two symbols, which must be file-backed: QEMU's PVH
/// loader copies only a segment's file bytes (`p_filesz`), so a region in `.bss` would be lost.
fn reserved_region(elf: &KernelElf<'_>) -> Result<Region> {
    let start = symbol_address(elf, REGION_START)?;
    let end = symbol_address(elf, REGION_END)?;
    if end < start {
        bail!("{REGION_END} ({end:#x}) lies below {REGION_START} ({start:#x})");
    }
    let Some(section) = elf.sections().find(|section| {
        let section_end = section.address().saturating_add(section.size());
        section.address() <= start && end <= section_end && section.size() > 0
    }) else {
        bail!("no section holds the symbol region {start:#x}..{end:#x}");
    };
    let Some((section_offset, section_file_bytes)) = section.file_range() else {
        bail!(
            "the symbol region lies in {}, which has no bytes in the file (it must be PROGBITS)",
            section.name().unwrap_or("?")
        );
    };
    let offset_in_section = start - section.address();
    if offset_in_section + (end - start) > section_file_bytes {
        bail!("the symbol region runs past the file bytes of its section");
    }
    Ok(Region {
        file_offset: section_offset + offset_in_section,
        addresses: start..end,
    })
}

fn symbol_address(elf: &KernelElf<'_>, name: &str) -> Result<u64> {
    elf.symbols()
        .find(|symbol| symbol.name() == Ok(name))
        .map(|symbol| symbol.address())
        .with_context(|| {
            format!(
                "the kernel defines no `{name}`: its linker script must reserve the symbol region"
            )
        })
}

fn text_range(elf: &KernelElf<'_>) -> Result<Range<u64>> {
    let text = elf
        .section_by_name(".text")
        .context("the kernel has no .text section")?;
    Ok(text.address()..text.address() + text.size())
}

/// Every defined function or label inside `text`, with its display name.
fn code_symbols(elf: &KernelElf<'_>, text: &Range<u64>) -> Vec<Candidate> {
    elf.symbols()
        .filter(|symbol| !symbol.is_undefined() && text.contains(&symbol.address()))
        .filter_map(|symbol| {
            let kind = match symbol.kind() {
                SymbolKind::Text => CandidateKind::Function,
                SymbolKind::Unknown => CandidateKind::Label,
                _ => return None,
            };
            let name = symbol.name().ok()?;
            Some(Candidate {
                name: display_name(name),
                address: symbol.address(),
                size: symbol.size(),
                kind,
            })
        })
        .collect()
}

/// `name` demangled, without the `::h0123...` hash and LLVM's `.llvm.<n>` suffix; names that
/// are not Rust's (`memcpy`, assembly labels) come back unchanged.
fn display_name(name: &str) -> String {
    // The alternate form is the one that leaves out the hash.
    format!("{:#}", rustc_demangle::demangle(name))
}

/// The symbols worth naming, sorted by address, preferred first where several share one, with
/// every size known.
///
/// Labels that name nothing a backtrace can land in are dropped: empty names, assembler-local
/// `.L` labels and AArch64's `$x`/`$d` mapping symbols. Linker-script markers such as
/// `__text_start` sort after real code at the same address, by the C rule that `__` names
/// belong to the implementation. A label without a size reaches the next symbol or the end
/// of `text` (an assembly routine such as `trap_common` runs until the next one starts).
fn selected_symbols(mut candidates: Vec<Candidate>, text: &Range<u64>) -> Vec<Candidate> {
    candidates.retain(|candidate| {
        !candidate.name.is_empty()
            && !candidate.name.starts_with(".L")
            && !candidate.name.starts_with('$')
    });
    candidates.sort_by(|left, right| {
        (left.address, left.kind, left.name.starts_with("__")).cmp(&(
            right.address,
            right.kind,
            right.name.starts_with("__"),
        ))
    });
    candidates.dedup_by_key(|candidate| candidate.address);
    let starts: Vec<u64> = candidates
        .iter()
        .map(|candidate| candidate.address)
        .collect();
    for (index, candidate) in candidates.iter_mut().enumerate() {
        if candidate.size == 0 {
            let next_start = starts.get(index + 1).copied().unwrap_or(text.end);
            candidate.size = next_start.min(text.end) - candidate.address;
        }
    }
    candidates
}

fn encode(selected: &[Candidate]) -> Result<Vec<u8>> {
    let symbols: Vec<Symbol<'_>> = selected
        .iter()
        .map(|candidate| Symbol {
            address: candidate.address,
            size: candidate.size,
            name: &candidate.name,
        })
        .collect();
    kernel_symbols::encode(&symbols)
        .map_err(|error| anyhow::anyhow!("encoding the kernel symbol table: {error}"))
}

/// The region's new bytes: the table, then zeros over whatever an earlier table left.
fn region_contents(table: &[u8], region: &Region, arch: Arch) -> Result<Vec<u8>> {
    let region_bytes = usize::try_from(region.addresses.end - region.addresses.start)?;
    if table.len() > region_bytes {
        bail!(
            "the kernel symbol table needs {} bytes but the linker script reserves {region_bytes}: \
             raise {REGION_SIZE_CONSTANT} in {}",
            table.len(),
            linker_script(arch)
        );
    }
    let mut contents = table.to_vec();
    contents.resize(region_bytes, 0);
    Ok(contents)
}

fn linker_script(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "hal/src/arch/x86_64/linker.ld",
        Arch::Aarch64 => "hal/src/arch/aarch64/linker.ld",
    }
}

#[cfg(test)]
mod tests {
    use kernel_symbols::SymbolTable;

    use super::*;

    const TEXT: Range<u64> = 0xffff_ffff_8020_0000..0xffff_ffff_8020_1000;

    fn candidate(name: &str, address: u64, size: u64, kind: CandidateKind) -> Candidate {
        Candidate {
            name: name.to_owned(),
            address,
            size,
            kind,
        }
    }

    /// A kernel's worth of awkward symbols: aliases, linker markers, unsized assembly labels.
    fn kernel_like_candidates() -> Vec<Candidate> {
        use CandidateKind::{Function, Label};
        vec![
            candidate("__text_start", 0xffff_ffff_8020_0000, 0, Label),
            candidate("trap_entry_stubs", 0xffff_ffff_8020_0000, 0, Label),
            candidate("trap_common", 0xffff_ffff_8020_0100, 0, Label),
            candidate("$x", 0xffff_ffff_8020_0100, 0, Label),
            candidate("kernel::fs::open", 0xffff_ffff_8020_0180, 0x40, Function),
            candidate("open_entry_label", 0xffff_ffff_8020_0180, 0, Label),
            candidate("kernel::fs::close", 0xffff_ffff_8020_0200, 0x20, Function),
            candidate("last_label", 0xffff_ffff_8020_0f00, 0, Label),
        ]
    }

    fn round_trip(address: u64) -> Option<String> {
        let selected = selected_symbols(kernel_like_candidates(), &TEXT);
        let table = encode(&selected).expect("the symbols encode");
        let table = SymbolTable::parse(&table).expect("the table parses");
        table.lookup(address).map(|location| location.to_string())
    }

    #[test]
    fn functions_and_labels_round_trip_through_the_table() {
        assert_eq!(
            round_trip(0xffff_ffff_8020_0010).as_deref(),
            Some("trap_entry_stubs+0x10")
        );
        assert_eq!(
            round_trip(0xffff_ffff_8020_0101).as_deref(),
            Some("trap_common+0x1")
        );
        assert_eq!(
            round_trip(0xffff_ffff_8020_019c).as_deref(),
            Some("kernel::fs::open+0x1c")
        );
        assert_eq!(
            round_trip(0xffff_ffff_8020_021f).as_deref(),
            Some("kernel::fs::close+0x1f")
        );
        assert_eq!(
            round_trip(0xffff_ffff_8020_0220),
            None,
            "after close, before the last label"
        );
        assert_eq!(
            round_trip(0xffff_ffff_8020_0fff).as_deref(),
            Some("last_label+0xff")
        );
        assert_eq!(round_trip(TEXT.end), None, "the end of .text");
    }

    #[test]
    fn selection_prefers_functions_and_code_over_linker_markers() {
        let selected = selected_symbols(kernel_like_candidates(), &TEXT);
        let names: Vec<&str> = selected
            .iter()
            .map(|candidate| candidate.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "trap_entry_stubs",
                "trap_common",
                "kernel::fs::open",
                "kernel::fs::close",
                "last_label"
            ]
        );
        // An unsized label reaches the next symbol; the last one reaches the end of .text.
        assert_eq!(selected[0].size, 0x100);
        assert_eq!(selected[1].size, 0x80);
        assert_eq!(selected[4].size, 0x100);
    }

    #[test]
    fn rust_names_lose_their_hash_and_llvm_suffix() {
        assert_eq!(
            display_name(
                "_ZN6kernel12machine_test45unbounded_recursion_hits_the_stack_guard_page7recurse17h8b7b462e3094c924E"
            ),
            "kernel::machine_test::unbounded_recursion_hits_the_stack_guard_page::recurse"
        );
        assert_eq!(
            display_name("_ZN6kernel4klog4emit17h178c78016865b23bE.llvm.5292135772159597571"),
            "kernel::klog::emit"
        );
        assert_eq!(display_name("memcpy"), "memcpy");
        assert_eq!(display_name("trap_entry_stubs"), "trap_entry_stubs");
    }

    #[test]
    fn a_table_too_big_for_its_region_names_the_constant_to_raise() {
        let region = Region {
            file_offset: 0x1000,
            addresses: 0x2000..0x2010,
        };
        let error = region_contents(&[1; 17], &region, Arch::X86_64)
            .expect_err("17 bytes do not fit in 16");
        let message = error.to_string();
        assert!(message.contains("KERNEL_SYMBOLS_BYTES"), "{message}");
        assert!(
            message.contains("hal/src/arch/x86_64/linker.ld"),
            "{message}"
        );
        let contents = region_contents(&[1; 3], &region, Arch::X86_64).expect("3 bytes fit");
        assert_eq!(contents, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn an_elf_without_the_region_is_refused_and_left_alone() {
        let elf = std::env::current_exe().expect("the test binary has a path");
        let before = fs::metadata(&elf)
            .expect("the test binary exists")
            .modified()
            .ok();
        let error = embed(&elf, Arch::X86_64).expect_err("a host program has no symbol region");
        assert!(error.to_string().contains(REGION_START), "{error:#}");
        let after = fs::metadata(&elf)
            .expect("the test binary exists")
            .modified()
            .ok();
        assert_eq!(before, after);
    }
}
