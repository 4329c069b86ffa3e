package hvlab.vmm.containment;

import static hvlab.vmm.containment.FuzzLayout.*;

/**
 * The little kernel around every fuzz case. It loads a GDT, a TSS and an IDT of its own (the
 * prologue), and one handler serves every vector: it reloads the kernel's segments and stack,
 * counts, and starts the next random segment, either in the kernel itself (virtual CPL 0) or,
 * through an IRETD, in a user task (virtual CPL 3). Every segment ends in UD2, so a segment that
 * neither faults nor jumps away still reaches the handler; after the last one the handler ends
 * the VM through the debug-exit port. A case whose random code wrecks the kernel's own tables
 * ends some other way (a triple fault, a memory fault, its timeout), which is just as good: the
 * fuzzer asks only that the VM ends in a defined way with the VMM intact.
 */
final class FuzzKernel {
    private final X86Emitter e;
    private final FuzzValues v;
    private final FuzzLayout layout;

    FuzzKernel(X86Emitter emitter, FuzzValues values, FuzzLayout layout) {
        this.e = emitter;
        this.v = values;
        this.layout = layout;
    }

    /** The prologue: the kernel's tables, then on into the handler, which starts segment 0. */
    void prologue() {
        e.at(PROLOGUE);
        e.u8(0x0F, 0x01, 0x15).u32(ORIGIN + GDT_POINTER);           // lgdt [gdt_pointer]
        long reload = e.address() + 7;
        e.u8(0xEA).u32(reload).u16(KERNEL_CS);                      // jmp KERNEL_CS:reload
        e.movImm(0, TSS_SELECTOR).u8(0x0F, 0x00, 0xD8);             // ltr ax
        e.u8(0x0F, 0x01, 0x1D).u32(ORIGIN + IDT_POINTER);           // lidt [idt_pointer]
        e.storeImm(ORIGIN + COUNTER, 0xFFFFFFFFL);
        e.jmp(ORIGIN + HANDLER);
    }

    /**
     * The handler. {@code userFlags} is the EFLAGS image a user task starts with (its IOPL, and
     * now and then a VM or NT bit the VMM must refuse).
     */
    void handler(int segments, boolean userMode, int userFlags) {
        e.at(HANDLER);
        for (int sreg : new int[] {3, 0, 4, 5, 2}) {                // ds es fs gs ss
            e.loadSegment(sreg, KERNEL_DS);
        }
        e.movImm(4, layout.kernelStackTop());
        e.u8(0xFF, 0x05).u32(ORIGIN + COUNTER);                     // inc dword [counter]
        e.u8(0xA1).u32(ORIGIN + COUNTER);                           // mov eax, [counter]
        e.u8(0x3D).u32(segments);                                   // cmp eax, segments
        int exitBranch = e.offset();
        e.u8(0x0F, 0x83).u32(0);                                    // jae exit (patched below)
        e.u8(0x8B, 0x04, 0x85).u32(ORIGIN + SEGMENT_TABLE);         // mov eax, [table + eax*4]
        if (userMode) {
            e.pushImm(USER_DS).pushImm(layout.userStackTop()).pushImm(userFlags).pushImm(USER_CS);
            e.u8(0x50, 0xCF);                                       // push eax; iretd
        } else {
            e.u8(0xFF, 0xE0);                                       // jmp eax
        }
        int exit = e.offset();
        e.at(exitBranch + 2).u32(exit - (exitBranch + 6));
        e.at(exit).u8(0xB0, 0x00, 0xE6, 0xF4);                      // debug exit 0
        e.u8(0xF4);
    }

    /** GDT, TSS with its bitmap, IDT, and the pseudo-descriptors LGDT and LIDT read. */
    void tables(boolean randomDescriptors, int bitmapStyle) {
        e.at(GDT).u64(0);
        e.u64(0x00CF9A000000FFFFL).u64(0x00CF92000000FFFFL).u64(0x00CFFA000000FFFFL).u64(0x00CFF2000000FFFFL);
        long tss = layout.tss();
        long tssLimit = TSS_BYTES + IO_BITMAP_BYTES;
        e.u64(descriptor(tss, tssLimit, 0x89, 0x00));
        for (int i = 6; i < GDT_ENTRIES; i++) {
            e.u64(randomDescriptors ? randomDescriptor() : 0);
        }
        e.at(GDT_POINTER).u16(GDT_ENTRIES * 8 - 1).u32(layout.gdt());
        e.at(IDT_POINTER).u16(256 * 8 - 1).u32(layout.idt());
        e.at(TSS).u32(0).u32(layout.kernelStackTop()).u32(KERNEL_DS);  // back link, ESP0, SS0
        e.at(TSS + 0x66).u16(TSS_BYTES);                               // I/O map base
        e.at(TSS + TSS_BYTES);
        for (int i = 0; i < IO_BITMAP_BYTES; i++) {
            e.u8(switch (bitmapStyle) {
                case 0 -> 0x00;                   // every port granted
                case 1 -> 0xFF;                   // none
                default -> v.chance(50) ? 0 : v.below(256);
            });
        }
        e.u8(0xFF);
        e.at(IDT);
        for (int vector = 0; vector < 256; vector++) {
            if (randomDescriptors && v.chance(8)) {
                e.u64(v.any64());
            } else {
                int type = v.chance(70) ? 0xEE : 0x8E;                  // interrupt gate, DPL 3 or 0
                long handler = ORIGIN + HANDLER;
                e.u16((int) handler).u16(KERNEL_CS).u8(0, type).u16((int) (handler >>> 16));
            }
        }
    }

    /** A descriptor that is sometimes sane and sometimes aimed at the VMM: code, data, system, gates. */
    private long randomDescriptor() {
        if (v.chance(15)) {
            return v.any64();
        }
        if (v.chance(25)) {                                             // a call gate (type C) or task gate (5)
            long offset = v.address();
            int selector = v.selector();
            int access = 0x80 | (v.below(4) << 5) | (v.chance(70) ? 0x0C : 0x05);
            return (offset & 0xFFFF) | ((long) selector << 16) | ((long) v.below(4) << 32) | ((long) access << 40)
                    | ((offset >>> 16) << 48);
        }
        long base = v.chance(50) ? 0 : v.address();
        long limit = v.chance(50) ? 0xFFFFF : v.below(0x100000);
        int type = v.below(16);
        int access = (v.chance(90) ? 0x80 : 0) | (v.below(4) << 5) | (v.chance(85) ? 0x10 : 0) | type;
        int flags = (v.chance(80) ? 0x4 : 0) | (v.chance(70) ? 0x8 : 0);
        return descriptor(base, limit, access, flags << 4);
    }

    static long descriptor(long base, long limit, int access, int flagsHigh) {
        return (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | ((long) (access & 0xFF) << 40)
                | (((limit >>> 16) & 0xF) << 48) | ((long) (flagsHigh & 0xF0) << 48) | (((base >>> 24) & 0xFF) << 56);
    }
}
