package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;

import java.util.Set;

/**
 * Emulates the privileged instructions a deprivileged guest kernel executes. At CPL 3 each of them
 * raises #GP (SDM Vol. 3, 5.9: "privileged instructions"); the VMM decodes the instruction at the
 * faulting EIP and performs its effect on the {@link VirtualCpu} instead of the real one. This is
 * Popek and Goldberg's trap-and-emulate, and the "trap program execution" feature of the paper
 * (section IV.A.1).
 *
 * <p>The guest has privilege levels of its own: when one of its user tasks (virtual CPL 3) runs a
 * privileged instruction, the VMM does what the hardware would do to it, and raises #GP into the
 * guest kernel.
 *
 * <p>Pure logic: no emulator is involved, so tests feed it decoded instructions and a
 * {@link GuestState} made of arrays.
 */
public final class PrivilegedInstructions {
    /** Instructions that fault at CPL 3 because they are privileged (or IOPL-sensitive). */
    private static final Set<String> PRIVILEGED = Set.of(
            "cli", "sti", "hlt", "lgdt", "lidt", "lldt", "ltr", "lmsw", "clts", "invlpg", "wbinvd", "invd",
            "rdmsr", "wrmsr", "rdpmc", "rdtsc", "iretd", "iret", "insb", "insw", "insd", "outsb", "outsw", "outsd",
            "in", "out", "sysexit", "sysret", "swapgs");

    private final VirtualCpu vcpu;
    private final ControlRegisterInstructions controlRegisters;
    private final DescriptorTableInstructions descriptorTables;
    private final MsrInstructions msrs;
    private TlbListener tlb = TlbListener.NONE;

    /** Told when the guest loads a new GDT, so the VMM can rebuild its shadow. */
    @FunctionalInterface
    public interface GdtListener {
        void gdtLoaded(long base, int limit);
    }

    public PrivilegedInstructions(VirtualCpu vcpu) {
        this(vcpu, (base, limit) -> { });
    }

    public PrivilegedInstructions(VirtualCpu vcpu, GdtListener gdtListener) {
        this.vcpu = vcpu;
        this.controlRegisters = new ControlRegisterInstructions(vcpu);
        this.descriptorTables = new DescriptorTableInstructions(vcpu, gdtListener);
        this.msrs = new MsrInstructions(vcpu);
    }

    /** Who hears of the guest's TLB flushes: the shadow MMU. */
    public void setTlbListener(TlbListener listener) {
        this.tlb = listener;
        controlRegisters.setTlbListener(listener);
    }

    /** True for instructions that only fault because the guest is deprivileged. */
    public static boolean isPrivileged(Instruction instruction) {
        String m = instruction.mnemonic();
        return PRIVILEGED.contains(m) || m.startsWith("rep ") && PRIVILEGED.contains(m.substring(4))
                || (m.equals("mov") && instruction.operandText().matches(".*\\b(cr|dr)\\d.*"));
    }

    /** Emulates {@code insn}, which raised #GP at CPL 3. */
    public Emulation emulate(Instruction insn, GuestState state) {
        String mnemonic = insn.mnemonic();
        if (!isPrivileged(insn)) {
            return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, 0, insn.address());
        }
        boolean kernel = vcpu.privilegeLevel() == 0;
        return switch (mnemonic) {
            // Our CPUID advertises no SYSENTER/SYSEXIT (SEP), and SYSRET and SWAPGS do not exist in
            // 32-bit mode: on the CPU the guest sees, each is an invalid opcode, at any level.
            case "sysexit", "sysret", "swapgs" -> new Emulation.Raise(ExceptionNames.INVALID_OPCODE, 0, insn.address());
            case "cli", "sti" -> {
                // IOPL decides who may change IF (SDM Vol. 1, 3.4.3.3): a kernel can let user code do it.
                if (vcpu.privilegeLevel() > vcpu.iopl()) yield raiseGp(insn);
                vcpu.setInterruptsEnabled(mnemonic.equals("sti"));
                yield new Emulation.Resume(insn.nextAddress());
            }
            case "rdtsc" -> msrs.readTimeStampCounter(insn, state);
            case "rdpmc" -> msrs.readPerformanceCounter(insn, state);
            default -> kernel ? emulateKernelOnly(insn, state) : raiseGp(insn);
        };
    }

    private Emulation emulateKernelOnly(Instruction insn, GuestState state) {
        return switch (insn.mnemonic()) {
            case "hlt" -> {
                if (!vcpu.interruptsEnabled()) {
                    // With IF clear no interrupt can ever wake the CPU: the guest has asked to stop.
                    vcpu.setHalted(true);
                    yield new Emulation.Exit(new VmExit.Halt(insn.address()));
                }
                yield new Emulation.Halt(insn.nextAddress());
            }
            case "mov" -> controlRegisters.move(insn, state);
            case "lmsw" -> controlRegisters.loadMachineStatusWord(insn, state);
            case "clts" -> controlRegisters.clearTaskSwitched(insn);
            case "lgdt", "lidt" -> descriptorTables.loadTableRegister(insn, state);
            case "lldt" -> descriptorTables.loadLdt(insn, state);
            case "ltr" -> descriptorTables.loadTaskRegister(insn, state);
            case "rdmsr" -> msrs.readMsr(insn, state);
            case "wrmsr" -> msrs.writeMsr(insn, state);
            case "invlpg" -> invalidatePage(insn, state);
            // No caches to virtualize: the emulator has none the guest could see.
            case "wbinvd", "invd" -> new Emulation.Resume(insn.nextAddress());
            default -> new Emulation.Exit(new VmExit.NotEmulated(insn.text(), insn.address()));
        };
    }

    /**
     * INVLPG m: the TLB forgets the page that holds linear address m (the operand's address, never
     * read: SDM Vol. 2, INVLPG). The shadow MMU forgets it too.
     */
    private Emulation invalidatePage(Instruction insn, GuestState state) {
        if (!(insn.operand(0) instanceof Operand.Mem mem)) {
            return new Emulation.Raise(ExceptionNames.INVALID_OPCODE, 0, insn.address());
        }
        long offset = Operands.effectiveAddress(mem, state);
        tlb.pageInvalidated(state.linear(Operands.segmentOf(mem), offset, 1, false));
        return new Emulation.Resume(insn.nextAddress());
    }

    private static Emulation raiseGp(Instruction insn) {
        return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, 0, insn.address());
    }
}
