package hvlab.benchmarks;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.VmResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does a system call cost a guest OS? INT 0x80 from its user task, IRETD back, through the VMM.
 *
 * <p>The guest ({@code bench_iret.asm}) is a small kernel that enters a user task at (virtual)
 * CPL 3; the task makes 200,000 empty system calls (16 per loop iteration) and the handler is a
 * lone IRETD. Each call crosses privilege levels twice, and under trap-and-emulate both crossings
 * are VM exits:
 * <ol>
 *   <li>INT 0x80 reaches the interrupt hook; the VMM delivers it through the guest's IDT as the
 *       hardware would: gate checks, the stack switch to the TSS's SS0:ESP0, a five-word frame
 *       pushed through the guest-memory door, CS:EIP of the handler (counted as an interrupt);</li>
 *   <li>IRETD in the kernel faults (in trap mode the shadow GDT hides the user segments from the
 *       kernel; in bt mode it is a watched instruction) and the VMM emulates the return to the
 *       outer ring: five words popped, the user segments checked and loaded (counted as a
 *       privileged instruction).</li>
 * </ol>
 * Each JMH operation is one round trip (two exits), so the score is nanoseconds per system call.
 * There is no bare-CPU variant: Unicorn never delivers an interrupt through an IDT by itself. The
 * yardstick is two #GP traps ({@link B03_PrivilegedTrap#vmm}): a round trip that costs much more
 * than two of those spends it in delivery and return, not in leaving the emulator.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(B11_PrivilegeCrossing.CALLS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B11_PrivilegeCrossing {
    static final String GUEST = "bench_iret";
    static final int ITERATIONS = 12_500;
    static final int CALLS_PER_ITERATION = 16;
    /** System calls per run: one JMH operation each. */
    static final int CALLS = ITERATIONS * CALLS_PER_ITERATION;

    /** A VM with the guest loaded, fresh for every run, in trap-and-emulate or binary-translation mode. */
    @State(Scope.Thread)
    public static class Vmm extends FreshVm {
        @Param({"TRAP", "BT"})
        public String mode;

        public Vmm() {
            super(BenchGuest.load(GUEST, ITERATIONS, CALLS_PER_ITERATION), null);
        }

        @Override
        protected ExecutionMode mode() {
            return ExecutionMode.valueOf(mode);
        }
    }

    @Benchmark
    public VmResult systemCall(Vmm state) {
        VmResult result = BenchGuest.runToHalt(state.vm);
        // Each call: its INT delivered through the IDT, its IRETD emulated; the set-up adds a few of each.
        long returns = result.traps(TrapKind.PRIVILEGED) + result.traps(TrapKind.TRANSLATED);
        if (result.traps(TrapKind.INTERRUPT) < CALLS || returns < CALLS) {
            throw new IllegalStateException("the VMM delivered " + result.traps(TrapKind.INTERRUPT) + " interrupts and emulated "
                    + returns + " returns, expected at least " + CALLS + " of each");
        }
        return result;
    }
}
