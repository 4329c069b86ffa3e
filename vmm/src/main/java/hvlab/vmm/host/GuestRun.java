package hvlab.vmm.host;

import hvlab.cpu.Register;
import hvlab.vmm.Vm;
import hvlab.vmm.VmExit;
import hvlab.vmm.gdb.BreakpointTraps;
import hvlab.vmm.gdb.DebugTarget.Stop;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code c} of gdb's: the VM runs on the host's workers with its breakpoints armed, and this
 * thread waits for what ends the run. A breakpoint's hook only leaves a note here (it runs on the
 * VM's CPU thread and must not block); this thread then pauses the VM the ordinary way. If an
 * interrupt reached the guest between the hook and the pause, the guest is in its handler and the
 * breakpoint's instruction has not run: the VM resumes, and the breakpoint will be hit when it
 * really comes. Ctrl-C and {@code vm pause} from the management language end the run as a
 * SIGINT; the guest's end as gdb's "exited" or "killed".
 */
final class GuestRun {
    private static final String HIT = "hit";
    private static final String INTERRUPT = "interrupt";
    private static final Pattern DEBUG_EXIT = Pattern.compile("wrote (\\d+) to the debug-exit port");

    private final Host host;
    private final String name;
    private final Vm vm;
    private final BreakpointTraps traps;
    private final Consumer<Stop> whenStopped;
    private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
    private volatile boolean over;

    GuestRun(Host host, String name, Vm vm, BreakpointTraps traps, Consumer<Stop> whenStopped) {
        this.host = host;
        this.name = name;
        this.vm = vm;
        this.traps = traps;
        this.whenStopped = whenStopped;
    }

    /** Arms the breakpoints and lets the VM run; call with the host's lock held and the VM paused. */
    void start() {
        traps.arm(() -> signals.offer(HIT));
        host.act(name, PowerAction.RESUME, VmDebugTarget.ACTOR);
        Thread watcher = new Thread(this::watch, "hvlab-gdb-run-" + name);
        watcher.setDaemon(true);
        watcher.start();
    }

    void interrupt() {
        signals.offer(INTERRUPT);
    }

    /** gdb left while the guest ran: it runs on, and nobody is told when it stops. */
    void abandon() {
        over = true;
        traps.disarm();
        signals.offer(INTERRUPT);
    }

    private void watch() {
        try {
            while (!over) {
                String signal = signals.poll(50, TimeUnit.MILLISECONDS);
                if (over) {
                    return;
                }
                host.lock().lock();
                try {
                    if (look(signal)) {
                        return;
                    }
                } finally {
                    host.lock().unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            report(new Stop.Gone(9, e.getMessage()));
        }
    }

    /** With the host's lock: acts on one signal (or on none, to notice the VM's end); true when the run is over. */
    private boolean look(String signal) {
        ManagedVm m = host.managedVm(name);
        if (m.vm != vm) {
            report(stopFor(m));
            return true;
        }
        if (signal == null) {
            if (m.state == VmLifecycle.PAUSED) { // paused from the management language
                report(Stop.INTERRUPTED);
                return true;
            }
            return false;
        }
        if (m.state != VmLifecycle.PAUSED) {
            host.act(name, PowerAction.PAUSE, VmDebugTarget.ACTOR);
        }
        if (m.vm != vm) {
            report(stopFor(m));
            return true;
        }
        if (signal.equals(INTERRUPT)) {
            report(Stop.INTERRUPTED);
            return true;
        }
        if (traps.isBreakpoint(Integer.toUnsignedLong(vm.cpu().read(Register.EIP)))) {
            report(Stop.BREAKPOINT);
            return true;
        }
        signals.clear(); // an interrupt came first: let the guest get back to the breakpoint
        host.act(name, PowerAction.RESUME, VmDebugTarget.ACTOR);
        return false;
    }

    private void report(Stop stop) {
        over = true;
        traps.disarm();
        whenStopped.accept(stop);
    }

    /** How a guest's end reads to gdb: an exit status for a clean end (the status {@code hv run} reports), a signal for a crash. */
    static Stop stopFor(VmExit exit) {
        return switch (exit) {
            case VmExit.DebugExit d -> new Stop.Exited(((d.value() & 0xFF) << 1) | 1);
            case VmExit.PowerOff p -> new Stop.Exited(0);
            case VmExit.Halt h -> new Stop.Exited(0);
            case VmExit.Timeout t -> new Stop.Gone(9, exit.describe());
            default -> new Stop.Gone(11, exit.describe()); // a fault, as SIGSEGV
        };
    }

    /** The same, for a machine the host has already closed: from what it kept of the end. */
    static Stop stopFor(ManagedVm m) {
        String last = m.lastExit == null ? "" : m.lastExit;
        Matcher debugExit = DEBUG_EXIT.matcher(last);
        if (debugExit.find()) {
            return new Stop.Exited(((Integer.parseInt(debugExit.group(1)) & 0xFF) << 1) | 1);
        }
        if (m.state == VmLifecycle.CRASHED) {
            return new Stop.Gone(11, last);
        }
        if (last.startsWith("poweroff") || last.startsWith("halt")) {
            return new Stop.Exited(0);
        }
        return new Stop.Gone(9, last.isEmpty() ? "the machine is gone" : last);
    }
}
