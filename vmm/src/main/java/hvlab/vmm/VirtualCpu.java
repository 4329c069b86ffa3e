package hvlab.vmm;

import hvlab.cpu.TableRegister;

import java.util.Arrays;

/**
 * The guest's idea of its own CPU: the privileged state a guest kernel believes it controls,
 * kept by the VMM because the guest really runs at CPL 3 and may not touch the real one.
 *
 * <p>The most visible piece is the interrupt flag. A deprivileged guest's CLI and STI raise #GP;
 * the VMM then flips {@link #interruptsEnabled()} here, and the real EFLAGS.IF never changes.
 * That is also why POPF cannot be trusted at CPL 3: the hardware silently ignores its IF bit
 * (SDM Vol. 2, POPF), one of the sensitive-but-unprivileged instructions. Unless the VM mirrors
 * the flag ({@link #mirrorsInterruptFlag()}): then the real IF follows this one, so that PUSHF
 * reads what the guest's CLI and STI set (see {@code trap/InterruptFlagMirror}).
 *
 * <p>The same goes for the control registers, the debug registers, the descriptor-table
 * registers and the model-specific registers: the guest reads back what it wrote, and only
 * the VMM decides what, if anything, reaches the real CPU.
 */
public final class VirtualCpu {
    /** CR0 as a 386+ comes out of a protected-mode boot loader: PE (protection on) and ET. */
    public static final int CR0_RESET = 0x00000011;
    public static final int CR0_PE = 1;
    public static final int CR0_TS = 1 << 3;
    public static final int CR0_PG = 1 << 31;
    /** Write protect: when set, the kernel too is refused writes to read-only pages (SDM Vol. 3A, 2.5). */
    public static final int CR0_WP = 1 << 16;
    /** Page size extensions: a directory entry with PS = 1 maps a 4 MiB page. */
    public static final int CR4_PSE = 1 << 4;
    /** Global pages: entries with G = 1 survive a CR3 load. */
    public static final int CR4_PGE = 1 << 7;
    public static final int CR4_TSD = 1 << 2;
    public static final int CR4_DE = 1 << 3;
    public static final int CR4_PCE = 1 << 8;
    /** DR6 and DR7 after reset (SDM Vol. 3, 18.2): reserved bits read as ones. */
    public static final int DR6_RESET = 0xFFFF0FF0;
    public static final int DR7_RESET = 0x00000400;

    private boolean interruptsEnabled;
    private boolean halted;
    private int privilegeLevel;
    private int iopl;
    private int cr0 = CR0_RESET;
    private int cr2;
    private int cr3;
    private int cr4;
    private final int[] debug = new int[8];
    private TableRegister.Value gdtr = TableRegister.Value.of(0, 0xFFFF);
    private TableRegister.Value idtr = TableRegister.Value.of(0, 0x3FF);
    private boolean ownGdt;
    private int ldtSelector;
    private int taskSelector;
    private final ModelSpecificRegisters msrs = new ModelSpecificRegisters();

    /** Everything the virtual CPU holds, as plain data, for save and restore. */
    public record State(boolean interruptsEnabled, boolean halted, int privilegeLevel, int iopl, int cr0, int cr2, int cr3,
                        int cr4, java.util.List<Integer> debugRegisters, TableRegister.Value gdtr, TableRegister.Value idtr,
                        boolean ownGdt, int ldtSelector, int taskSelector, java.util.Map<Integer, Long> msrs, long tsc) {
        public State {
            debugRegisters = java.util.List.copyOf(debugRegisters);
            msrs = java.util.Map.copyOf(msrs);
        }
    }

    public State save() {
        return new State(interruptsEnabled, halted, privilegeLevel, iopl, cr0, cr2, cr3, cr4,
                java.util.Arrays.stream(debug).boxed().toList(), gdtr, idtr, ownGdt, ldtSelector, taskSelector,
                msrs.values(), msrs.tsc());
    }

    public void restore(State s) {
        interruptsEnabled = s.interruptsEnabled();
        halted = s.halted();
        privilegeLevel = s.privilegeLevel();
        iopl = s.iopl();
        cr0 = s.cr0();
        cr2 = s.cr2();
        cr3 = s.cr3();
        cr4 = s.cr4();
        for (int i = 0; i < debug.length; i++) {
            debug[i] = s.debugRegisters().get(i);
        }
        gdtr = s.gdtr();
        idtr = s.idtr();
        ownGdt = s.ownGdt();
        ldtSelector = s.ldtSelector();
        taskSelector = s.taskSelector();
        msrs.restore(s.msrs(), s.tsc());
    }

    public VirtualCpu() {
        Arrays.fill(debug, 0);
        debug[6] = DR6_RESET;
        debug[7] = DR7_RESET;
    }

    public boolean interruptsEnabled() { return interruptsEnabled; }

    public void setInterruptsEnabled(boolean enabled) { this.interruptsEnabled = enabled; }

    private boolean mirrorsInterruptFlag;

    /** Does the real EFLAGS.IF follow the virtual one (a choice of the VM's, fixed at its creation)? */
    public boolean mirrorsInterruptFlag() { return mirrorsInterruptFlag; }

    public void setMirrorsInterruptFlag(boolean mirror) { this.mirrorsInterruptFlag = mirror; }

    /** True after HLT until the next interrupt. */
    public boolean halted() { return halted; }

    public void setHalted(boolean halted) { this.halted = halted; }

    /**
     * The privilege level the guest believes it runs at: 0 for its kernel, 3 for its user tasks.
     * The real CPL is always 3; this one decides whether a privileged instruction is the kernel's
     * (emulate it) or a user task's (reflect #GP to the guest kernel, as real hardware would).
     */
    public int privilegeLevel() { return privilegeLevel; }

    public void setPrivilegeLevel(int level) { this.privilegeLevel = level & 3; }

    /** EFLAGS.IOPL as the guest set it: the least privileged level allowed to do port I/O and CLI/STI. */
    public int iopl() { return iopl; }

    public void setIopl(int iopl) { this.iopl = iopl & 3; }

    public int cr0() { return cr0; }

    public void setCr0(int value) { cr0 = value; }

    public int cr2() { return cr2; }

    public void setCr2(int value) { cr2 = value; }

    public int cr3() { return cr3; }

    public boolean pagingEnabled() { return (cr0 & CR0_PG) != 0; }

    public void setCr3(int value) { cr3 = value; }

    public int cr4() { return cr4; }

    public void setCr4(int value) { cr4 = value; }

    public int debugRegister(int n) { return debug[n]; }

    public void setDebugRegister(int n, int value) { debug[n] = value; }

    public TableRegister.Value gdtr() { return gdtr; }

    public void setGdtr(TableRegister.Value value) {
        gdtr = value;
        ownGdt = true;
    }

    /** Has the guest loaded a GDT of its own? Until then it uses the boot GDT the VMM describes in the ABI. */
    public boolean hasOwnGdt() { return ownGdt; }

    public TableRegister.Value idtr() { return idtr; }

    public void setIdtr(TableRegister.Value value) { idtr = value; }

    public int ldtSelector() { return ldtSelector; }

    public void setLdtSelector(int selector) { ldtSelector = selector & 0xFFFF; }

    public int taskSelector() { return taskSelector; }

    public void setTaskSelector(int selector) { taskSelector = selector & 0xFFFF; }

    public ModelSpecificRegisters msrs() { return msrs; }

    /** Has the guest loaded an IDT of its own (so exceptions and interrupts can be reflected to it)? */
    public boolean hasIdt() { return idtr.base() != 0 || idtr.limit() != 0x3FF; }
}
