package hvlab.vmm.bt;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;

import java.util.Set;

/**
 * The x86 instructions that break Popek and Goldberg's virtualization condition: they read or
 * change privileged state, yet run at CPL 3 without a fault. Robin and Irvine (USENIX Security
 * 2000) listed seventeen of them for the Pentium; these are the ones a 32-bit protected-mode
 * guest with flat segments can run into.
 *
 * <ul>
 *   <li>SGDT, SIDT, SLDT, STR and SMSW store the real GDTR, IDTR, LDTR, TR and CR0: the guest
 *       sees the VMM's tables and control bits, not its own.</li>
 *   <li>PUSHF shows the real IF (always 1) and IOPL; POPF silently drops the guest's IF and IOPL
 *       changes instead of faulting.</li>
 *   <li>LAR, LSL, VERR and VERW answer from the real (shadow) descriptors, whose DPLs ring
 *       compression raised to 3.</li>
 *   <li>Reading CS or SS (MOV r/m, Sreg and PUSH Sreg) shows RPL 3, the real CPL, where the
 *       guest kernel expects 0.</li>
 * </ul>
 *
 * Left out: far CALL, JMP and RET through call gates or across privilege levels. They need no
 * translation here, because the shadow GDT holds no gates and shows only the code segments of
 * the guest's current virtual CPL, so the real CPU already faults on them (#NP) and they take
 * the trap path. DS, ES, FS and GS are left out too: they hold exactly what the guest loaded.
 */
public final class SensitiveInstructions {
    private static final Set<String> ALWAYS = Set.of(
            "sgdt", "sidt", "sldt", "str", "smsw",
            "pushf", "pushfd", "pushfw", "popf", "popfd", "popfw",
            "lar", "lsl", "verr", "verw");

    private SensitiveInstructions() {}

    /** True when {@code insn} reads or writes privileged state without trapping at CPL 3. */
    public static boolean isSensitive(Instruction insn) {
        String m = insn.mnemonic();
        if (ALWAYS.contains(m)) {
            return true;
        }
        if (m.equals("mov") && insn.operands().size() == 2) {
            return isCodeOrStackSegment(insn.operand(1));
        }
        if (m.equals("push") && insn.operands().size() == 1) {
            return isCodeOrStackSegment(insn.operand(0));
        }
        return false;
    }

    /** CS and SS carry the real CPL in their RPL; the other segment registers hold what the guest loaded. */
    static boolean isCodeOrStackSegment(Operand operand) {
        return operand instanceof Operand.Reg reg && (reg.register() == Register.CS || reg.register() == Register.SS);
    }
}
