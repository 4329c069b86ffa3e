package hvlab.vmm;

/**
 * The guest's idea of its own CPU: the privileged state a guest kernel believes it controls,
 * kept by the VMM because the guest really runs at CPL 3 and may not touch the real one.
 *
 * <p>The most visible piece is the interrupt flag. A deprivileged guest's CLI and STI raise #GP;
 * the VMM then flips {@link #interruptsEnabled()} here, and the real EFLAGS.IF never changes.
 * That is also why POPF cannot be trusted at CPL 3: the hardware silently ignores its IF bit
 * (SDM Vol. 2, POPF), one of the sensitive-but-unprivileged instructions.
 */
public final class VirtualCpu {
    private boolean interruptsEnabled;
    private boolean halted;

    public boolean interruptsEnabled() {
        return interruptsEnabled;
    }

    public void setInterruptsEnabled(boolean enabled) {
        this.interruptsEnabled = enabled;
    }

    /** True after HLT until the next interrupt. */
    public boolean halted() {
        return halted;
    }

    public void setHalted(boolean halted) {
        this.halted = halted;
    }
}
