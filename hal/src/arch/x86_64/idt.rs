//! The interrupt descriptor table: every vector points at its entry stub in [`super::trap`].

use spin::Once;
use x86_64::{VirtAddr, instructions::tables::lidt, structures::DescriptorTablePointer};

use super::{gdt::DOUBLE_FAULT_IST_INDEX, trap};

const DOUBLE_FAULT_VECTOR: usize = 8;
const INTERRUPT_GATE_PRESENT: u8 = 0x8e;
const KERNEL_CODE_SELECTOR: u16 = 0x08;

/// One 64-bit interrupt gate, in the layout the CPU reads.
#[derive(Clone, Copy, Default)]
#[repr(C)]
struct Gate {
    offset_low: u16,
    selector: u16,
    interrupt_stack: u8,
    type_and_attributes: u8,
    offset_middle: u16,
    offset_high: u32,
    reserved: u32,
}

impl Gate {
    fn interrupt(handler: u64, interrupt_stack: u8) -> Self {
        Self {
            offset_low: handler as u16,
            selector: KERNEL_CODE_SELECTOR,
            interrupt_stack,
            type_and_attributes: INTERRUPT_GATE_PRESENT,
            offset_middle: (handler >> 16) as u16,
            offset_high: (handler >> 32) as u32,
            reserved: 0,
        }
    }
}

#[repr(C, align(16))]
struct Table([Gate; 256]);

static TABLE: Once<Table> = Once::new();

/// Builds the table (once) and loads it on this CPU.
pub fn init() {
    let table = TABLE.call_once(|| {
        let mut gates = [Gate::default(); 256];
        for (vector, gate) in gates.iter_mut().enumerate() {
            let interrupt_stack = if vector == DOUBLE_FAULT_VECTOR {
                // The IST field is 1-based; 0 means "stay on the current stack".
                DOUBLE_FAULT_IST_INDEX as u8 + 1
            } else {
                0
            };
            *gate = Gate::interrupt(trap::entry_stub_address(vector), interrupt_stack);
        }
        Table(gates)
    });
    let pointer = DescriptorTablePointer {
        limit: (size_of::<Table>() - 1) as u16,
        base: VirtAddr::from_ptr(table),
    };
    // SAFETY: the pointer describes a 'static, fully initialised table whose gates all point
    // at valid entry stubs with the kernel code selector.
    unsafe { lidt(&pointer) };
}
