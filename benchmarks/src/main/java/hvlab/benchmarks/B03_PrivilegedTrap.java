package hvlab.benchmarks;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Register;
import hvlab.cpu.unicorn.FaultFloor;
import hvlab.vmm.TrapKind;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VmResult;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.image.GuestImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does trap-and-emulate cost for a privileged instruction? CLI and STI, through #GP.
 *
 * <p>The guest ({@code bench_cli.asm}) executes 200,000 CLI/STI pairs (8 pairs per loop
 * iteration). At CPL 3 each one raises a general protection fault, and the VMM
 * <ol>
 *   <li>receives the fault in its {@code UC_HOOK_INTR} upcall and reads EIP,</li>
 *   <li>reads up to 15 bytes of guest code at EIP and decodes them with Capstone (another FFM
 *       call, into C and back),</li>
 *   <li>emulates the instruction on the virtual CPU (clears or sets the virtual IF),</li>
 *   <li>writes EIP past the instruction,</li>
 *   <li>clears Unicorn's "exception in flight" latch (bug #1883): a CPU context save, one int
 *       written, a context restore, several kilobytes copied each way.</li>
 * </ol>
 * Each JMH operation is one trap, so the score is nanoseconds per trapped instruction. The gap
 * between this and {@link B02_PortOutTrap#vmm} is the price of a fault and of having to
 * <em>decode</em>: an OUT arrives inside the translated code with port, size and value already
 * known, a #GP arrives through an exception exit with only an address.
 *
 * <p>{@link #bareFaultFloor} is the floor under it ({@code bench_gp} on a {@link FaultFloor}): at
 * ring 0 CLI and STI do not trap, so the bare CPU faults on something that does (MOV DS with a
 * selector beyond a GDT that is not there), and its hook only resumes: EIP past the instruction,
 * the latch cleared. {@code way} says how: in Unicorn's live CPU state, as the VMM does, or with
 * the public register and context API, as it did before (docs/trap-path.md has the story).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(B03_PrivilegedTrap.TRAPS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B03_PrivilegedTrap {
    static final String GUEST = "bench_cli";
    static final int ITERATIONS = 25_000;
    static final int TRAPS_PER_ITERATION = 16;
    /** Trapped CLI and STI instructions per run: one JMH operation each. */
    static final int TRAPS = ITERATIONS * TRAPS_PER_ITERATION;

    /** A VM with the guest loaded, fresh for every run. */
    @State(Scope.Thread)
    public static class Vmm extends FreshVm {
        public Vmm() {
            super(BenchGuest.load(GUEST, ITERATIONS, TRAPS_PER_ITERATION), ExecutionMode.TRAP);
        }
    }

    /** A bare engine running {@code bench_gp}, fresh for every run. */
    @State(Scope.Thread)
    public static class Floor {
        @Param({"IN_PLACE", "REGISTER_API"})
        public FaultFloor.Way way;
        private final GuestImage image = BenchGuest.load("bench_gp", ITERATIONS, TRAPS_PER_ITERATION);
        FaultFloor floor;
        GuestMemory ram;

        @Setup(Level.Invocation)
        public void boot() {
            ram = new GuestMemory(BenchGuest.RAM);
            ram.write(BootLayout.GUEST_LOAD_ADDRESS, image.code());
            floor = new FaultFloor(way, 2);
            floor.map(ram);
            floor.write(Register.ESP, (int) BenchGuest.RAM);
        }

        @TearDown(Level.Invocation)
        public void close() {
            floor.close();
            ram.close();
        }
    }

    @Benchmark
    public long bareFaultFloor(Floor state) {
        long faults = state.floor.runUntilHalt(BootLayout.GUEST_LOAD_ADDRESS);
        if (faults != TRAPS || state.floor.lastVector() != 13) {
            throw new IllegalStateException("the floor resumed " + faults + " faults (last vector " + state.floor.lastVector()
                    + "), expected " + TRAPS + " #GP");
        }
        return faults;
    }

    @Benchmark
    public VmResult vmm(Vmm state) {
        VmResult result = BenchGuest.runToHalt(state.vm);
        // The loop's CLI/STI, plus the final CLI and HLT.
        if (result.traps(TrapKind.PRIVILEGED) != TRAPS + 2) {
            throw new IllegalStateException("the VMM emulated " + result.traps(TrapKind.PRIVILEGED)
                    + " privileged instructions, expected " + (TRAPS + 2));
        }
        return result;
    }
}
