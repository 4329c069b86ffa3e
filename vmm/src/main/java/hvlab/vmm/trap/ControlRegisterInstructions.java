package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;

/**
 * MOV to and from CR0, CR2, CR3, CR4 and DR0-DR7, LMSW and CLTS (SDM Vol. 3, 2.5 and 18.2).
 * They act on the {@link VirtualCpu} only: a guest that turns on CR0.WP or writes CR3 changes
 * nothing real, which is exactly what lets many guests share one CPU.
 */
final class ControlRegisterInstructions {
    /** CR4 bits a 32-bit guest may set: VME, PVI, TSD, DE, PSE, PAE, MCE, PGE, PCE, OSFXSR, OSXMMEXCPT. */
    private static final int CR4_WRITABLE = 0x7FF;

    /** CR4.PAE: the 64-bit-entry paging of PAE, which this VMM's shadow MMU does not do. */
    private static final int CR4_PAE = 1 << 5;

    private final VirtualCpu vcpu;
    private TlbListener tlb = TlbListener.NONE;

    ControlRegisterInstructions(VirtualCpu vcpu) {
        this.vcpu = vcpu;
    }

    void setTlbListener(TlbListener listener) {
        this.tlb = listener;
    }

    Emulation move(Instruction insn, GuestState state) {
        Register target = ((Operand.Reg) insn.operand(0)).register();
        Register source = ((Operand.Reg) insn.operand(1)).register();
        if (target == null || source == null) {
            return gp(insn); // DR4/DR5 and other registers we do not model
        }
        if (source != null && (source.isControl() || source.isDebug())) {
            Integer value = readSpecial(source);
            if (value == null) {
                return gp(insn);
            }
            state.setRegister(target, value);
            return new Emulation.Resume(insn.nextAddress());
        }
        int value = state.register(source);
        if (target.isDebug()) {
            vcpu.setDebugRegister(debugIndex(target), value);
            return new Emulation.Resume(insn.nextAddress());
        }
        return switch (target) {
            case CR0 -> writeCr0(insn, value);
            case CR2 -> {
                vcpu.setCr2(value);
                yield new Emulation.Resume(insn.nextAddress());
            }
            case CR3 -> {
                vcpu.setCr3(value);
                tlb.cr3Loaded(); // a CR3 load empties the TLB, even with the same value
                yield new Emulation.Resume(insn.nextAddress());
            }
            case CR4 -> {
                if ((value & ~CR4_WRITABLE) != 0) {
                    yield gp(insn); // reserved CR4 bits: #GP(0)
                }
                if ((value & CR4_PAE) != 0 && vcpu.pagingEnabled()) {
                    yield paeRefused(insn);
                }
                vcpu.setCr4(value);
                yield new Emulation.Resume(insn.nextAddress());
            }
            default -> gp(insn);
        };
    }

    /** LMSW loads CR0 bits 0-3 (PE, MP, EM, TS) and can set PE but never clear it. */
    Emulation loadMachineStatusWord(Instruction insn, GuestState state) {
        int msw = Operands.read(insn.operand(0), state) & 0xF;
        int cr0 = (vcpu.cr0() & ~0xE) | (msw & 0xE) | ((vcpu.cr0() | msw) & VirtualCpu.CR0_PE);
        vcpu.setCr0(cr0);
        return new Emulation.Resume(insn.nextAddress());
    }

    /** CLTS clears CR0.TS, the flag a kernel uses to switch FPU state lazily. */
    Emulation clearTaskSwitched(Instruction insn) {
        vcpu.setCr0(vcpu.cr0() & ~VirtualCpu.CR0_TS);
        return new Emulation.Resume(insn.nextAddress());
    }

    private Emulation writeCr0(Instruction insn, int value) {
        if ((value & VirtualCpu.CR0_PG) != 0 && (value & VirtualCpu.CR0_PE) == 0) {
            return gp(insn); // paging needs protected mode (SDM Vol. 3A, 2.5)
        }
        if ((value & VirtualCpu.CR0_PG) != 0 && (vcpu.cr4() & CR4_PAE) != 0) {
            return paeRefused(insn);
        }
        if ((value & VirtualCpu.CR0_PE) == 0) {
            return new Emulation.Exit(new VmExit.NotEmulated("real mode not supported (" + insn.text() + " clears CR0.PE)", insn.address()));
        }
        vcpu.setCr0(value | 0x10); // ET is hard-wired to 1 on 486 and later
        return new Emulation.Resume(insn.nextAddress());
    }

    private static Emulation paeRefused(Instruction insn) {
        return new Emulation.Exit(new VmExit.NotEmulated("PAE paging is not supported, only 32-bit paging (" + insn.text() + ")",
                insn.address()));
    }

    private Integer readSpecial(Register register) {
        if (register.isDebug()) {
            return vcpu.debugRegister(debugIndex(register));
        }
        return switch (register) {
            case CR0 -> vcpu.cr0();
            case CR2 -> vcpu.cr2();
            case CR3 -> vcpu.cr3();
            case CR4 -> vcpu.cr4();
            default -> null;
        };
    }

    private static int debugIndex(Register register) {
        return switch (register) {
            case DR0 -> 0;
            case DR1 -> 1;
            case DR2 -> 2;
            case DR3 -> 3;
            case DR6 -> 6;
            default -> 7;
        };
    }

    private static Emulation gp(Instruction insn) {
        return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, 0, insn.address());
    }
}
