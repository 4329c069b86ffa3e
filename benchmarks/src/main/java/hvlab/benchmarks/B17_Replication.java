package hvlab.benchmarks;

import hvlab.vmm.host.ConsoleOutput;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import org.openjdk.jmh.annotations.AuxCounters;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * B17: what Remus's replication (Cully et al., NSDI 2008; DESIGN.md section 13) costs a guest
 * that computes: guest MIPS of {@code bench_spin} on host h1 of an {@link EmbeddedDatacenter}
 * (two hosts, one worker thread each, real TLS on loopback), unreplicated ({@code epochs} 0) and
 * replicated to h2 at 10, 20 and 40 checkpoints a second. Each epoch holds the VM off its CPU
 * while its dirty pages are copied; the JSON of its state, the stream and the acknowledgement
 * happen while it runs (speculative execution), on the other core.
 *
 * <p>Progress is counted as {@link B07_ManyVms} counts it, from the '.' the guest prints per
 * million instructions, read through {@link Host#console}: so with replication on, only output
 * an acknowledged checkpoint holds is counted (output commit), which delays the count by about an
 * epoch and a round trip, at the start of an iteration as at its end. The ratio to unreplicated
 * is the figure. Beside it, two counters give guest instructions per CPU-second of the whole
 * process ({@link Cost}), which a machine loaded by others disturbs less than wall-clock time.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(B17_Replication.INSTRUCTIONS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 12, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B17_Replication {
    static final String GUEST = B07_ManyVms.GUEST;
    static final int CHUNKS_PER_INVOCATION = 20;
    static final int INSTRUCTIONS = CHUNKS_PER_INVOCATION * B07_ManyVms.CHUNK_INSTRUCTIONS;
    static final long POLL_NANOS = 1_000_000;

    @State(Scope.Benchmark)
    public static class Replicated {
        /** Checkpoints a second; 0: not replicated (the baseline). */
        @Param({"0", "10", "20", "40"})
        public int epochs;

        Path dir;
        EmbeddedDatacenter dc;
        Host h1;
        long seen;
        long credited;

        @Setup(Level.Trial)
        public void start() throws Exception {
            dir = Files.createTempDirectory("hvlab-b17-");
            Path image = dir.resolve(GUEST + ".bin");
            Files.write(image, B07_ManyVms.image().code());
            dc = EmbeddedDatacenter.start(dir, 2, 1, false);
            h1 = dc.host("h1");
            h1.create(new VmSpec("spin", image.toString(), B07_ManyVms.MEMORY, null, VmSpec.DEFAULT_WEIGHT, 0, "trap"));
            h1.act("spin", PowerAction.START, "benchmark");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (observed() < 2) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("bench_spin printed nothing in 30 s");
                LockSupport.parkNanos(POLL_NANOS);
            }
            if (epochs > 0) {
                dc.manager().replicate("spin", "h1", "h2", 1000 / epochs); // 100, 50, 25 ms
            }
        }

        @Setup(Level.Iteration)
        public void baseline() {
            credited = observed();
        }

        @TearDown(Level.Iteration)
        public void check() throws IOException {
            if (!h1.info("spin").state().equals("running")) {
                throw new IllegalStateException("spin is " + h1.info("spin").state());
            }
            if (epochs > 0) {
                String status = dc.manager().call("h1", "replicas");
                if (!status.contains("\"replicating\"")) throw new IllegalStateException("replication stopped: " + status);
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            if (dc != null) {
                if (epochs > 0) {
                    System.out.println("B17 epochs=" + epochs + ": " + dc.manager().call("h1", "replicas"));
                    dc.manager().call("h1", "unreplicate", "spin"); // else closing h1 would look like a crash to h2
                }
                dc.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        /** Chunks the guest has done as far as anyone outside may see: one '.' each. */
        long observed() {
            ConsoleOutput out = h1.console("spin", seen);
            seen = out.next();
            return seen;
        }
    }

    /**
     * What an iteration cost this process in CPU time (all its threads: the guest's, the
     * replication's, the backup's, TLS on both ends) for the instructions the guest did. On a
     * machine that others load, wall-clock MIPS measure the machine as much as the VMM; guest
     * instructions per CPU-second of the process do not, and show what replicating costs in work.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cost {
        public double instructions;
        public double cpuMillis;
        long lastCpu;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
            cpuMillis = 0;
            lastCpu = processCpuNanos();
        }

        static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    /** One invocation: until the guest has shown another {@value #CHUNKS_PER_INVOCATION} million instructions. */
    @Benchmark
    public long spin(Replicated r, Cost cost) {
        long target = r.credited + CHUNKS_PER_INVOCATION;
        long now;
        while ((now = r.observed()) < target) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        r.credited = target;
        long cpu = Cost.processCpuNanos();
        cost.instructions += INSTRUCTIONS;
        cost.cpuMillis += (cpu - cost.lastCpu) / 1e6;
        cost.lastCpu = cpu;
        return now;
    }
}
