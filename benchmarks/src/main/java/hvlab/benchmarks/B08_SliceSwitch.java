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

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * emulator again, which finds its way back into the translated code. That gap, paid once per
 * slice, is what this measures, in microseconds. It decides how short a slice can be: at 10 ms
 * slices a 10 µs switch costs a thousandth of the CPU, at 100 µs slices a tenth.
 *
 * <p>The gap cannot be timed from outside without instrumenting the VMM, so the guest counts its
 * own work: {@code bench_spin} runs the ALU loop of {@link B01_GuestMips} and keeps a chunk
 * counter in its RAM; between slices the benchmark reads that counter and ECX, which is exact to
 * the instruction because a slice ends only at an instruction boundary. Each invocation runs
 * {@value #SHORT_SLICES} of the shortest slices the VMM starts ({@link #SHORT}, 20 µs; the timer
 * fires tens of microseconds late, so they last longer) and then one of the default length
 * ({@link #LONG}, 10 ms), and times them in the CPU time of this thread, the thread that runs
 * the VM. Every slice costs T = I / R + c: its guest instructions I at the guest's speed R, plus
 * the switch c. The long slice tells R (almost all of it is guest), the short ones, whose time is
 * largely switching, tell c; the two equations are solved for c on every invocation.
 *
 * <p>CPU time rather than wall time, so that a moment when the operating system gives this
 * thread's core to another process does not count as switching: on a busy machine wall time
 * would measure the machine, not the VMM. What the slice timer's own thread does to wake up is
 * not counted (it runs beside the guest, on another core if there is one).
 *
 * <p>JMH's own score here is the time of one invocation and means little; the figure is
 * {@code switchNanos} / {@code switches}, two counters that {@link QuickBench} divides in every
 * measurement iteration. The few hundred nanoseconds this benchmark spends reading the guest's
 * count (RAM and ECX) after each slice count as switching too.
 */
@BenchmarkMode(Mode.AverageTime)
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
    /** Short slices per invocation, one long one after them. */
    static final int SHORT_SLICES = 20;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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
            if (!THREADS.isCurrentThreadCpuTimeSupported()) {
                throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
            }
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

    /** What an iteration found: switches timed and their cost in all. JMH sums them per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Switches {
        public double switchNanos;
        public long switches;

        @Setup(Level.Iteration)
        public void reset() {
            switchNanos = 0;
            switches = 0;
        }
    }

    /**
     * The switch c from K short slices (T<sub>S</sub> CPU time, I<sub>S</sub> instructions in all)
     * and one long slice (T<sub>l</sub>, I<sub>l</sub>): T<sub>S</sub> = I<sub>S</sub> / R + K c and
     * T<sub>l</sub> = I<sub>l</sub> / R + c.
     */
    static double switchNanos(int k, double shortNanos, double shortInstructions, double longNanos, double longInstructions) {
        double share = shortInstructions / longInstructions;
        return (shortNanos - share * longNanos) / (k - share);
    }

    @Benchmark
    public double switches(Spinning vm, Switches found) {
        long started = THREADS.getCurrentThreadCpuTime();
        long shortInstructions = 0;
        for (int i = 0; i < SHORT_SLICES; i++) {
            shortInstructions += vm.slice(SHORT);
        }
        long between = THREADS.getCurrentThreadCpuTime();
        long longInstructions = vm.slice(LONG);
        long ended = THREADS.getCurrentThreadCpuTime();
        double c = switchNanos(SHORT_SLICES, between - started, shortInstructions, ended - between, longInstructions);
        found.switchNanos += c * SHORT_SLICES;
        found.switches += SHORT_SLICES;
        return c;
    }
}
