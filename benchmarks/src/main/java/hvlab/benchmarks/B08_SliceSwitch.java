package hvlab.benchmarks;

import hvlab.cpu.Register;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.image.GuestImage;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What does it cost to end a guest's time slice and start the next one?
 *
 * <p>A host shares its cores by running each VM for a slice ({@link Vm#runSlice}) and taking the
 * CPU back. Between two slices nothing of the guest runs: the slice timer raises the stop flag,
 * the CPU stops before its next block and {@code uc_emu_start} returns; the VMM reads why, checks
 * its invariants (real CPL 3, IOPL 0, its own GDT and TSS), looks for input from outside and
 * interrupts to inject; then it arms the timer for the next slice, reads EIP and enters the
 * emulator again. That gap, paid once per slice, is what this measures, in microseconds. It
 * decides how short a slice can be: at 10 ms slices a 20 µs switch costs 0.2% of the CPU, at
 * 100 µs slices it would cost a sixth.
 *
 * <p>The gap cannot be timed from outside without instrumenting the VMM, and wall time per slice
 * is mostly the guest running (plus however late the timer fires). So the guest counts its own
 * work: {@code bench_spin} runs the ALU loop of {@link B01_GuestMips} and keeps a chunk counter
 * in its RAM; between slices the benchmark reads that counter and ECX, exact to the instruction
 * because a slice ends only at an instruction boundary. Two benchmarks on the same VM:
 * <ul>
 *   <li>{@link #longSlices}: slices of {@link #LONG} (10 ms, the VMM's default);</li>
 *   <li>{@link #shortSlices}: slices of {@link #SHORT} (20 µs: the VMM never starts a shorter one,
 *       and the timer fires some tens of microseconds late, so they last longer than that).</li>
 * </ul>
 * Each reports slices per microsecond (JMH's primary score; its inverse is the wall time T of a
 * slice) and, as the secondary score {@code instructions}, guest MIPS M. With I = M x T the
 * guest instructions of a slice, every slice costs T = I / R + c, where R is the guest's speed
 * while it runs and c the switch. Two slice lengths give two such equations, and
 * {@link QuickBench} solves them for c = T<sub>s</sub> T<sub>l</sub> (M<sub>l</sub> - M<sub>s</sub>)
 * / (M<sub>l</sub> T<sub>l</sub> - M<sub>s</sub> T<sub>s</sub>). The two run one after the
 * other (a fork each, the VM booted once per fork); anything else the machine does in between
 * moves them apart, and the difference of two similar speeds magnifies it: this is the noisiest
 * figure in the suite.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B08_SliceSwitch {
    static final String GUEST = B07_ManyVms.GUEST;
    static final int CHUNK_ITERATIONS = B07_ManyVms.CHUNK_ITERATIONS;
    static final int INSTRUCTIONS_PER_ITERATION = B07_ManyVms.INSTRUCTIONS_PER_ITERATION;
    static final Duration LONG = Vm.DEFAULT_SLICE;
    static final Duration SHORT = Duration.ofNanos(20_000);

    /** One spinning VM, booted once per trial; it never ends, it is only stopped. */
    @State(Scope.Thread)
    public static class Spinning {
        final GuestImage image = BenchGuest.load(GUEST, CHUNK_ITERATIONS, INSTRUCTIONS_PER_ITERATION);
        final long counter = BenchGuest.counterAddress(image);
        Vm vm;
        /** Guest instructions done when the last slice ended. */
        long done;

        @Setup(Level.Trial)
        public void boot() {
            vm = BenchGuest.vm(image, ExecutionMode.TRAP);
            vm.boot();
            for (int i = 0; i < 5; i++) { // enter the guest, translate its loop
                slice(LONG);
            }
            done = instructionsDone();
        }

        @TearDown(Level.Trial)
        public void close() {
            vm.close();
        }

        /** Runs one slice; returns the guest instructions it ran. */
        long slice(Duration length) {
            SliceResult result = vm.runSlice(length);
            if (!(result instanceof SliceResult.Ran)) {
                throw new IllegalStateException("bench_spin should only ever be stopped by the slice's end, but: " + result);
            }
            long now = instructionsDone();
            long ran = now - done;
            done = now;
            return ran;
        }

        /** What the guest counted: whole chunks in its RAM, and the current chunk's progress in ECX. */
        long instructionsDone() {
            long chunks = Integer.toUnsignedLong(vm.ram().read(counter, 4));
            long left = Integer.toUnsignedLong(vm.cpu().read(Register.ECX));
            return (chunks * CHUNK_ITERATIONS + (CHUNK_ITERATIONS - left)) * INSTRUCTIONS_PER_ITERATION;
        }
    }

    /** The guest's instructions during an iteration: JMH reports them per microsecond, as MIPS. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class GuestWork {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
        }
    }

    @Benchmark
    public long longSlices(Spinning vm, GuestWork work) {
        long ran = vm.slice(LONG);
        work.instructions += ran;
        return ran;
    }

    @Benchmark
    public long shortSlices(Spinning vm, GuestWork work) {
        long ran = vm.slice(SHORT);
        work.instructions += ran;
        return ran;
    }
}
