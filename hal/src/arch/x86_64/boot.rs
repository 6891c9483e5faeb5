//! PVH entry: from 32-bit protected mode to 64-bit Rust in the higher half.
//!
//! QEMU (and any PVH loader) finds `pvh_start32` through the Xen `PHYS32_ENTRY` ELF note and
//! enters it with paging off and `ebx` holding the physical address of `hvm_start_info`.
//! The trampoline builds throw-away page tables that map the first 1 GiB of physical memory
//! twice, at 0 (so the next instruction still runs) and at the kernel's link base
//! `0xffff_ffff_8000_0000`, turns on long mode with NX, and jumps to [`super::start::start64`]
//! on a boot stack addressed through the higher half. The real page tables are built in Rust.
//!
//! The trampoline, its GDT, page tables and stack live in `.boot`, linked at its physical
//! address (see `linker.ld`), so the 32-bit code can use absolute addresses.

use core::arch::global_asm;

/// Bytes of the boot stack; [`super::start`] runs page-table construction on it before it
/// moves to a guarded kernel stack.
pub const BOOT_STACK_BYTES: usize = 64 * 1024;

global_asm!(
    r#"
    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                 /* name size: "Xen\0" */
    .long 4                 /* descriptor size */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .p2align 2
    .long pvh_start32

    .section .boot.text, "ax"
    .code32
    .global pvh_start32
pvh_start32:
    cli
    cld
    mov edi, ebx
    lea esp, [boot_stack_top]

    /* PML4[0] and PML4[511] -> two PDPTs; both reach one PD of 512 x 2 MiB pages. */
    lea eax, [boot_pdpt_low + 3]
    mov dword ptr [boot_pml4], eax
    lea eax, [boot_pdpt_high + 3]
    mov dword ptr [boot_pml4 + 511 * 8], eax
    lea eax, [boot_pd + 3]
    mov dword ptr [boot_pdpt_low], eax
    mov dword ptr [boot_pdpt_high + 510 * 8], eax
    xor ecx, ecx
2:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83            /* present, writable, 2 MiB page */
    mov dword ptr [boot_pd + ecx * 8], eax
    inc ecx
    cmp ecx, 512
    jne 2b

    mov eax, cr4
    or eax, 1 << 5          /* PAE */
    mov cr4, eax
    lea eax, [boot_pml4]
    mov cr3, eax
    mov ecx, 0xC0000080     /* IA32_EFER */
    rdmsr
    or eax, (1 << 8) | (1 << 11)    /* LME, NXE */
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   /* PG, WP, PE */
    mov cr0, eax

    lgdt [boot_gdt_pointer]
    push 0x08
    lea eax, [boot_long_mode]
    push eax
    retf

    .code64
boot_long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    /* Upper register halves are undefined after the mode switch: zero-extend. */
    mov edi, edi
    mov esp, esp
    movabs rax, 0xffffffff80000000
    add rsp, rax
    xor ebp, ebp
    movabs rax, offset {start64}
    call rax
    ud2

    .section .boot.data, "aw"
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 64-bit code */
    .quad 0x00CF92000000FFFF    /* data */
boot_gdt_pointer:
    .word boot_gdt_pointer - boot_gdt - 1
    .long boot_gdt

    .p2align 12
boot_pml4:
    .zero 4096
boot_pdpt_low:
    .zero 4096
boot_pdpt_high:
    .zero 4096
boot_pd:
    .zero 4096
    .global boot_stack_bottom
boot_stack_bottom:
    .zero {stack_bytes}
    .global boot_stack_top
boot_stack_top:
    .code64
    .text
"#,
    start64 = sym super::start::start64,
    stack_bytes = const BOOT_STACK_BYTES,
);
