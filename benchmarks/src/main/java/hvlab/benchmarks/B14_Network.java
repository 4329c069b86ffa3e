package hvlab.benchmarks;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A round trip between two VMs on one host's virtual switch: net-ping sends an ICMP echo request
 * through its paravirtual NIC, the switch carries it to net-echo's card, the echo answers, and
 * the reply comes back the same way (paper IV.C.11). Each JMH operation is one round trip: two
 * doorbells (one OUT each, the whole frame copied out of the sender's ring through the door to
 * guest memory), two switch decisions, two deliveries into a receive ring, two interrupts through
 * the guests' IDTs. The reciprocal is the frames per second one pair of VMs can exchange.
 *
 * <p>The pair runs on a host with two worker threads, so each VM has a core when the machine has
 * two; both guests are quiet (no line printed per frame: see their headers). With {@code hosts}
 * = 2 each VM has a host of its own (one worker thread each) and every frame also crosses the
 * tunnel between their switches: a real TCP connection on the loopback, each frame tagged with
 * its network's name.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(B14_Network.PINGS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B14_Network {
    static final int PINGS = 2_000;
    private static final int ITERATIONS = 8;
    private static final int INTERVAL = 16;
    private static final int QUIET = 20;

    @State(Scope.Thread)
    public static class Pair {
        @Param({"1", "2"})
        public int hosts;
        Path dir;
        Host host;
        Host other;

        @Setup(Level.Invocation)
        public void boot() throws IOException {
            dir = Files.createTempDirectory("hvlab-b14");
            Path ping = write("ping.bin", BenchGuest.load("net-ping", PINGS, 1), PINGS);
            Path echo = write("echo.bin", BenchGuest.load("net-echo", 0, 1), 0);
            host = new Host("bench", dir.resolve("store"), hosts == 1 ? 2 : 1);
            host.network().create("lan");
            Host echoHost = host;
            if (hosts == 2) {
                other = new Host("bench2", dir.resolve("store2"), 1);
                other.network().create("lan");
                int port = other.network().listenForTunnels("127.0.0.1", 0, "bench");
                host.network().connectTunnel("127.0.0.1", port, "bench");
                echoHost = other;
            }
            echoHost.create(new VmSpec("echo", echo.toString(), "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
            host.create(new VmSpec("ping", ping.toString(), "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
            echoHost.act("echo", PowerAction.START, "bench");
        }

        private Path write(String name, GuestImage image, int pings) throws IOException {
            byte[] code = image.code();
            ByteBuffer header = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(ITERATIONS, pings);
            header.putInt(QUIET, 1);
            if (pings > 0) {
                header.putInt(INTERVAL, 0);
            }
            return Files.write(dir.resolve(name), code);
        }

        @TearDown(Level.Invocation)
        public void close() throws IOException {
            host.close();
            if (other != null) {
                other.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    public String roundTrip(Pair pair) throws InterruptedException {
        pair.host.act("ping", PowerAction.START, "bench");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String console = pair.host.console("ping", 0).text();
            if (console.contains(PINGS + " replies")) {
                return console;
            }
            if (console.contains("no reply") || System.nanoTime() > deadline || !pair.host.info("ping").state().equals("running")
                    && !console.contains(" replies")) {
                throw new IllegalStateException("the pings did not all come back: " + console);
            }
            Thread.sleep(0, 200_000);
        }
    }
}
