package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;

/**
 * Mirroring the guest's interrupt flag into the real EFLAGS.IF: the one sensitive leak of plain
 * trap-and-emulate that this VMM can close without looking at the guest's code.
 *
 * <p>The leak. A deprivileged kernel's CLI and STI trap, and the VMM flips a virtual IF; the real
 * IF stays as the VMM set it. PUSHF, which does not trap at CPL 3, then shows the real IF (Robin
 * and Irvine's list of sensitive-but-unprivileged instructions; paper section III). xv6 checks IF
 * this way in {@code mycpu()}, {@code pushcli} and {@code popcli}, and under plain
 * trap-and-emulate it panics: "mycpu called with interrupts enabled".
 *
 * <p>Why hardware VMMs could not close it. On a real CPU the real IF decides whether the host's
 * own interrupts get in: a VMM that ran its guest with IF = 0 would lose its timer, and with it
 * the CPU, to any guest that never executes STI. So before VT-x, VMware needed binary
 * translation to rewrite PUSHF.
 *
 * <p>Why this VMM can. Unicorn delivers no interrupt of its own: every interrupt a guest sees is
 * injected by the VMM between runs, and the VMM takes the CPU back by counting time, not by an
 * interrupt (the slice's deadline, {@code Vm.runSlice}). The real IF gates nothing, so it is free
 * to carry the guest's value. The VM then runs xv6 unmodified in trap mode; its kernel still runs
 * at real CPL 3 and every CLI and STI still traps. The other red-pill checks (SIDT, SGDT, SMSW)
 * still see the VMM: their registers must hold the VMM's tables. It is a VM option (off by
 * default, so that {@code redpill} shows all four leaks of the textbook).
 *
 * <p>Where. The flag is copied where the VMM has just changed the virtual IF and the real EFLAGS
 * can be written safely: at the end of a trap taken at an exception or a code hook, and before
 * each run of the CPU. Not in an I/O or memory hook, where Unicorn has not yet computed the
 * arithmetic flags ({@link RealFlags}); no such trap changes IF.
 */
public final class InterruptFlagMirror {
    private static final int IF = 1 << 9;

    private InterruptFlagMirror() {}

    /** Makes the real IF equal the guest's virtual IF, if {@code vcpu}'s VM mirrors it. Only with the flags computed. */
    public static void sync(VirtualCpu vcpu, CpuBackend cpu) {
        if (!vcpu.mirrorsInterruptFlag()) {
            return;
        }
        int flags = cpu.read(Register.EFLAGS);
        int wanted = vcpu.interruptsEnabled() ? flags | IF : flags & ~IF;
        if (wanted != flags) {
            cpu.write(Register.EFLAGS, wanted);
        }
    }
}
