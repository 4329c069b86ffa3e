package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
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
 * <p>Pure logic: no emulator is involved, so tests can feed it decoded instructions directly.
 */
public final class PrivilegedInstructions {
    /** Instructions that fault at CPL 3 because they are privileged (or IOPL-sensitive). */
    private static final Set<String> PRIVILEGED = Set.of(
            "cli", "sti", "hlt", "lgdt", "lidt", "lldt", "ltr", "lmsw", "clts", "invlpg", "wbinvd", "invd",
            "rdmsr", "wrmsr", "rdpmc", "rdtsc", "iretd", "iret", "insb", "insw", "insd", "outsb", "outsw", "outsd",
            "in", "out", "sysexit", "sysret", "swapgs");

    private final VirtualCpu vcpu;

    public PrivilegedInstructions(VirtualCpu vcpu) {
        this.vcpu = vcpu;
    }

    /** True for instructions that only fault because the guest is deprivileged. */
    public static boolean isPrivileged(Instruction instruction) {
        String m = instruction.mnemonic();
        return PRIVILEGED.contains(m) || m.startsWith("rep ") && PRIVILEGED.contains(m.substring(4))
                || (m.equals("mov") && instruction.operandText().matches(".*\\b(cr|dr)\\d.*"));
    }

    /** Emulates {@code instruction}, which raised #GP at CPL 3. */
    public Emulation emulate(Instruction instruction) {
        long eip = instruction.address();
        return switch (instruction.mnemonic()) {
            case "cli" -> {
                vcpu.setInterruptsEnabled(false);
                yield new Emulation.Resume(instruction.nextAddress());
            }
            case "sti" -> {
                vcpu.setInterruptsEnabled(true);
                yield new Emulation.Resume(instruction.nextAddress());
            }
            case "hlt" -> {
                // HLT waits for the next interrupt. With IF clear no interrupt can come, so the
                // guest has asked to stop for good; with IF set there is, as yet, no virtual
                // device that could raise one, so it would wait forever: stop it too.
                vcpu.setHalted(true);
                yield new Emulation.Exit(new VmExit.Halt(eip));
            }
            default -> isPrivileged(instruction)
                    ? new Emulation.Exit(new VmExit.NotEmulated(instruction.text(), eip))
                    : new Emulation.Exit(new VmExit.Fault(ExceptionNames.GENERAL_PROTECTION, eip,
                            "'" + instruction.text() + "' raised a general protection fault"));
        };
    }
}
