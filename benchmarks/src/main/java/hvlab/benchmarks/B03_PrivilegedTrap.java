package hvlab.benchmarks;

import hvlab.vmm.TrapKind;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VmResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
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
 * Each JMH operation is one trap, so the score is nanoseconds per trapped instruction. There is
 * no bare-CPU variant, since at ring 0 CLI and STI do not trap at all; the ratio is taken against
 * the no-op upcall of {@link B02_PortOutTrap#bareNoOpUpcall}, the floor of any trap. The gap
 * between this and {@link B02_PortOutTrap#vmm} is the price of having to <em>decode</em>: an OUT
 * arrives with port, size and value already known, a #GP arrives with only an address.
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
