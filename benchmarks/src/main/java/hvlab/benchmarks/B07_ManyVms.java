package hvlab.benchmarks;

import hvlab.vmm.host.ConsoleOutput;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmInfo;
import hvlab.vmm.host.VmSpec;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Does a host get more work done when it runs more VMs? Aggregate guest MIPS with 1, 2, 4 and 8
 * VMs on one {@link Host}.
 *
 * <p>A VM's virtual CPU runs on at most one of the host's worker threads at a time, as a vCPU is
 * one thread in KVM or Xen. So one busy VM can use one core and no more, however many the
 * machine has; with as many busy VMs as cores, every core should run guest code, and beyond that
 * the credit scheduler shares the cores out in 10 ms slices. On a machine with two cores the
 * ideal is: 2 VMs do twice the work of 1, and 4 or 8 VMs no more than 2. What the host loses on
 * the way (its lock, the scheduler's bookkeeping between slices, the slice timer, ending and
 * starting slices, threads that wait when they could run) shows as the gap to that ideal. The
 * goal, from the exact-preemption issue: 8 VMs at least 1.8 times the work of one on 2 cores
 * (here generalised to 0.9 times the cores, at most 8).
 *
 * <p>The work is counted by the guests themselves, so nothing in the VMM is instrumented for it.
 * Each VM runs {@code bench_spin}, which computes for ever and prints one '.' on its serial port
 * per chunk of 1,000,000 instructions (the ALU loop of {@link B01_GuestMips} in chunks); the
 * benchmark reads each VM's console through the host's own management interface
 * ({@link Host#console}, what {@code vm console} shows) and counts dots. The host has one worker
 * thread per available processor (the default of {@code hv shell}); this thread only looks at
 * the consoles once a millisecond and sleeps in between.
 *
 * <p>Each JMH operation is one guest instruction, so the score reads as aggregate MIPS. One
 * invocation waits until the VMs together have done another {@value #CHUNKS_PER_INVOCATION}
 * chunks; work beyond that counts towards the next invocation, so what is polled late is never
 * lost. The VMs boot once per trial (a fork per VM count) and keep running; each iteration starts
 * counting afresh.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(B07_ManyVms.INSTRUCTIONS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B07_ManyVms {
    static final String GUEST = "bench_spin";
    /** Loop iterations per '.': 10 instructions each, a million per chunk. */
    static final int CHUNK_ITERATIONS = 100_000;
    static final int INSTRUCTIONS_PER_ITERATION = 10;
    static final int CHUNK_INSTRUCTIONS = CHUNK_ITERATIONS * INSTRUCTIONS_PER_ITERATION;
    /** Chunks the VMs do, together, per JMH invocation: a few tens of milliseconds of work. */
    static final int CHUNKS_PER_INVOCATION = 50;
    /** Guest instructions per invocation: one JMH operation each. */
    static final int INSTRUCTIONS = CHUNKS_PER_INVOCATION * CHUNK_INSTRUCTIONS;
    /** How often the benchmark thread looks at the consoles. */
    static final long POLL_NANOS = 1_000_000;
    /** Each VM gets the least RAM the VMM allows: eight of them stay small. */
    static final String MEMORY = "2M";

    static GuestImage image() {
        return BenchGuest.load(GUEST, CHUNK_ITERATIONS, INSTRUCTIONS_PER_ITERATION);
    }

    /** A host with {@link #vms} spinning VMs, booted once per trial. */
    @State(Scope.Benchmark)
    public static class Running {
        @Param({"1", "2", "4", "8"})
        public int vms;

        Path directory;
        Host host;
        final List<String> names = new ArrayList<>();
        /** Per VM: the console position read up to, which is the chunks it has done. */
        long[] seen;
        /** Chunks already counted by finished invocations. */
        long credited;

        @Setup(Level.Trial)
        public void start() throws IOException {
            directory = Files.createTempDirectory("hvlab-b07-");
            Path image = directory.resolve(GUEST + ".bin");
            Files.write(image, image().code());
            host = new Host("bench", directory.resolve("store"), Runtime.getRuntime().availableProcessors());
            for (int i = 0; i < vms; i++) {
                String name = "spin" + i;
                host.create(new VmSpec(name, image.toString(), MEMORY, null, VmSpec.DEFAULT_WEIGHT, 0, "trap"));
                names.add(name);
            }
            seen = new long[vms];
            for (String name : names) {
                host.act(name, PowerAction.START, "benchmark");
            }
            // Until every VM has shown that its loop runs (translated, on a CPU), or 30 s.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                observed();
                if (java.util.Arrays.stream(seen).allMatch(chunks -> chunks >= 2)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every VM printed its first chunks within 30 s: " + describe());
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }

        /** Counting starts afresh with every iteration: work done between iterations is not counted. */
        @Setup(Level.Iteration)
        public void baseline() {
            credited = observed();
        }

        /** The VMs must still be running the loop at the end of each iteration. */
        @TearDown(Level.Iteration)
        public void check() {
            for (String name : names) {
                VmInfo info = host.info(name);
                if (!info.state().equals("running")) {
                    throw new IllegalStateException(name + " is " + info.state() + " (" + info.lastExit() + "): " + describe());
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            if (host != null) {
                host.close();
            }
            if (directory != null) {
                try (Stream<Path> paths = Files.walk(directory)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
        }

        /** Chunks all the VMs have done so far, from their consoles: one '.' each. */
        long observed() {
            long total = 0;
            for (int i = 0; i < names.size(); i++) {
                ConsoleOutput out = host.console(names.get(i), seen[i]);
                for (int c = 0; c < out.text().length(); c++) {
                    if (out.text().charAt(c) != '.') {
                        throw new IllegalStateException(names.get(i) + " printed something other than its chunks: " + out.text());
                    }
                }
                seen[i] = out.next();
                total += seen[i];
            }
            return total;
        }

        private String describe() {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                text.append(names.get(i)).append(' ').append(seen[i]).append(" chunks; ");
            }
            return text.toString();
        }
    }

    @Benchmark
    public long aggregate(Running state) {
        long target = state.credited + CHUNKS_PER_INVOCATION;
        while (state.observed() < target) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        state.credited = target;
        return target;
    }
}
