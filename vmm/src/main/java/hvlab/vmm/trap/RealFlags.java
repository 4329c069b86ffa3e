package hvlab.vmm.trap;

import hvlab.cpu.Trap;
import hvlab.vmm.VmExit;

/**
 * The VMM's invariants on the real EFLAGS, re-asserted rather than trusted: whatever the guest
 * does, the real CPU keeps IOPL 0 (so CLI, STI and port I/O keep trapping) and VM clear (the
 * guest never runs in virtual-8086 mode). The guest's IF and IOPL are virtual.
 *
 * <p>Two emulator facts shape this. Unicorn's IRET at CPL 3 enters virtual-8086 mode when the
 * popped flags ask for it, with the popped IOPL, where a real CPU ignores VM (trap and paravirt
 * modes cannot stop it; bt mode emulates every IRET). And Unicorn computes the arithmetic flags
 * lazily (QEMU's cc_op): it brings them up to date before exceptions, INT n and code hooks, but
 * not before the I/O and memory hooks it calls from the middle of an instruction, where EFLAGS
 * reads as whatever the last operand was, IOPL and VM bits included ({@code adc eax,
 * 0xecb05324; out dx, al} reads as IOPL 1). So the flags are judged only where they can be read.
 */
public final class RealFlags {
    private static final int IOPL = 3 << 12;
    private static final int VM = 1 << 17;

    private RealFlags() {}

    /** Can the real EFLAGS be read in this trap (see the class comment)? */
    static boolean readableIn(Trap trap) {
        return !(trap instanceof Trap.PortIn || trap instanceof Trap.PortOut || trap instanceof Trap.MemoryFault
                || trap instanceof Trap.MmioRead || trap instanceof Trap.MmioWrite);
    }

    /** The common case, checked on every trap: IOPL 0 and VM clear. */
    public static boolean fine(int eflags) {
        return (eflags & (VM | IOPL)) == 0;
    }

    /**
     * How the VM must end if the real flags {@code eflags} (read where they can be trusted) break
     * the invariants, or null. {@code guestKernel}: the guest runs at virtual CPL 0.
     */
    public static VmExit broken(int eflags, long eip, boolean guestKernel) {
        if ((eflags & VM) != 0) {
            return new VmExit.NotEmulated(guestKernel
                    ? "virtual-8086 mode (the guest kernel entered it with IRET; hvlab does not emulate it)"
                    : "virtual-8086 mode entered by an IRET at CPL 3, which the emulator allows and a real CPU refuses "
                    + "(use --mode bt, which emulates that IRET exactly)", eip);
        }
        if ((eflags & IOPL) != 0) {
            return new VmExit.CpuError(String.format("the real EFLAGS.IOPL became %d at %#x", (eflags >> 12) & 3, eip));
        }
        return null;
    }
}
