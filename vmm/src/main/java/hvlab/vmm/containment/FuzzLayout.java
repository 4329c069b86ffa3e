package hvlab.vmm.containment;

import hvlab.vmm.boot.BootLayout;

/**
 * Where a fuzz guest keeps its pieces, as offsets into its image (loaded at 1 MiB):
 *
 * <pre>
 *  0x0000  kernel prologue: LGDT, segment reloads, LTR, LIDT, then into segment 0
 *  0x0200  the one handler every IDT gate names: count, then on to the next segment
 *  0x0300  the segment table (the address of each random segment)
 *  0x0400  the handler's counter, pseudo-descriptors for LGDT/LIDT
 *  0x0600  scratch: random tables and frames, targets of random stores
 *  0x0800  the GDT: null, kernel code 0x08, kernel data 0x10, user code 0x1B, user data 0x23, TSS 0x28, then random
 *  0x1000  the TSS and its I/O permission bitmap (8 KiB and the closing 0xFF byte)
 *  0x3800  the IDT: 256 gates
 *  0x4000  the random segments, each ending in UD2
 * </pre>
 * Stacks sit near the top of RAM, below where the ABI's initial ESP points.
 */
final class FuzzLayout {
    static final long ORIGIN = BootLayout.GUEST_LOAD_ADDRESS;
    static final int PROLOGUE = 0x0000;
    static final int HANDLER = 0x0200;
    static final int SEGMENT_TABLE = 0x0300;
    static final int COUNTER = 0x0400;
    static final int GDT_POINTER = 0x0408;
    static final int IDT_POINTER = 0x0410;
    static final int SCRATCH = 0x0600;
    static final int GDT = 0x0800;
    static final int GDT_ENTRIES = 16;
    static final int TSS = 0x1000;
    static final int TSS_BYTES = 0x68;
    static final int IO_BITMAP_BYTES = 0x2000;
    static final int IDT = 0x3800;
    static final int SEGMENTS = 0x4000;
    static final int MAX_SEGMENTS = 48;

    static final int KERNEL_CS = 0x08;
    static final int KERNEL_DS = 0x10;
    static final int USER_CS = 0x18 | 3;
    static final int USER_DS = 0x20 | 3;
    static final int TSS_SELECTOR = 0x28;

    private final long ram;

    FuzzLayout(long ram) {
        this.ram = ram;
    }

    long kernelStackTop() {
        return ram - 0x10000;
    }

    long userStackTop() {
        return ram - 0x20000;
    }

    long gdt() {
        return ORIGIN + GDT;
    }

    long idt() {
        return ORIGIN + IDT;
    }

    long tss() {
        return ORIGIN + TSS;
    }

    long scratch() {
        return ORIGIN + SCRATCH;
    }
}
