package hvlab.vmm.bt;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;

/**
 * LAR, LSL, VERR and VERW: the unprivileged instructions that ask the CPU about a descriptor.
 * Run natively they consult the shadow GDT, where every guest segment has DPL 3 and code
 * segments of the other privilege level are marked not present; LAR would then report the
 * kernel's code segment as a ring-3 segment, one of Robin and Irvine's (2000) leaks. Here they
 * answer from the guest's own descriptors, at the guest's virtual CPL, with the checks of the
 * SDM (Vol. 2, LAR, LSL, VERR/VERW): none of them faults on a bad selector, they clear ZF.
 */
final class SegmentQueries {
    /** System types LAR accepts: TSSes (16- and 32-bit, available or busy), LDT, call gates, task gate. */
    private static final int LAR_SYSTEM_TYPES = bits(0x1, 0x2, 0x3, 0x4, 0x5, 0x9, 0xB, 0xC);
    /** System types LSL accepts: only those with a limit (TSSes and the LDT, no gates). */
    private static final int LSL_SYSTEM_TYPES = bits(0x1, 0x2, 0x3, 0x9, 0xB);
    /** Access rights LAR copies out of the descriptor's high dword: type, S, DPL, P, AVL, L, D/B, G. */
    private static final int LAR_MASK_32 = 0x00F0FF00;
    private static final int LAR_MASK_16 = 0xFF00;
    private static final int TYPE_CODE = 0x8;
    private static final int TYPE_CONFORMING = 0x4;
    private static final int TYPE_READABLE_OR_WRITABLE = 0x2;

    private final VirtualCpu vcpu;
    private final GuestDescriptors descriptors;

    SegmentQueries(VirtualCpu vcpu, GuestDescriptors descriptors) {
        this.vcpu = vcpu;
        this.descriptors = descriptors;
    }

    Emulation emulate(Instruction insn, GuestState state) {
        boolean query = insn.mnemonic().startsWith("l");
        Operand source = insn.operand(query ? 1 : 0);
        int selector = GuestOperands.read(source, state) & 0xFFFF;
        long raw = descriptors.lookup(selector, state);
        SegmentDescriptor d = raw == 0 ? null : SegmentDescriptor.decode(raw);
        boolean ok = d != null && switch (insn.mnemonic()) {
            case "lar" -> validType(d, LAR_SYSTEM_TYPES) && visible(d, selector);
            case "lsl" -> validType(d, LSL_SYSTEM_TYPES) && visible(d, selector);
            case "verr" -> !d.system() && (!d.isCode() || (d.type() & TYPE_READABLE_OR_WRITABLE) != 0) && visible(d, selector);
            default -> !d.system() && !d.isCode() && (d.type() & TYPE_READABLE_OR_WRITABLE) != 0 && visible(d, selector);
        };
        if (ok && query) {
            Operand.Reg target = (Operand.Reg) insn.operand(0);
            boolean wide = target.size() == 4;
            int value = insn.mnemonic().equals("lar")
                    ? (int) (raw >>> 32) & (wide ? LAR_MASK_32 : LAR_MASK_16)
                    : (int) d.byteLimit();
            state.setRegister(target.register(), wide ? value : value & 0xFFFF);
        }
        GuestOperands.setZeroFlag(state, ok);
        return new Emulation.Resume(insn.nextAddress());
    }

    private static boolean validType(SegmentDescriptor d, int systemTypes) {
        return !d.system() || (systemTypes & (1 << d.type())) != 0;
    }

    /**
     * The privilege check all four share: the descriptor's DPL must be at least the current
     * privilege level and the selector's RPL, except for conforming code, which any level may use.
     */
    private boolean visible(SegmentDescriptor d, int selector) {
        boolean conforming = !d.system() && (d.type() & (TYPE_CODE | TYPE_CONFORMING)) == (TYPE_CODE | TYPE_CONFORMING);
        return conforming || (d.dpl() >= vcpu.privilegeLevel() && d.dpl() >= (selector & 3));
    }

    private static int bits(int... types) {
        int mask = 0;
        for (int type : types) mask |= 1 << type;
        return mask;
    }
}
