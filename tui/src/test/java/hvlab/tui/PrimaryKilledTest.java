package hvlab.tui;

import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmm.host.Host;
import hvlab.vmmm.host.HostServer;
import hvlab.vmmm.manager.Datacenter;
import hvlab.vmmm.manager.HostRegistry;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.tls.DatacenterCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static hvlab.tui.DcCommandTest.hv;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The test of Remus: the primary is a real {@code hv host serve} process, replicating the
 * counter guest to a backup host in this JVM over TLS, and it is killed with SIGKILL (no shutdown
 * hook, no last word) while the world watches the guest's console through the manager. The
 * backup's console must begin with exactly what the world saw, and its count lines go 1, 2, 3...
 * across the failover: nothing seen is lost (no gap) and nothing is shown twice (no repeat).
 */
class PrimaryKilledTest {
    @TempDir
    Path dir;

    @Test
    void aKilledPrimaryProcessLosesAndRepeatsNothingTheWorldSaw() throws Exception {
        assertEquals(0, hv("dc", "init", dir.resolve("dc").toString()).status());
        DatacenterCa ca = DatacenterCa.open(dir.resolve("dc"));
        Process h1 = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "host", "serve", "--name", "h1", "--port", "0", "--store", dir.resolve("h1").toString(),
                "--dc", dir.resolve("dc").toString(), "--threads", "1")
                .redirectErrorStream(true).start();
        try (Host h2 = new Host("h2", dir.resolve("h2"), 1);
             HostServer s2 = new HostServer(h2, ca, InetAddress.getLoopbackAddress(), 0, -1);
             BufferedReader out = new BufferedReader(new InputStreamReader(h1.getInputStream()))) {
            String serving = out.readLine();
            assertTrue(serving != null && serving.startsWith("host h1 serving on"), "the primary's process did not start: " + serving);
            HostRegistry.register(ca.folder(), "h2", s2.address(), null);
            Datacenter manager = new Datacenter(ca);
            for (HostRegistry.Address host : HostRegistry.read(ca.folder())) {
                manager.join(host.name(), host.address(), host.insecure());
            }
            manager.call("h1", "create", "c", "counter");
            manager.call("h1", "start", "c");
            await("counting on h1", () -> lastCount(console(manager)) >= 2);
            manager.replicate("c", "h1", "h2", 50);
            assertFalse(h2.hasVm("c"), "the replica is held in memory, not run");

            // The world watches h1's console (what it shows is committed output) up to the kill.
            String seen = console(manager);
            while (lastCount(seen) < 8) {
                Thread.sleep(50);
                seen = console(manager);
            }
            h1.destroyForcibly(); // SIGKILL
            assertTrue(h1.waitFor(10, TimeUnit.SECONDS));

            await(() -> "the failover on h2 (its replicas: " + hvlab.vmmm.replication.Replicas.of(h2).status() + ")",
                    () -> h2.hasVm("c") && h2.info("c").state().equals("running"));
            int resumed = lastCount(h2.console("c", 0).text());
            await("h2 counting on", () -> lastCount(h2.console("c", 0).text()) >= resumed + 3);
            String after = h2.console("c", 0).text();
            assertTrue(after.startsWith(seen), "the backup's console begins with all the world saw:\nseen:\n" + seen + "\nafter:\n" + after);
            List<Integer> counts = after.lines().filter(l -> l.matches("count \\d+")).map(l -> Integer.parseInt(l.substring(6))).toList();
            for (int i = 0; i < counts.size(); i++) {
                assertEquals(i + 1, counts.get(i), "count lines go 1, 2, 3... across the failover: " + counts);
            }
            assertTrue(counts.getLast() > lastCount(seen) + 2, "it counts on past what was seen");
            String history = String.join("\n", h2.history("c"));
            assertTrue(history.contains("\"failover\"") && history.contains("\"from\":\"h1\""), history);
            System.out.println("killed h1 after the world saw count " + lastCount(seen) + "; h2 resumed at " + resumed + " and counts on");
        } finally {
            h1.destroyForcibly();
        }
    }

    private static String console(Datacenter manager) {
        try {
            JsonNode text = Json.MAPPER.readTree(manager.call("h1", "console", "c"));
            return text.asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int lastCount(String console) {
        List<String> counts = console.lines().filter(l -> l.matches("count \\d+")).toList();
        return counts.isEmpty() ? 0 : Integer.parseInt(counts.getLast().substring(6));
    }

    private static void await(String what, BooleanSupplier done) throws Exception {
        await(() -> what, done);
    }

    /** Waits up to 60 s; {@code what} is asked only on failure, so it may describe the state then. */
    private static void await(java.util.function.Supplier<String> what, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("waited 60 s for " + what.get());
            Thread.sleep(50);
        }
    }
}
