package hvlab.benchmarks;

import hvlab.vmm.Vm;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What does it cost to be able to take the CPU away from a guest at any moment?
 *
 * <p>A hypervisor must preempt a guest that never traps: its timer has to tick while user code
 * computes, the host's fair shares have to take the CPU back, and pause, snapshot and migration
 * must stop any guest within one time slice. On hardware that is free until it happens (the VMX
 * preemption timer, an external interrupt). On Unicorn it is not: the only stop that lands on an
 * exact instruction boundary is a {@code UC_HOOK_BLOCK} hook, a few native instructions that
 * test a flag at the start of every translated block the guest runs
 * ({@code hvlab.cpu.unicorn.BlockBoundaryStop}), with a timer thread raising the flag when a
 * slice is used up. The hook runs whether or not the flag is set: that is the price.
 *
 * <p>Only the hook may differ between the two runs compared, so both run on a
 * {@link hvlab.cpu.unicorn.BareCpu} (ring 0, no VMM) with the same guest:
 * <ul>
 *   <li><em>unarmed</em>: no hook, one {@code uc_emu_start} from the first instruction to the
 *       final HLT;</li>
 *   <li><em>armed</em>: the hook installed ({@code BareCpu.armPreemption}) and the guest run in
 *       the VMM's time slices ({@link Vm#DEFAULT_SLICE}, 10 ms): the slice timer raises the flag,
 *       the CPU stops before its next block, and the next slice starts where the last one
 *       stopped. So the armed score also pays for a slice switch of the bare CPU every 10 ms
 *       (a few microseconds each: under a thousandth).</li>
 * </ul>
 * Two guests, because a per-block cost weighs differently on different code:
 * <ul>
 *   <li>{@code bench_mem} ({@link #memoryUnarmed}, {@link #memoryArmed}): push, pop, a load and a
 *       store per 10-instruction iteration. Each access goes through the emulator's software TLB,
 *       and on Unicorn 2.0.1 each store through a slow helper besides (about 100 ns: see the
 *       guest's comment), so an iteration, one block, costs a few hundred nanoseconds and a
 *       call and compare more hardly show. The goal, from the exact-preemption issue: armed /
 *       unarmed at least 0.9.</li>
 *   <li>{@code bench_alu} ({@link #aluUnarmed}, {@link #aluArmed}), the loop of
 *       {@link B01_GuestMips}: ten register instructions, a block of a few host instructions, and
 *       now the hook's call, compare and return are a large part of each block. DESIGN.md
 *       measured about 1.5 times slower; there is no goal, the figure says what exactness costs
 *       at worst.</li>
 * </ul>
 * As in B01, each JMH operation is one guest instruction, so the scores read as MIPS; a fresh CPU
 * is built for every run, outside the measured time (arming included).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B06_PreemptionOverhead {
    static final String MEMORY_GUEST = "bench_mem";
    static final int MEMORY_ITERATIONS = 8_000_000; // 80 million instructions: several 10 ms slices even on Unicorn 2.1, bare
    static final int MEMORY_INSTRUCTIONS_PER_ITERATION = 10;
    /** Guest instructions per run of {@code bench_mem}: one JMH operation each. */
    static final int MEMORY_INSTRUCTIONS = MEMORY_ITERATIONS * MEMORY_INSTRUCTIONS_PER_ITERATION;

    static final int ALU_ITERATIONS = 40_000_000;
    /** Guest instructions per run of {@code bench_alu}: one JMH operation each. */
    static final int ALU_INSTRUCTIONS = ALU_ITERATIONS * B01_GuestMips.INSTRUCTIONS_PER_ITERATION;

    /** The slice the armed runs are cut into: the VMM's. */
    static final Duration SLICE = Vm.DEFAULT_SLICE;

    /** A bare CPU with a guest loaded, fresh for every run; armed or not. */
    public abstract static class Machine {
        private final GuestImage image;
        private final boolean armed;
        BenchGuest.OnBareCpu machine;

        Machine(GuestImage image, boolean armed) {
            this.image = image;
            this.armed = armed;
        }

        @Setup(Level.Invocation)
        public void boot() {
            machine = new BenchGuest.OnBareCpu(image);
            if (armed) {
                machine.cpu.armPreemption();
            }
        }

        @TearDown(Level.Invocation)
        public void close() {
            machine.close();
        }

        /** Runs the guest to its HLT: in one go unarmed, in slices armed (and insists that some slice was cut short). */
        long run() {
            if (!armed) {
                return machine.runToHalt().nanos();
            }
            int preempted = machine.runSlicedToHalt(SLICE);
            if (preempted == 0) {
                throw new IllegalStateException("the armed run was never preempted: the guest is too short for a "
                        + SLICE.toMillis() + " ms slice");
            }
            return preempted;
        }
    }

    static GuestImage memoryImage() {
        return BenchGuest.load(MEMORY_GUEST, MEMORY_ITERATIONS, MEMORY_INSTRUCTIONS_PER_ITERATION);
    }

    static GuestImage aluImage() {
        return BenchGuest.load(B01_GuestMips.GUEST, ALU_ITERATIONS, B01_GuestMips.INSTRUCTIONS_PER_ITERATION);
    }

    @State(Scope.Thread)
    public static class MemoryUnarmed extends Machine {
        public MemoryUnarmed() {
            super(memoryImage(), false);
        }
    }

    @State(Scope.Thread)
    public static class MemoryArmed extends Machine {
        public MemoryArmed() {
            super(memoryImage(), true);
        }
    }

    @State(Scope.Thread)
    public static class AluUnarmed extends Machine {
        public AluUnarmed() {
            super(aluImage(), false);
        }
    }

    @State(Scope.Thread)
    public static class AluArmed extends Machine {
        public AluArmed() {
            super(aluImage(), true);
        }
    }

    @Benchmark
    @OperationsPerInvocation(MEMORY_INSTRUCTIONS)
    public long memoryUnarmed(MemoryUnarmed state) {
        return state.run();
    }

    @Benchmark
    @OperationsPerInvocation(MEMORY_INSTRUCTIONS)
    public long memoryArmed(MemoryArmed state) {
        return state.run();
    }

    @Benchmark
    @OperationsPerInvocation(ALU_INSTRUCTIONS)
    public long aluUnarmed(AluUnarmed state) {
        return state.run();
    }

    @Benchmark
    @OperationsPerInvocation(ALU_INSTRUCTIONS)
    public long aluArmed(AluArmed state) {
        return state.run();
    }
}
