package hvlab.benchmarks;

import hvlab.tui.ui.HeadlessUi;
import hvlab.vmm.host.ConsoleOutput;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Does watching a VM slow it down? Guest MIPS of one spinning VM with the terminal UI open on its
 * console, against the same with no UI, in the same run.
 *
 * <p>The UI is built to observe without disturbing: it never runs on a VM's thread and never
 * asks a VM to stop; four times a second it reads reports the host keeps anyway ({@code vm list},
 * the console since the last position) and redraws a frame. What it can still take is CPU time on
 * a machine with few cores, and the host's lock for a moment per read. {@code open} runs the
 * real {@link hvlab.tui.ui.DatacenterUi} (sampling, drawing, key handling) on a virtual terminal
 * in its own thread, showing the console view of the VM being measured, whose output it
 * draws; {@code closed} runs nothing else. The goal: open within noise of closed.
 *
 * <p>As in {@link B07_ManyVms}, the guest counts its own work ({@code bench_spin}: one '.' per
 * million instructions), read through the host's console; each JMH operation is one guest
 * instruction, so scores read as MIPS.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(B07_ManyVms.INSTRUCTIONS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B10_UiObserver {
    private static final String VM = "watched";

    @State(Scope.Benchmark)
    public static class Watched {
        @Param({"closed", "open"})
        public String ui;

        Path directory;
        Host host;
        HeadlessUi screen;
        long seen;
        long credited;

        @Setup(Level.Trial)
        public void start() throws IOException {
            directory = Files.createTempDirectory("hvlab-b10-");
            Path image = directory.resolve(B07_ManyVms.GUEST + ".bin");
            Files.write(image, B07_ManyVms.image().code());
            host = new Host("bench", directory.resolve("store"), Runtime.getRuntime().availableProcessors());
            host.create(new VmSpec(VM, image.toString(), B07_ManyVms.MEMORY, null, VmSpec.DEFAULT_WEIGHT, 0, "trap"));
            host.act(VM, PowerAction.START, "benchmark");
            if (ui.equals("open")) {
                screen = new HeadlessUi(List.of(host), "2"); // the console view of the only VM
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (observed() < 2) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the VM printed no chunks within 30 s");
                }
                LockSupport.parkNanos(B07_ManyVms.POLL_NANOS);
            }
        }

        @Setup(Level.Iteration)
        public void baseline() {
            credited = observed();
        }

        /** The UI must still be drawing, and drawing this VM's console. */
        @TearDown(Level.Iteration)
        public void check() {
            if (screen != null && (screen.failure() != null || !screen.screenText().contains("[2 console]"))) {
                throw new IllegalStateException("the UI is not showing the console: " + screen.failure() + "\n" + screen.screenText());
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            if (screen != null) {
                screen.close();
            }
            if (host != null) {
                host.close();
            }
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }

        long observed() {
            ConsoleOutput out = host.console(VM, seen);
            seen = out.next();
            return seen;
        }
    }

    @Benchmark
    public long mips(Watched state) {
        long target = state.credited + B07_ManyVms.CHUNKS_PER_INVOCATION;
        while (state.observed() < target) {
            LockSupport.parkNanos(B07_ManyVms.POLL_NANOS);
        }
        state.credited = target;
        return target;
    }
}
