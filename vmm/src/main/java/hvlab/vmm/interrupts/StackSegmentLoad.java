package hvlab.vmm.interrupts;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;
import hvlab.vmm.trap.Operands;

/**
 * MOV SS, POP SS and LSS in the guest kernel. Loading SS demands RPL = DPL = CPL (SDM Vol. 3,
 * 5.7); the kernel names its stack segment with RPL 0 while the real CPL is 3, so the load
 * raises #GP. The VMM checks the load against the guest's own GDT at the guest's virtual CPL,
 * as the hardware would, and then loads the ring-compressed selector (RPL 3) for real.
 * (Data-segment loads need no help: DS, ES, FS and GS accept RPL 0 at CPL 3 when DPL is 3.)
 */
public final class StackSegmentLoad {
    private final VirtualCpu vcpu;
    private final GuestSegments segments;

    public StackSegmentLoad(VirtualCpu vcpu, ShadowGdt gdt) {
        this.vcpu = vcpu;
        this.segments = new GuestSegments(vcpu, gdt);
    }

    public static boolean isStackSegmentLoad(Instruction insn) {
        return switch (insn.mnemonic()) {
            case "mov", "pop" -> !insn.operands().isEmpty() && insn.operand(0) instanceof Operand.Reg r && r.register() == Register.SS;
            case "lss" -> true;
            default -> false;
        };
    }

    public Emulation emulate(Instruction insn, GuestState state) {
        int selector;
        switch (insn.mnemonic()) {
            case "pop" -> {
                long esp = Integer.toUnsignedLong(state.register(Register.ESP));
                selector = state.read(Register.SS, esp, 2) & 0xFFFF;
                Emulation problem = check(insn, selector, state);
                if (problem != null) return problem;
                state.setRegister(Register.ESP, (int) (esp + 4));
            }
            case "lss" -> {
                // lss r32, m16:32: the offset first, then the selector.
                Operand.Mem mem = (Operand.Mem) insn.operand(1);
                long address = Operands.effectiveAddress(mem, state);
                Register segment = Operands.segmentOf(mem);
                int offset = state.read(segment, address, 4);
                selector = state.read(segment, address + 4, 2) & 0xFFFF;
                Emulation problem = check(insn, selector, state);
                if (problem != null) return problem;
                state.setRegister(((Operand.Reg) insn.operand(0)).register(), offset);
            }
            default -> {
                Operand source = insn.operand(1);
                selector = Operands.read(source, state) & 0xFFFF;
                Emulation problem = check(insn, selector, state);
                if (problem != null) return problem;
            }
        }
        segments.loadStackSegment(state, selector, segments.descriptor(selector, state));
        return new Emulation.Resume(insn.nextAddress());
    }

    private Emulation check(Instruction insn, int selector, GuestState state) {
        int cpl = vcpu.privilegeLevel();
        SegmentDescriptor d = (selector & ~3) == 0 ? null : segments.descriptor(selector, state);
        boolean writableData = d != null && d.isWritableData();
        if (!writableData || (selector & 3) != cpl || d.dpl() != cpl) {
            return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, selector & 0xFFFC, insn.address());
        }
        if (!d.present()) {
            return new Emulation.Raise(12, selector & 0xFFFC, insn.address()); // #SS
        }
        return null;
    }
}
