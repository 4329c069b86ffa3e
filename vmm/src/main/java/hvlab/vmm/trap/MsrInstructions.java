package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;

import java.util.OptionalLong;

/**
 * RDMSR, WRMSR, RDTSC and RDPMC (SDM Vol. 2). ECX names the MSR; the 64-bit value travels in
 * EDX:EAX. The VMM keeps RDTSC trapping at all times (real CR4.TSD = 1), so the guest's clock is
 * the virtual, deterministic TSC, never the host's.
 */
final class MsrInstructions {
    private final VirtualCpu vcpu;

    MsrInstructions(VirtualCpu vcpu) {
        this.vcpu = vcpu;
    }

    Emulation readMsr(Instruction insn, GuestState state) {
        OptionalLong value = vcpu.msrs().read(state.register(Register.ECX));
        if (value.isEmpty()) {
            return gp(insn);
        }
        setEdxEax(state, value.getAsLong());
        return new Emulation.Resume(insn.nextAddress());
    }

    Emulation writeMsr(Instruction insn, GuestState state) {
        long value = (Integer.toUnsignedLong(state.register(Register.EDX)) << 32) | Integer.toUnsignedLong(state.register(Register.EAX));
        if (!vcpu.msrs().write(state.register(Register.ECX), value)) {
            return gp(insn);
        }
        return new Emulation.Resume(insn.nextAddress());
    }

    /** RDTSC: allowed at any level unless the guest set CR4.TSD, then only at (virtual) CPL 0. */
    Emulation readTimeStampCounter(Instruction insn, GuestState state) {
        if ((vcpu.cr4() & VirtualCpu.CR4_TSD) != 0 && vcpu.privilegeLevel() != 0) {
            return gp(insn);
        }
        setEdxEax(state, vcpu.msrs().readTsc());
        return new Emulation.Resume(insn.nextAddress());
    }

    /** RDPMC: we model no performance counters; with CR4.PCE clear it is kernel-only, and any counter reads 0. */
    Emulation readPerformanceCounter(Instruction insn, GuestState state) {
        if ((vcpu.cr4() & VirtualCpu.CR4_PCE) == 0 && vcpu.privilegeLevel() != 0) {
            return gp(insn);
        }
        if (Integer.compareUnsigned(state.register(Register.ECX), 7) > 0) {
            return gp(insn);
        }
        setEdxEax(state, 0);
        return new Emulation.Resume(insn.nextAddress());
    }

    private static void setEdxEax(GuestState state, long value) {
        state.setRegister(Register.EAX, (int) value);
        state.setRegister(Register.EDX, (int) (value >>> 32));
    }

    private static Emulation gp(Instruction insn) {
        return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, 0, insn.address());
    }

}
