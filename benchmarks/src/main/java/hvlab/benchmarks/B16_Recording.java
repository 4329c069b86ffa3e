package hvlab.benchmarks;

import hvlab.cpu.Register;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.replay.JournalWriter;
import hvlab.vmm.replay.RecordingHeader;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * B16: what recording for deterministic replay costs (ReVirt, Dunlap et al. 2002, measured 0-8%).
 *
 * <p>The same guest runs in 1 ms slices on its own virtual clock, once plain and once recorded
 * into a journal file. Recording costs nothing per instruction (the block count it needs is
 * kept by the preemption stub in both runs); it costs one journal event each time the VMM takes
 * control and the guest's time moves, and one per interrupt. So the two guests are the two
 * extremes: {@code spin} computes and takes no trap (events only at slice ends), {@code syscalls}
 * makes a system call every few instructions, and each call is a VM exit after which the clock
 * moves (one event per call). Figures: guest instructions per second (spin) and system calls
 * per second (syscalls), recorded as a ratio to plain; and journal bytes per second of each.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B16_Recording {
    static final Duration SLICE = Duration.ofMillis(1);

    @State(Scope.Thread)
    public static class Machine {
        @Param({"spin", "syscalls"})
        public String guest;
        @Param({"false", "true"})
        public boolean recorded;

        Vm vm;
        JournalWriter journal;
        Path file;
        long counter;
        long lastInstructions;
        long lastCalls;
        long lastBytes;

        @Setup(Level.Trial)
        public void boot() throws IOException {
            GuestImage image = guest.equals("spin")
                    ? BenchGuest.load(B07_ManyVms.GUEST, B07_ManyVms.CHUNK_ITERATIONS, B07_ManyVms.INSTRUCTIONS_PER_ITERATION)
                    : BenchGuest.load(B11_PrivilegeCrossing.GUEST, 100_000_000, B11_PrivilegeCrossing.CALLS_PER_ITERATION);
            counter = guest.equals("spin") ? BenchGuest.counterAddress(image) : 0;
            vm = BenchGuest.vm(image, ExecutionMode.TRAP);
            if (recorded) {
                file = Files.createTempFile("hvlab-b16", ".hvr");
                OutputStream out = Files.newOutputStream(file);
                journal = new JournalWriter(out, RecordingHeader.of(vm.config(), false));
                vm.record(journal);
            }
            vm.boot();
            for (int i = 0; i < 20; i++) {
                slice();
            }
            lastInstructions = instructions();
            lastCalls = calls();
        }

        void slice() {
            SliceResult result = vm.runSlice(SLICE);
            if (result instanceof SliceResult.Ended ended) {
                throw new IllegalStateException(guest + " ended: " + ended.exit().describe());
            }
        }

        long instructions() {
            if (!guest.equals("spin")) return 0;
            long chunks = Integer.toUnsignedLong(vm.ram().read(counter, 4));
            long left = Integer.toUnsignedLong(vm.cpu().read(Register.ECX));
            return (chunks * B07_ManyVms.CHUNK_ITERATIONS + (B07_ManyVms.CHUNK_ITERATIONS - left)) * B07_ManyVms.INSTRUCTIONS_PER_ITERATION;
        }

        long calls() {
            Long delivered = vm.counters().byLabel().get("interrupt");
            return delivered == null ? 0 : delivered;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (journal != null) {
                if (journal.failure() != null) {
                    throw new IllegalStateException(journal.failure());
                }
                journal.close();
                Files.deleteIfExists(file);
            }
            vm.close();
        }
    }

    /** Per iteration, as rates: guest instructions, system calls, journal bytes. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public long instructions;
        public long calls;
        public long journalBytes;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
            calls = 0;
            journalBytes = 0;
        }
    }

    /** One slice; the work the guest did in it goes to the counters. */
    @Benchmark
    public void slice(Machine m, Work work) {
        m.slice();
        long instructions = m.instructions();
        long calls = m.calls();
        work.instructions += instructions - m.lastInstructions;
        work.calls += calls - m.lastCalls;
        m.lastInstructions = instructions;
        m.lastCalls = calls;
        if (m.journal != null) {
            long bytes = m.journal.bytesWritten();
            work.journalBytes += bytes - m.lastBytes;
            m.lastBytes = bytes;
        }
    }
}
