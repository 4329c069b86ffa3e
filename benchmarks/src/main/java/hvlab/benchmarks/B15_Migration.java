package hvlab.benchmarks;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.MigrationReport;
import hvlab.vmmm.protocol.MigrationLimits;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * B15: live migration's downtime, pre-copy against stop-and-copy, for the same VM in the same run
 * (Clark et al., NSDI 2005, figure 8's comparison). Two hosts of an {@link EmbeddedDatacenter}
 * (real TLS on loopback); the {@code ballast} guest, 13 MiB of RAM in use and a writable working
 * set of a few pages, goes back and forth. The primary score is a whole migration; the figure is
 * the downtime each one reported (pause at the source to "running" from the target), averaged per
 * iteration from two event counters. Goal: pre-copy's downtime at most a quarter of
 * stop-and-copy's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B15_Migration {

    @State(Scope.Benchmark)
    public static class Datacenter {
        Path dir;
        EmbeddedDatacenter dc;
        String at = "h1";

        @Setup(Level.Trial)
        public void start() throws Exception {
            dir = Files.createTempDirectory("hvlab-b14");
            dc = EmbeddedDatacenter.start(dir, 2, 1, false);
            Host h1 = dc.host("h1");
            h1.create(VmSpec.of("b", "ballast"));
            h1.act("b", PowerAction.START, "bench");
            for (int i = 0; i < 400 && !h1.console("b", 0).text().contains("count 1"); i++) {
                Thread.sleep(25);
            }
            // Warm both paths (TLS, JSON, a machine built on each host) before anything is timed.
            for (int i = 0; i < 2; i++) {
                migrate(MigrationLimits.DEFAULT);
                migrate(MigrationLimits.STOP_AND_COPY);
            }
        }

        MigrationReport migrate(MigrationLimits limits) throws IOException {
            String to = at.equals("h1") ? "h2" : "h1";
            String report = dc.manager().migrate("b", at, to, false, limits, p -> { });
            at = to;
            return Json.MAPPER.readValue(report, MigrationReport.class);
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            dc.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** What an iteration found: the downtimes reported, and how many. JMH sums them per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Downtime {
        public double downtimeMicros;
        public long migrations;

        @Setup(Level.Iteration)
        public void reset() {
            downtimeMicros = 0;
            migrations = 0;
        }
    }

    @Benchmark
    public long preCopy(Datacenter d, Downtime found) throws IOException {
        return record(d.migrate(MigrationLimits.DEFAULT), found);
    }

    @Benchmark
    public long stopAndCopy(Datacenter d, Downtime found) throws IOException {
        return record(d.migrate(MigrationLimits.STOP_AND_COPY), found);
    }

    private static long record(MigrationReport report, Downtime found) {
        found.downtimeMicros += report.downtimeMicros();
        found.migrations++;
        return report.pagesSent();
    }
}
