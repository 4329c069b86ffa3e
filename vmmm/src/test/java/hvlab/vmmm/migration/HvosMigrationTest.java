package hvlab.vmmm.migration;

import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static hvlab.vmmm.Waits.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * hvos, with its disk and a background program, moves live between two hosts over TLS: its disk
 * travels in chunks while it runs (and what changed, at the stop), and its shell works on the
 * target as before the move.
 */
class HvosMigrationTest {
    @TempDir
    Path dir;
    EmbeddedDatacenter dc;

    @BeforeEach
    void start() throws Exception {
        dc = EmbeddedDatacenter.start(dir, 2, 1, false);
    }

    @AfterEach
    void stop() {
        dc.close();
    }

    private static void type(Host host, String vm, String line, String expect) throws InterruptedException {
        host.send(vm, (line + "\n").getBytes(StandardCharsets.US_ASCII));
        await(() -> host.console(vm, 0).text().contains(expect));
    }

    @Test
    void hvosWithItsDiskAndABackgroundLoopMovesAndItsShellWorksThere() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.create(VmSpec.of("os", "hvos"));
        h1.act("os", PowerAction.START, "test");
        await(() -> h1.console("os", 0).text().contains("init: starting sh"));
        type(h1, "os", "loop &", "] loop");

        String report = dc.manager().migrate("os", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { });

        JsonNode json = hvlab.vmmm.migration.Json.MAPPER.readTree(report);
        assertTrue(json.get("downtimeMicros").asLong() > 0 && json.get("totalMicros").asLong() >= json.get("downtimeMicros").asLong());
        assertFalse(h1.hasVm("os"));
        assertNotNull(h2.info("os").disk(), "the disk came along");
        type(h2, "os", "cat README", "Try: ls");
        type(h2, "os", "ps", "PPID STATE");
        String after = h2.console("os", 0).text();
        String ps = after.substring(after.lastIndexOf("PPID STATE"));
        assertTrue(ps.contains(" loop"), "the background program moved with it:\n" + ps);
    }

    @Test
    void aPingFromAnotherHvosGoesOnWhileTheTargetOfThePingMoves() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.network().create("lan");
        h2.network().create("lan");
        h1.create(new VmSpec("os", "hvos", null, null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        h2.create(new VmSpec("pinger", "hvos", null, null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        h1.act("os", PowerAction.START, "test");
        h2.act("pinger", PowerAction.START, "test");
        await(() -> h1.console("os", 0).text().contains("init: starting sh"));
        await(() -> h2.console("pinger", 0).text().contains("init: starting sh"));
        type(h1, "os", "ifconfig 10.0.0.2", "inet 10.0.0.2");
        type(h2, "pinger", "ifconfig 10.0.0.3", "inet 10.0.0.3");
        h2.send("pinger", "ping 10.0.0.2 12\n".getBytes(StandardCharsets.US_ASCII));
        await(() -> h2.console("pinger", 0).text().contains("seq=3 "));

        String report = dc.manager().migrate("os", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { });

        JsonNode json = hvlab.vmmm.migration.Json.MAPPER.readTree(report);
        System.out.println("hvos on lan moved: downtime " + json.get("downtimeMicros").asLong() / 1000 + " ms, in all "
                + json.get("totalMicros").asLong() / 1000 + " ms");
        await(() -> h2.console("pinger", 0).text().contains("12 sent"));
        String ping = h2.console("pinger", 0).text();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("12 sent, (\\d+) received").matcher(ping);
        assertTrue(m.find(), ping);
        assertTrue(Integer.parseInt(m.group(1)) >= 10, "few losses across the move:\n" + ping);
        type(h2, "os", "ps", "PPID STATE");
    }
}
