package hvlab.vmm.bt;

import hvlab.cpu.Instruction;
import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;

/**
 * PUSHF and POPF against the virtual CPU. They are the classic example of an instruction that
 * is sensitive but not privileged (Robin and Irvine 2000): at CPL 3 POPF does not fault when it
 * tries to change IF or IOPL, it just leaves them alone, so a deprivileged kernel's
 * {@code popf} that should re-enable interrupts silently does nothing, and its {@code pushf}
 * shows the real IF, which the VMM keeps at 1. VMware's translator replaced both with code that
 * works on the virtual CPU (Adams and Agesen, ASPLOS 2006); here a watched site does the same.
 *
 * <p>The real EFLAGS keeps IF = 1 (the VMM must always get its timer) and IOPL = 0 (so that CLI,
 * STI and port I/O keep reaching the VMM); everything else a guest may write goes to the real
 * flags, where the CPU's own instructions use it.
 */
final class FlagsInstructions {
    static final int ZF = 1 << 6;
    static final int IF = 1 << 9;
    static final int IOPL = 3 << 12;
    static final int RF = 1 << 16;
    static final int VM = 1 << 17;
    private static final int RESERVED_ONE = 1 << 1;
    /** CF PF AF ZF SF TF DF OF NT AC ID: what POPF may change at any privilege level (SDM Vol. 2, POPF). */
    private static final int ORDINARY = 0x244DD5;

    private final VirtualCpu vcpu;

    FlagsInstructions(VirtualCpu vcpu) {
        this.vcpu = vcpu;
    }

    /** EFLAGS as the guest must see it: its own IF and IOPL in place of the real ones. */
    int guestView(int realFlags) {
        int flags = realFlags & ~(IF | IOPL);
        if (vcpu.interruptsEnabled()) flags |= IF;
        return flags | (vcpu.iopl() << 12);
    }

    /** PUSHF stores the flags with VM and RF cleared; the 16-bit form stores only the low word. */
    Emulation pushFlags(Instruction insn, GuestState state) {
        int size = operandSize(insn);
        int image = guestView(state.register(Register.EFLAGS)) & ~(VM | RF);
        GuestOperands.push(state, size, size == 2 ? image & 0xFFFF : image);
        return new Emulation.Resume(insn.nextAddress());
    }

    /**
     * POPF with the SDM's privilege rules, applied to the virtual CPL and IOPL: IOPL changes only
     * at CPL 0, IF only when CPL <= IOPL, and in neither case is there a fault, just no change.
     */
    Emulation popFlags(Instruction insn, GuestState state) {
        int size = operandSize(insn);
        int popped = GuestOperands.pop(state, size);
        int cpl = vcpu.privilegeLevel();
        boolean mayChangeIf = cpl <= vcpu.iopl();
        if (cpl == 0) {
            vcpu.setIopl((popped >> 12) & 3);
        }
        if (mayChangeIf) {
            vcpu.setInterruptsEnabled((popped & IF) != 0);
        }
        int changed = size == 2 ? ORDINARY & 0xFFFF : ORDINARY | RF;
        int real = state.register(Register.EFLAGS);
        int flags = (real & ~changed) | (popped & ORDINARY & changed);
        state.setRegister(Register.EFLAGS, (flags & ~IOPL) | IF | RESERVED_ONE);
        return new Emulation.Resume(insn.nextAddress());
    }

    /** Capstone names the 32-bit forms {@code pushfd}/{@code popfd} and the 16-bit ones {@code pushf}/{@code popf}. */
    private static int operandSize(Instruction insn) {
        return insn.mnemonic().endsWith("d") ? 4 : 2;
    }
}
