package hvlab.vmm.containment;

/**
 * The interesting encodings the fuzzer draws from, each emitted with random operands biased by
 * {@link FuzzValues}. Registers are loaded with interesting values first, so a memory operand
 * such as {@code [eax]} or a port in DX points somewhere worth trying. The groups follow the
 * containment issue's list: privileged and sensitive instructions, segment loads, far transfers,
 * INT n, IRET and RETF with forged frames, string I/O, stacks with wild ESP, and the descriptor
 * table loads.
 */
final class InstructionTable {
    private static final int ESP = 4;

    private final FuzzValues v;
    private final X86Emitter e;

    InstructionTable(FuzzValues values, X86Emitter emitter) {
        this.v = values;
        this.e = emitter;
    }

    /** One instruction (or a short group that belongs together) for a segment of the given kind. */
    void emit(FuzzCase.Kind kind) {
        switch (kind) {
            case RANDOM_BYTES -> randomBytes();
            case PORT_IO -> {
                if (v.chance(75)) portIo(); else any();
            }
            case DESCRIPTOR_TABLES -> {
                if (v.chance(60)) tableUse(); else any();
            }
            case HYPERCALLS -> {
                if (v.chance(70)) hypercall(); else any();
            }
            case INSTRUCTIONS -> any();
        }
    }

    private void any() {
        switch (v.below(10)) {
            case 0 -> setRegister();
            case 1, 2 -> privileged();
            case 3 -> sensitive();
            case 4 -> farTransfer();
            case 5 -> softwareInterrupt();
            case 6 -> portIo();
            case 7 -> stack();
            case 8 -> store();
            default -> tableUse();
        }
    }

    private void randomBytes() {
        for (int i = v.between(1, 12); i > 0; i--) {
            e.u8(v.below(256));
        }
    }

    /** MOV r32, imm32 with an interesting value; ESP only sometimes, and then wildly. */
    private void setRegister() {
        int register = v.below(8);
        if (register == ESP && v.chance(50)) register = 0;
        e.movImm(register, v.address());
    }

    private void privileged() {
        switch (v.below(16)) {
            case 0 -> e.u8(0xFA);                                        // cli
            case 1 -> e.u8(0xFB);                                        // sti
            case 2 -> e.u8(0x0F, 0x01, 0x15).u32(v.address());          // lgdt [m]
            case 3 -> e.u8(0x0F, 0x01, 0x1D).u32(v.address());          // lidt [m]
            case 4 -> e.u8(0x0F, 0x00, 0xD0 | v.below(8));              // lldt r
            case 5 -> e.u8(0x0F, 0x00, 0xD8 | v.below(8));              // ltr r
            case 6 -> e.u8(0x0F, 0x22, 0xC0 | (v.pick(new Integer[] {0, 2, 3, 4, 5}) << 3) | v.below(8)); // mov crN, r
            case 7 -> e.u8(0x0F, 0x20, 0xC0 | (v.below(8) << 3) | v.below(8)); // mov r, crN
            case 8 -> e.u8(0x0F, v.chance(50) ? 0x21 : 0x23, 0xC0 | (v.below(8) << 3) | v.below(8)); // mov drN
            case 9 -> e.movImm(1, v.chance(50) ? v.pick(new Integer[] {0x10, 0x174, 0x175, 0x176, 0x1B, 0xC0000080}) : v.any32())
                    .u8(0x0F, v.chance(50) ? 0x30 : 0x32);              // wrmsr / rdmsr
            case 10 -> e.u8(0x0F, v.pick(new Integer[] {0x31, 0x33, 0x09, 0x08, 0x06, 0xA2})); // rdtsc rdpmc wbinvd invd clts cpuid
            case 11 -> e.u8(0x0F, 0x01, 0x35).u32(v.address());         // lmsw [m]
            case 12 -> e.u8(0x0F, 0x01, 0x3D).u32(v.address());         // invlpg [m]
            case 13 -> e.u8(0x0F, v.pick(new Integer[] {0x34, 0x35, 0x05, 0x07})); // sysenter sysexit syscall sysret
            case 14 -> e.u8(v.chance(90) ? 0x90 : 0xF4);                 // nop, rarely hlt
            default -> e.u8(0x0F, 0x01, 0xF8);                           // swapgs (#UD in 32-bit mode)
        }
    }

    private void sensitive() {
        switch (v.below(10)) {
            case 0 -> e.u8(0x0F, 0x01, 0x05).u32(v.address());          // sgdt [m]
            case 1 -> e.u8(0x0F, 0x01, 0x0D).u32(v.address());          // sidt [m]
            case 2 -> e.u8(0x0F, 0x00, v.chance(50) ? 0x05 : 0x0D).u32(v.address()); // sldt / str [m]
            case 3 -> e.u8(0x0F, 0x01, 0x25).u32(v.address());          // smsw [m]
            case 4 -> e.u8(v.chance(30) ? 0x66 : 0x90, v.chance(50) ? 0x9C : 0x9D); // pushf / popf
            case 5 -> e.u8(0x0F, v.chance(50) ? 0x02 : 0x03, 0xC0 | (v.below(8) << 3) | v.below(8)); // lar / lsl
            case 6 -> e.u8(0x0F, 0x00, (v.chance(50) ? 0xE0 : 0xE8) | v.below(8)); // verr / verw
            case 7 -> e.u8(0x8C, 0xC0 | (v.below(6) << 3) | v.below(8)); // mov r, sreg
            case 8 -> e.u8(v.pick(new Integer[] {0x0E, 0x16, 0x1E, 0x06})); // push cs/ss/ds/es
            default -> e.u8(0x0F, 0x01, 0x0D).u32(v.address());         // sidt again: the red pill
        }
    }

    /** A segment register load from an interesting selector, or LSS / POP SS from memory. */
    private void segmentLoad() {
        int register = v.pick(new Integer[] {0, 2, 3, 3, 4, 5, 1}); // es ss ds ds fs gs (cs: #UD)
        e.loadSegment(register, v.selector());
    }

    private void farTransfer() {
        switch (v.below(8)) {
            case 0 -> e.u8(0xEA).u32(v.address()).u16(v.selector());    // jmp far ptr16:32
            case 1 -> e.u8(0x9A).u32(v.address()).u16(v.selector());    // call far ptr16:32
            case 2 -> e.u8(0xFF, v.chance(50) ? 0x2D : 0x1D).u32(v.address()); // jmp/call far [m]
            case 3, 4 -> forgedReturn(true);
            case 5, 6 -> forgedReturn(false);
            default -> segmentLoad();
        }
    }

    /** Pushes a frame (SS, ESP, EFLAGS, CS, EIP, some forged) and returns through it with IRET or RETF. */
    private void forgedReturn(boolean iret) {
        boolean narrow = v.chance(20);
        if (v.chance(50)) {
            e.pushImm(v.chance(70) ? v.selector() : v.any32());        // SS
            e.pushImm(v.address());                                     // ESP
        }
        if (iret) e.pushImm(v.flags());
        e.pushImm(v.chance(30) ? v.selector() : v.pick(new Integer[] {0x08, 0x0B, 0x1B, 0x18, 0xFFF0, 0xFFEB, 0x10}));
        e.pushImm(v.chance(60) ? e.address() + 16 : v.address());
        if (narrow) e.u8(0x66);
        if (iret) e.u8(0xCF);
        else if (v.chance(30)) e.u8(0xCA).u16(v.between(0, 16) * 4); // retf imm16
        else e.u8(0xCB);
    }

    private void softwareInterrupt() {
        switch (v.below(5)) {
            case 0 -> e.u8(0xCC);
            case 1 -> e.u8(0xCE);
            case 2 -> e.u8(0xF1);
            default -> e.u8(0xCD, v.chance(30) ? v.pick(new Integer[] {0x80, 0x82, 8, 13, 14, 0x20, 0xFF}) : v.below(256));
        }
    }

    private void portIo() {
        if (v.chance(60)) e.u8(0x66, 0xBA).u16(v.port());                // mov dx, port
        if (v.chance(40)) e.movImm(1, v.count());                       // ecx
        if (v.chance(40)) e.movImm(v.chance(50) ? 7 : 6, v.address());  // edi / esi
        if (v.chance(10)) e.u8(v.chance(50) ? 0xFD : 0xFC);             // std / cld
        boolean rep = v.chance(50);
        int size = v.below(3);
        switch (v.below(4)) {
            case 0 -> e.u8(size == 1 ? 0x66 : 0x90, size == 0 ? 0xE4 : 0xE5, v.port() & 0xFF);  // in al/ax/eax, imm8
            case 1 -> e.u8(size == 1 ? 0x66 : 0x90, size == 0 ? 0xEE : 0xEF);                    // out dx, al/ax/eax
            case 2 -> e.u8(rep ? 0xF3 : 0x90, size == 1 ? 0x66 : 0x90, size == 0 ? 0x6C : 0x6D); // ins
            default -> e.u8(rep ? 0xF3 : 0x90, size == 1 ? 0x66 : 0x90, size == 0 ? 0x6E : 0x6F); // outs
        }
    }

    private void stack() {
        switch (v.below(7)) {
            case 0 -> e.movImm(ESP, v.address());
            case 1 -> e.u8(0x60);                                        // pushad
            case 2 -> e.u8(0x61);                                        // popad
            case 3 -> e.u8(0xC8).u16(v.below(0x10000)).u8(v.below(4));    // enter
            case 4 -> e.u8(0x17);                                        // pop ss
            case 5 -> e.u8(0x0F, 0xB2, 0x05).u32(v.address());           // lss eax, [m]
            default -> e.u8(0xF3, v.chance(50) ? 0xA4 : 0xAB);           // rep movsb / rep stosd
        }
    }

    /** A store into the guest's own tables or anywhere interesting. */
    private void store() {
        e.storeImm(v.address(), v.chance(50) ? v.any32() : v.selector() | ((long) v.below(0x10000) << 16));
    }

    /** Uses the descriptor tables: far transfers through random selectors, LTR, LLDT, INT n, a reloaded GDT. */
    private void tableUse() {
        switch (v.below(6)) {
            case 0 -> e.movImm(0, v.selector()).u8(0x0F, 0x00, v.chance(50) ? 0xD8 : 0xD0); // ltr / lldt ax
            case 1 -> e.u8(0x0F, 0x01, 0x15).u32(v.chance(50) ? FuzzLayout.ORIGIN + FuzzLayout.GDT_POINTER : v.address());
            case 2 -> e.u8(0x0F, 0x01, 0x1D).u32(v.chance(50) ? FuzzLayout.ORIGIN + FuzzLayout.IDT_POINTER : v.address());
            case 3 -> softwareInterrupt();
            case 4 -> segmentLoad();
            default -> farTransfer();
        }
    }

    private void hypercall() {
        int[] registers = {3, 1, 2, 6, 7}; // ebx ecx edx esi edi
        for (int register : registers) {
            if (v.chance(60)) e.movImm(register, v.chance(30) ? v.count() : v.address());
        }
        e.movImm(0, v.chance(85) ? v.below(16) : v.any32());
        e.u8(0xCD, 0x82);
    }
}
