package hvlab.benchmarks;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.Vm;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How fast does guest code run, with and without the VMM around it?
 *
 * <p>Trap-and-emulate is only worth doing if the guest's ordinary instructions pay nothing for
 * it: Popek and Goldberg's <em>efficiency</em> property says a statistically dominant subset of
 * instructions must run directly on the real processor. Here the "real processor" is Unicorn,
 * so the question becomes: does running the guest at CPL 3 behind the VMM's hooks (port I/O,
 * interrupts, CPUID, invalid opcodes, bad memory accesses) and in time slices slow down
 * code that never triggers any of them?
 *
 * <p>The guest ({@code bench_alu.asm}) is a register-only loop of exactly 10 instructions,
 * run 100 million times: a few tenths of a second per run, so booting and the handful of
 * instructions outside the loop vanish in the noise. It runs
 * <ul>
 *   <li>{@link #bare}: on a {@link hvlab.cpu.unicorn.BareCpu}, ring 0, no hooks, no timeout:
 *       the emulator's own speed;</li>
 *   <li>{@link #vmm}: under a full {@link Vm}, exactly as {@code hv run bench_alu} would.</li>
 * </ul>
 * Each JMH operation is one guest instruction and the unit is operations per microsecond, so the
 * score reads directly as MIPS (million guest instructions per second). The goal is a ratio
 * VMM / bare of at least 0.95. Unicorn consults its instruction hooks when it translates a block
 * of guest code, not each time the block runs, so hooks on instructions the loop never executes
 * cost nothing. What is left to cost something is the VMM's time slicing. We measured that
 * Unicorn 2.0's own run timeout starts a watchdog thread per timed start that wakes every 2 µs
 * ({@code usleep(2)} in a loop): on two cores it competed with the guest and cost from a few
 * percent to half its speed. The VMM therefore slices with one Java timer thread that only
 * raises a flag, and a native block-start hook stops the CPU at the next block once the flag
 * is up, so even this loop, which never traps, is preempted every 10 ms at an exact instruction
 * boundary. That hook runs at the start of every block, flag up or not: what it costs by itself
 * is measured in {@link B06_PreemptionOverhead}. The bare run has no hook and no slicing at all.
 *
 * <p>A fresh machine is built for every invocation (outside the measured time), so each run also
 * translates the loop once: the same work in both variants.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(B01_GuestMips.INSTRUCTIONS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B01_GuestMips {
    static final String GUEST = "bench_alu";
    static final int ITERATIONS = 100_000_000;
    /** Eight ALU instructions, DEC and JNZ (see the guest's header). */
    static final int INSTRUCTIONS_PER_ITERATION = 10;
    /** Guest instructions per run: one JMH operation each. */
    static final int INSTRUCTIONS = ITERATIONS * INSTRUCTIONS_PER_ITERATION;

    static GuestImage image() {
        return BenchGuest.load(GUEST, ITERATIONS, INSTRUCTIONS_PER_ITERATION);
    }

    /** A bare CPU with the guest loaded, fresh for every run. */
    @State(Scope.Thread)
    public static class Bare {
        private final GuestImage image = image();
        BenchGuest.OnBareCpu machine;

        @Setup(Level.Invocation)
        public void boot() {
            machine = new BenchGuest.OnBareCpu(image);
        }

        @TearDown(Level.Invocation)
        public void close() {
            machine.close();
        }
    }

    /** A VM with the guest loaded, fresh for every run. */
    @State(Scope.Thread)
    public static class Vmm extends FreshVm {
        public Vmm() {
            super(image(), ExecutionMode.TRAP);
        }
    }

    @Benchmark
    public long bare(Bare state) {
        return state.machine.runToHalt().nanos();
    }

    @Benchmark
    public VmResult vmm(Vmm state) {
        return BenchGuest.runToHalt(state.vm);
    }
}
