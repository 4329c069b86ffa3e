package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.TableRegister;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;

/**
 * LGDT, LIDT, LLDT and LTR: the instructions that point the CPU at its system tables (SDM Vol. 3,
 * 2.4). The guest's tables live in guest memory and the VMM records where; the real CPU keeps
 * using the VMM's own GDT. LLDT and LTR are checked against the guest's GDT as the hardware
 * checks them, so a bad selector gets the same exception it would get on bare metal.
 */
final class DescriptorTableInstructions {
    private static final int TYPE_LDT = 0x2;
    private static final int TYPE_TSS_AVAILABLE = 0x9;
    private static final int TSS_BUSY_BIT = 0x2;
    private static final int SEGMENT_NOT_PRESENT = 11;

    private final VirtualCpu vcpu;
    private final PrivilegedInstructions.GdtListener gdtListener;

    DescriptorTableInstructions(VirtualCpu vcpu, PrivilegedInstructions.GdtListener gdtListener) {
        this.vcpu = vcpu;
        this.gdtListener = gdtListener;
    }

    /** LGDT and LIDT read a 6-byte pseudo-descriptor: a 16-bit limit, then a 32-bit base. */
    Emulation loadTableRegister(Instruction insn, GuestState state) {
        Operand.Mem mem = (Operand.Mem) insn.operand(0);
        long address = Operands.effectiveAddress(mem, state);
        int limit = state.read(Operands.segmentOf(mem), address, 2) & 0xFFFF;
        long base = Integer.toUnsignedLong(state.read(Operands.segmentOf(mem), address + 2, 4));
        TableRegister.Value value = TableRegister.Value.of(base, limit);
        if (insn.mnemonic().equals("lgdt")) {
            vcpu.setGdtr(value);
            gdtListener.gdtLoaded(base, limit);
        } else {
            vcpu.setIdtr(value);
        }
        return new Emulation.Resume(insn.nextAddress());
    }

    Emulation loadLdt(Instruction insn, GuestState state) {
        int selector = Operands.read(insn.operand(0), state) & 0xFFFF;
        if ((selector & ~3) == 0) {
            vcpu.setLdtSelector(0); // a null selector disables the LDT
            return new Emulation.Resume(insn.nextAddress());
        }
        Emulation problem = check(insn, state, selector, TYPE_LDT);
        if (problem != null) {
            return problem;
        }
        vcpu.setLdtSelector(selector);
        return new Emulation.Resume(insn.nextAddress());
    }

    /** LTR also marks the TSS busy in the guest's GDT, as the CPU does. */
    Emulation loadTaskRegister(Instruction insn, GuestState state) {
        int selector = Operands.read(insn.operand(0), state) & 0xFFFF;
        if ((selector & ~3) == 0) {
            return gp(insn, 0);
        }
        Emulation problem = check(insn, state, selector, TYPE_TSS_AVAILABLE);
        if (problem != null) {
            return problem;
        }
        long entry = entryAddress(selector);
        int high = state.read(entry + 4, 4);
        state.write(entry + 4, 4, high | (TSS_BUSY_BIT << 8));
        vcpu.setTaskSelector(selector);
        return new Emulation.Resume(insn.nextAddress());
    }

    /**
     * The checks of LLDT/LTR: in the GDT, inside its limit (which never reaches the VMM's own
     * entries, see {@link ShadowGdt#reserved}), the right system type, present.
     */
    private Emulation check(Instruction insn, GuestState state, int selector, int wantedType) {
        boolean inLdt = (selector & 4) != 0;
        long offset = selector & ~7L;
        if (inLdt || offset + 7 > vcpu.gdtr().limit() || ShadowGdt.reserved(selector)) {
            return gp(insn, selector & 0xFFFC);
        }
        long entry = entryAddress(selector);
        long raw = Integer.toUnsignedLong(state.read(entry, 4)) | ((long) state.read(entry + 4, 4) << 32);
        SegmentDescriptor descriptor = SegmentDescriptor.decode(raw);
        if (!descriptor.system() || descriptor.type() != wantedType) {
            return gp(insn, selector & 0xFFFC);
        }
        if (!descriptor.present()) {
            return new Emulation.Raise(SEGMENT_NOT_PRESENT, selector & 0xFFFC, insn.address());
        }
        return null;
    }

    private long entryAddress(int selector) {
        return vcpu.gdtr().base() + (selector & ~7L);
    }

    private static Emulation gp(Instruction insn, int errorCode) {
        return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, errorCode, insn.address());
    }
}
