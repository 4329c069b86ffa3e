package hvlab.vmm.interrupts;

import hvlab.cpu.Instruction;
import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;

/**
 * IRETD in the guest kernel (SDM Vol. 2, IRET, protected-mode return). It traps because the frame
 * names a guest selector the real CPU cannot use: the kernel's own CS has RPL 0 (below the real
 * CPL 3: #GP), and a user task's code segment is absent from the kernel's view of the shadow GDT
 * (#NP). The VMM then performs the return as the guest meant it: pop EIP, CS and EFLAGS, and on a
 * return to an outer level ESP and SS too, then enter the target at its privilege level.
 */
public final class IretEmulation {
    private final VirtualCpu vcpu;
    private final GuestSegments segments;

    public IretEmulation(VirtualCpu vcpu, ShadowGdt gdt) {
        this.vcpu = vcpu;
        this.segments = new GuestSegments(vcpu, gdt);
    }

    public Emulation emulate(Instruction iret, GuestState state) {
        long esp = Integer.toUnsignedLong(state.register(Register.ESP));
        int eip = state.read(esp, 4);
        int cs = state.read(esp + 4, 4) & 0xFFFF;
        int flags = state.read(esp + 8, 4);
        int oldCpl = vcpu.privilegeLevel();
        int newCpl = cs & 3;
        if ((flags & 0x4000) != 0 && oldCpl == 0) {
            return new Emulation.Exit(new hvlab.vmm.VmExit.NotEmulated("iretd with EFLAGS.NT (task return) is not supported", iret.address()));
        }
        SegmentDescriptor code = segments.descriptor(cs, state);
        if (newCpl < oldCpl || code == null || !code.isCode() || code.dpl() != newCpl) {
            return raise(ExceptionNames.GENERAL_PROTECTION, cs & 0xFFFC, iret);
        }
        if (!code.present()) {
            return raise(11, cs & 0xFFFC, iret);
        }
        int realFlags = segments.acceptFlags(flags, oldCpl);
        if (newCpl > oldCpl) {
            int newEsp = state.read(esp + 12, 4);
            int ss = state.read(esp + 16, 4) & 0xFFFF;
            SegmentDescriptor stack = segments.descriptor(ss, state);
            if ((ss & 3) != newCpl || stack == null || stack.isCode() || stack.dpl() != newCpl) {
                return raise(ExceptionNames.GENERAL_PROTECTION, ss & 0xFFFC, iret);
            }
            segments.setStack(state, ss, newEsp);
        } else {
            state.setRegister(Register.ESP, (int) (esp + 12));
        }
        state.setRegister(Register.EFLAGS, realFlags);
        segments.enter(state, cs, Integer.toUnsignedLong(eip), newCpl);
        return new Emulation.Resume(Integer.toUnsignedLong(eip));
    }

    private static Emulation raise(int vector, int errorCode, Instruction at) {
        return new Emulation.Raise(vector, errorCode, at.address());
    }

    /** For callers that want to know whether IRET is what trapped. */
    public static boolean isIret(Instruction instruction) {
        return instruction.mnemonic().equals("iretd") || instruction.mnemonic().equals("iret");
    }
}
