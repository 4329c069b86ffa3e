package hvlab.benchmarks;

import hvlab.vmm.image.GuestImage;
import hvlab.vmm.snapshot.DirtyPageTracker;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * For the guest-speed benchmarks of {@link B09_Snapshot}: {@code bench_mem} (B06's loop of loads
 * and stores) on a bare CPU, fresh for every run, with one kind of dirty-page tracking armed
 * before it starts, or none.
 */
public abstract class TrackedBenchMem {
    static final int ITERATIONS = 1_000_000;
    static final int INSTRUCTIONS_PER_ITERATION = 10;
    /** Guest instructions per run: one JMH operation each. */
    static final int INSTRUCTIONS = ITERATIONS * INSTRUCTIONS_PER_ITERATION;

    private final GuestImage image = BenchGuest.load("bench_mem", ITERATIONS, INSTRUCTIONS_PER_ITERATION);
    BenchGuest.OnBareCpu machine;
    DirtyPageTracker dirtyPages;

    abstract DirtyPageTracker arm(BenchGuest.OnBareCpu machine);

    @Setup(Level.Invocation)
    public void boot() {
        machine = new BenchGuest.OnBareCpu(image);
        dirtyPages = arm(machine);
    }

    @TearDown(Level.Invocation)
    public void close() {
        if (dirtyPages != null) {
            dirtyPages.close();
        }
        machine.close();
    }

    long run() {
        return machine.runToHalt().nanos();
    }

    @State(Scope.Thread)
    public static class Untracked extends TrackedBenchMem {
        DirtyPageTracker arm(BenchGuest.OnBareCpu machine) {
            return null;
        }
    }

    /** The emulator's store hook ({@link StoreHookTracker}), installed before the guest's first block is translated. */
    @State(Scope.Thread)
    public static class Hooked extends TrackedBenchMem {
        DirtyPageTracker arm(BenchGuest.OnBareCpu machine) {
            return new StoreHookTracker(machine.cpu.hookPageWrites(BenchGuest.RAM));
        }
    }

    /** The kernel's write protection, armed once: the run is one interval between two snapshots. */
    @State(Scope.Thread)
    public static class WriteProtected extends TrackedBenchMem {
        DirtyPageTracker arm(BenchGuest.OnBareCpu machine) {
            return B09_Snapshot.track("write-protect", machine.ram);
        }
    }
}
