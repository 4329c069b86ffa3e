package hvlab.vmm.vmi;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.memory.GuestRam;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * Introspection of events: a {@link TrapHandler} in front of the VM's own, which hands every
 * trap on unchanged and notes the ones asked for. Each is something the VMM sees anyway,
 * because it is a trap: a system call ({@code int 0x80}: the CPU gives the VMM every software
 * interrupt, which it then delivers through the guest's IDT), a write of CR3 (privileged, so
 * emulated: a process switch, with the new page directory naming the process), and an
 * instruction at an address (a one-address code hook, as binary translation and the debugger use,
 * so guest memory stays untouched). Lares and later VMI-event systems (LibVMI's events, Xen's
 * vm_event) make the same three kinds of event; the guest cannot notice any of them.
 *
 * <p>Events are produced on the VM's CPU thread and taken by the watcher's thread; at most
 * {@link #CAPACITY} wait, later ones are counted as dropped, so a flood slows nobody down.
 */
public final class EventWatch implements TrapHandler {
    public static final int CAPACITY = 4096;

    /**
     * What to report: software interrupts of {@code syscallVector} (-1: none), CR3 writes,
     * instructions at {@code breakpoints}; with {@code profile} (or null), each event names its
     * process, read from the kernel's table the moment it happens (a process that lives for a
     * millisecond is named too).
     */
    public record Spec(int syscallVector, boolean cr3, Set<Long> breakpoints, OsProfile profile) {
        public Spec {
            breakpoints = Set.copyOf(breakpoints);
            if (syscallVector > 255 || breakpoints.size() > 64) {
                throw new IllegalArgumentException("a watch takes one vector (0-255) and at most 64 breakpoints");
            }
        }

        public boolean empty() {
            return syscallVector < 0 && !cr3 && breakpoints.isEmpty();
        }
    }

    private final Spec spec;
    private final TrapHandler next;
    private final CpuBackend cpu;
    private final VirtualCpu vcpu;
    private final LongSupplier clock;
    private final LongPredicate translated;
    private final Introspection memory;
    private final ArrayDeque<VmiEvent> events = new ArrayDeque<>();
    private long seq;
    private long dropped;

    /**
     * @param next       the handler the CPU called before (the VM's dispatcher)
     * @param translated true for an address binary translation watches too (its trap goes on to {@code next})
     */
    public EventWatch(Spec spec, TrapHandler next, CpuBackend cpu, VirtualCpu vcpu, GuestRam ram, LongSupplier clock,
                      LongPredicate translated) {
        this.spec = spec;
        this.memory = Introspection.ofMemory(ram);
        this.next = next;
        this.cpu = cpu;
        this.vcpu = vcpu;
        this.clock = clock;
        this.translated = translated;
    }

    public Spec spec() {
        return spec;
    }

    public TrapHandler next() {
        return next;
    }

    /**
     * Starts the breakpoints' hooks (with the CPU stopped). A code hook only reaches code the
     * CPU translates after it was added, so the code already translated at each address must go:
     * {@code dropTranslation} does it for one linear address (by its physical address in a
     * paging guest: see {@link hvlab.vmm.paging.ShadowMmu#dropTranslationsAt}).
     */
    public void arm(java.util.function.LongConsumer dropTranslation) {
        for (long eip : spec.breakpoints()) {
            cpu.watchInstruction(eip);
            dropTranslation.accept(eip);
        }
    }

    /**
     * Removes the breakpoints' hooks, except where binary translation needs one, and drops the
     * code translated while they were there: a block translated with a hook keeps calling it,
     * and a hook that is gone would reach the dispatcher as a watched instruction it never asked
     * for (the VM ends). Found the hard way: the first {@code ps} after a watch crashed hvos.
     */
    public void disarm(java.util.function.LongConsumer dropTranslation) {
        for (long eip : spec.breakpoints()) {
            if (!translated.test(eip)) {
                cpu.unwatchInstruction(eip);
                dropTranslation.accept(eip);
            }
        }
    }

    @Override
    public TrapOutcome onTrap(Trap trap) {
        if (trap instanceof Trap.WatchedInstruction w && spec.breakpoints().contains(w.eip())) {
            note("break", w.eip(), cr3(), 0, registers());
            if (!translated.test(w.eip())) {
                return TrapOutcome.CONTINUE; // only ours: the instruction simply runs
            }
        }
        if (trap instanceof Trap.SoftwareInterrupt soft && soft.vector() == spec.syscallVector()) {
            // read before the VMM delivers it: the registers are the caller's still (int imm8 is two bytes)
            note("syscall", soft.nextEip() - 2, cr3(), Integer.toUnsignedLong(cpu.read(Register.EAX)), registers());
        }
        long cr3 = cr3();
        TrapOutcome outcome = next.onTrap(trap);
        if (spec.cr3() && cr3() != cr3) {
            note("cr3", Integer.toUnsignedLong(cpu.read(Register.EIP)), cr3(), cr3, new long[0]);
        }
        return outcome;
    }

    /** The events since the last call, oldest first, and how many were dropped since the last call. */
    public synchronized Taken take() {
        List<VmiEvent> out = new ArrayList<>(events);
        events.clear();
        Taken taken = new Taken(out, dropped);
        dropped = 0;
        return taken;
    }

    public record Taken(List<VmiEvent> events, long dropped) {}

    private long cr3() {
        return Integer.toUnsignedLong(vcpu.cr3());
    }

    private long[] registers() {
        return new long[] {Integer.toUnsignedLong(cpu.read(Register.EBX)), Integer.toUnsignedLong(cpu.read(Register.ECX)),
                Integer.toUnsignedLong(cpu.read(Register.EDX))};
    }

    private synchronized void note(String kind, long eip, long cr3, long number, long[] arguments) {
        if (events.size() >= CAPACITY) {
            dropped++;
            return;
        }
        String process = "";
        if (spec.profile() != null) {
            try {
                process = ProcessTable.owner(memory, spec.profile(), cr3);
            } catch (IllegalArgumentException tableOutsideRam) {
                process = "?";
            }
        }
        events.add(new VmiEvent(++seq, clock.getAsLong(), kind, eip, cr3, number, arguments, process));
    }
}
