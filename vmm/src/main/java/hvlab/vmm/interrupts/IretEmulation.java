package hvlab.vmm.interrupts;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;

/**
 * IRET and far RET in the guest kernel (SDM Vol. 2, IRET and RET, protected-mode return). They
 * trap because the frame names a guest selector the real CPU cannot use: the kernel's own CS has
 * RPL 0 (below the real CPL 3: #GP), and a user task's code segment is absent from the kernel's
 * view of the shadow GDT (#NP). The VMM then performs the return as the guest meant it: pop EIP
 * and CS (and EFLAGS, for IRET), and on a return to an outer level ESP and SS too, then enter
 * the target at its privilege level, nulling the data segments the new level may not use.
 *
 * <p>The frame comes off the guest's stack through SS, so a frame beyond the stack's limit is a
 * #SS, and every selector in it is checked against the guest's own GDT, so a forged frame gets
 * the #GP it would get on hardware. Two requests this VMM does not grant are refused plainly:
 * a task return (EFLAGS.NT) and a return to virtual-8086 mode (EFLAGS.VM in the popped flags).
 */
public final class IretEmulation {
    private static final int NT = 1 << 14;
    private static final int VM = 1 << 17;

    private final VirtualCpu vcpu;
    private final GuestSegments segments;

    public IretEmulation(VirtualCpu vcpu, ShadowGdt gdt) {
        this.vcpu = vcpu;
        this.segments = new GuestSegments(vcpu, gdt);
    }

    /** For callers that want to know whether IRET (or a far RET) is what trapped. */
    public static boolean isIret(Instruction instruction) {
        return instruction.mnemonic().equals("iretd") || instruction.mnemonic().equals("iret");
    }

    public static boolean isFarReturn(Instruction instruction) {
        return instruction.mnemonic().equals("retf") || instruction.mnemonic().equals("lret");
    }

    public Emulation emulate(Instruction insn, GuestState state) {
        boolean iret = isIret(insn);
        int width = operandSize(insn);
        long esp = Integer.toUnsignedLong(state.register(Register.ESP));
        int oldCpl = vcpu.privilegeLevel();
        if (iret && oldCpl == 0) {
            // NT asks for a return to the previous task through the TSS back link.
            int flagsNow = segments.guestFlags(state.register(Register.EFLAGS));
            if ((flagsNow & NT) != 0) {
                return new Emulation.Exit(new VmExit.NotEmulated("iretd with EFLAGS.NT (task return) is not supported", insn.address()));
            }
        }
        int eip = pop(state, esp, 0, width);
        int cs = pop(state, esp, 1, width) & 0xFFFF;
        int flags = iret ? pop(state, esp, 2, width) : 0;
        int popped = iret ? 3 : 2;
        int release = !iret && !insn.operands().isEmpty() && insn.operand(0) instanceof Operand.Imm imm ? (int) imm.value() : 0;
        if (iret && width == 4 && (flags & VM) != 0 && oldCpl == 0) {
            return new Emulation.Exit(new VmExit.NotEmulated(
                    "iretd to virtual-8086 mode (EFLAGS.VM) is not supported", insn.address()));
        }
        int newCpl = cs & 3;
        SegmentDescriptor code = segments.descriptor(cs, state);
        if ((cs & ~3) == 0 || newCpl < oldCpl || code == null || !code.isCode() || !dplFits(code, newCpl)) {
            return raise(ExceptionNames.GENERAL_PROTECTION, cs & 0xFFFC, insn);
        }
        if (!code.present()) {
            return raise(11, cs & 0xFFFC, insn);
        }
        if (newCpl > oldCpl) {
            long outer = esp + (long) popped * width + release;
            int newEsp = pop(state, outer, 0, width);
            int ss = pop(state, outer, 1, width) & 0xFFFF;
            SegmentDescriptor stack = segments.descriptor(ss, state);
            if ((ss & ~3) == 0 || (ss & 3) != newCpl || stack == null || !stack.isWritableData() || stack.dpl() != newCpl) {
                return raise(ExceptionNames.GENERAL_PROTECTION, ss & 0xFFFC, insn);
            }
            if (!stack.present()) {
                return raise(12, ss & 0xFFFC, insn);
            }
            if (iret) {
                state.setRegister(Register.EFLAGS, segments.acceptFlags(flags, oldCpl));
            }
            segments.setStack(state, ss, stack, newEsp + release);
            segments.dropInaccessibleDataSegments(state, newCpl);
        } else {
            if (iret) {
                state.setRegister(Register.EFLAGS, segments.acceptFlags(flags, oldCpl));
            }
            state.setRegister(Register.ESP, (int) (esp + (long) popped * width + release));
        }
        long target = Integer.toUnsignedLong(eip) & (width == 2 ? 0xFFFF : 0xFFFFFFFFL);
        segments.enter(state, cs, code, target, newCpl);
        return new Emulation.Resume(target);
    }

    /** A non-conforming code segment must have DPL = RPL; a conforming one DPL <= RPL. */
    private static boolean dplFits(SegmentDescriptor code, int rpl) {
        boolean conforming = (code.type() & 0x4) != 0;
        return conforming ? code.dpl() <= rpl : code.dpl() == rpl;
    }

    private static int pop(GuestState state, long esp, int slot, int width) {
        int value = state.read(Register.SS, esp + (long) slot * width, width);
        return width == 2 ? value & 0xFFFF : value;
    }

    /** Capstone names the 16-bit forms {@code iret} and (with a 0x66 prefix) {@code retf}; their slots are 2 bytes. */
    private static int operandSize(Instruction insn) {
        if (insn.mnemonic().equals("iret")) {
            return 2;
        }
        byte[] bytes = insn.bytes();
        for (byte b : bytes) {
            if (b == 0x66) return 2;
            if ((b & 0xFF) == 0xCA || (b & 0xFF) == 0xCB) break;
        }
        return 4;
    }

    private static Emulation raise(int vector, int errorCode, Instruction at) {
        return new Emulation.Raise(vector, errorCode, at.address());
    }
}
