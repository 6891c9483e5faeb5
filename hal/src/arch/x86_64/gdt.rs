//! The global descriptor table and task-state segment.
//!
//! Selector layout is fixed for `syscall`/`sysret` (issue 3): `sysret` loads the user code
//! selector from STAR + 16 and the user stack selector from STAR + 8, so user data must sit
//! right below user code: null, kernel code, kernel data, user data, user code, TSS.
//! The TSS gives double faults their own known-good stack (IST slot 0), so a kernel stack
//! overflow is reported instead of triple-faulting the machine.

use core::{cell::UnsafeCell, ptr::addr_of};

use spin::Once;
use x86_64::{
    VirtAddr,
    instructions::{
        segmentation::{CS, DS, ES, SS, Segment},
        tables::load_tss,
    },
    registers::segmentation::SegmentSelector,
    structures::{
        gdt::{Descriptor, GlobalDescriptorTable},
        tss::TaskStateSegment,
    },
};

/// The kernel code selector (`syscall` loads it from STAR[47:32]).
pub const KERNEL_CODE_SELECTOR: u16 = 0x08;
/// The user data (stack) selector with RPL 3.
pub const USER_DATA_SELECTOR: u16 = 0x18 | 3;
/// The user code selector with RPL 3.
pub const USER_CODE_SELECTOR: u16 = 0x20 | 3;

/// IST slot (0-based) used by the double-fault handler.
pub const DOUBLE_FAULT_IST_INDEX: u16 = 0;
const DOUBLE_FAULT_STACK_BYTES: usize = 32 * 1024;

/// A stack the CPU switches to by itself; only its address is ever taken.
#[repr(C, align(16))]
struct InterruptStack(UnsafeCell<[u8; DOUBLE_FAULT_STACK_BYTES]>);

// SAFETY: Rust code never reads or writes the array; only the CPU uses it as a stack, and only
// the double-fault path, which does not return, so the stack is never in use twice at once.
unsafe impl Sync for InterruptStack {}

static DOUBLE_FAULT_STACK: InterruptStack =
    InterruptStack(UnsafeCell::new([0; DOUBLE_FAULT_STACK_BYTES]));

struct Tables {
    gdt: GlobalDescriptorTable,
    kernel_code: SegmentSelector,
    kernel_data: SegmentSelector,
    tss: SegmentSelector,
}

/// The TSS, which the CPU reads and [`set_kernel_entry_stack`] writes.
#[repr(transparent)]
struct TaskStateCell(UnsafeCell<TaskStateSegment>);

// SAFETY: the TSS is per CPU (one CPU so far) and written only by `init` and
// `set_kernel_entry_stack`, which run with interrupts off on that CPU; Rust never holds a
// reference into it across those writes.
unsafe impl Sync for TaskStateCell {}

static TSS: TaskStateCell = TaskStateCell(UnsafeCell::new(TaskStateSegment::new()));
static TABLES: Once<Tables> = Once::new();

/// The range of the double-fault stack, for fault reports.
pub fn double_fault_stack() -> core::ops::Range<u64> {
    let bottom = addr_of!(DOUBLE_FAULT_STACK) as u64;
    bottom..bottom + DOUBLE_FAULT_STACK_BYTES as u64
}

/// Builds and loads the GDT and TSS and reloads every segment register.
pub fn init() {
    let double_fault_stack_top = VirtAddr::new(double_fault_stack().end);
    // SAFETY: boot runs this once, interrupts off, before any trap can make the CPU read the
    // TSS; no reference into it exists.
    unsafe {
        (*TSS.0.get()).interrupt_stack_table[usize::from(DOUBLE_FAULT_IST_INDEX)] =
            double_fault_stack_top;
    }
    let tables = TABLES.call_once(|| {
        let mut gdt = GlobalDescriptorTable::new();
        let kernel_code = gdt.append(Descriptor::kernel_code_segment());
        let kernel_data = gdt.append(Descriptor::kernel_data_segment());
        gdt.append(Descriptor::user_data_segment());
        gdt.append(Descriptor::user_code_segment());
        // SAFETY: the TSS is a static that lives for ever and is not moved.
        let tss = gdt.append(unsafe { Descriptor::tss_segment_unchecked(TSS.0.get()) });
        Tables {
            gdt,
            kernel_code,
            kernel_data,
            tss,
        }
    });
    tables.gdt.load();
    // SAFETY (all five): the selectors index descriptors of the GDT that is now loaded, of the
    // right kind for each register, and the TSS descriptor points at a 'static TSS.
    // SAFETY: see above.
    unsafe { CS::set_reg(tables.kernel_code) };
    // SAFETY: see above.
    unsafe { SS::set_reg(tables.kernel_data) };
    // SAFETY: see above.
    unsafe { DS::set_reg(tables.kernel_data) };
    // SAFETY: see above.
    unsafe { ES::set_reg(tables.kernel_data) };
    // SAFETY: see above.
    unsafe { load_tss(tables.tss) };
}

/// The address of the TSS's RSP0 field: the stack the CPU switches to when an interrupt or
/// exception arrives in user mode.
///
/// User-mode entry (`user_mode.rs`) writes it, with interrupts off, just before each return to
/// user space; nothing else writes it after boot.
pub(super) fn kernel_entry_stack_field() -> u64 {
    // SAFETY: only computes a field address inside the static TSS; nothing is read or written.
    unsafe { (&raw mut (*TSS.0.get()).privilege_stack_table[0]) as u64 }
}
