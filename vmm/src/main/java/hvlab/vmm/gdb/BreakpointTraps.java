package hvlab.vmm.gdb;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.StopReason;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.trap.VmStop;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

/**
 * The debugger's place on the trap path: a {@link TrapHandler} in front of the VM's own
 * dispatcher, which sees breakpoints and steps and hands every other trap on unchanged.
 *
 * <p><b>Why breakpoints are hooks, not INT3 bytes.</b> A debugger on bare metal writes 0xCC over
 * the first byte of the instruction and puts it back when it is hit. Here the VMM asks the CPU to
 * call it when the instruction at that address is about to run ({@link CpuBackend#watchInstruction},
 * a one-address code hook that costs nothing elsewhere), exactly as binary translation watches a
 * sensitive instruction. The guest's memory never changes: a kernel that checksums or reads its
 * own code (the {@code vmi integrity} baseline, a self-check, an attacker looking for a debugger)
 * sees nothing, a snapshot taken meanwhile holds no stray 0xCC, and a guest cannot find or remove
 * the breakpoint, nor fake one with an INT3 of its own. Containment holds too: the VMM writes
 * nothing into the guest on the debugger's behalf.
 *
 * <p>In bt mode the same address may be a translated site: the CPU has one hook there, and
 * whether the trap is the debugger's or the translator's is decided here, the breakpoint first.
 */
public final class BreakpointTraps implements TrapHandler {
    /** The CPU stopped before the instruction at {@code eip}, a breakpoint of the debugger's. */
    public record Hit(long eip) implements StopReason {}

    private final TrapHandler vmm;
    private final CpuBackend cpu;
    private final LongPredicate translated;
    private final Set<Long> breakpoints = ConcurrentHashMap.newKeySet();
    /** Set while gdb lets the guest run ({@code c}): told of each hit; null: breakpoints sleep. */
    private volatile Runnable onHit;
    /** A single step is under way, from this EIP (-1: none). Touched only with the VM off every CPU or on the stepping thread. */
    private volatile long stepFrom = -1;

    /**
     * @param vmm        the VM's own trap dispatcher
     * @param translated true for an address binary translation watches (its trap goes to the VMM too)
     */
    public BreakpointTraps(TrapHandler vmm, CpuBackend cpu, LongPredicate translated) {
        this.vmm = vmm;
        this.cpu = cpu;
        this.translated = translated;
    }

    public Set<Long> breakpoints() {
        return Set.copyOf(breakpoints);
    }

    public boolean isBreakpoint(long eip) {
        return breakpoints.contains(eip);
    }

    /** Watches {@code eip} (call with the CPU stopped). */
    public void insert(long eip) {
        breakpoints.add(eip);
        cpu.watchInstruction(eip);
    }

    /** Stops watching {@code eip}, unless binary translation watches it too. */
    public void remove(long eip) {
        if (breakpoints.remove(eip) && !translated.test(eip)) {
            cpu.unwatchInstruction(eip);
        }
    }

    /** Every breakpoint again: binary translation may have dropped a hook it shared with one (code rewritten there). */
    public void rearm() {
        for (long eip : breakpoints) {
            cpu.watchInstruction(eip);
        }
    }

    public void removeAll() {
        for (long eip : breakpoints()) {
            remove(eip);
        }
    }

    /** Breakpoints stop the guest from now on, and {@code onHit} hears of it (from the VM's CPU thread: it must not block). */
    public void arm(Runnable onHit) {
        this.onHit = onHit;
    }

    public void disarm() {
        this.onHit = null;
    }

    public void beginStep(long eip) {
        stepFrom = eip;
    }

    public void endStep() {
        stepFrom = -1;
    }

    @Override
    public TrapOutcome onTrap(Trap trap) {
        if (trap instanceof Trap.WatchedInstruction w && breakpoints.contains(w.eip())) {
            Runnable hit = onHit;
            if (stepFrom < 0 && hit != null) {
                hit.run();
                cpu.requestStop(); // the VM's slice ends here too, not only this run of the CPU
                return TrapOutcome.stop(new Hit(w.eip()));
            }
            if (!translated.test(w.eip())) {
                return TrapOutcome.CONTINUE; // only ours: the instruction simply runs
            }
        }
        TrapOutcome outcome = vmm.onTrap(trap);
        if (stepFrom >= 0 && outcome instanceof TrapOutcome.Stop stop && retired(trap, stop.reason())) {
            // The stepped instruction is done (emulated, or it ended the VM): the VM's run loop
            // must not start the CPU again for a second one.
            cpu.requestStop();
        }
        return outcome;
    }

    /**
     * Did the instruction being stepped run before this stop? Binary translation stops the CPU
     * before code it has not seen yet: for the stepped instruction's own block (or a site there
     * retranslated) that is before it ran, and the step goes on; for any other block it was after.
     */
    private boolean retired(Trap trap, StopReason reason) {
        if (!(reason instanceof VmStop.Instrument)) {
            return true;
        }
        long at = switch (trap) {
            case Trap.BlockTranslated block -> block.address();
            case Trap.WatchedInstruction watched -> watched.eip();
            default -> -1;
        };
        return at != stepFrom;
    }
}
