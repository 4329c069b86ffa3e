package hvlab.vmmm.migration;

import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.CuttingProxy;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.Message.Progress;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static hvlab.vmmm.Waits.await;
import static hvlab.vmmm.Waits.lastCount;
import static org.junit.jupiter.api.Assertions.*;

/** Live migration of the real counter guest between two hosts over real TLS sockets on loopback. */
class LiveMigrationTest {
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

    @Test
    void theCounterMovesWhileItRunsAndCountsOnWithNoGapAndNoRepeat() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        await(() -> h1.console("c", 0).text().contains("count 5"));
        List<Progress> progress = new CopyOnWriteArrayList<>();

        String report = dc.manager().migrate("c", "h1", "h2", false, MigrationLimits.DEFAULT, progress::add);

        System.out.println("migration report: " + report);
        JsonNode json = Json.MAPPER.readTree(report);
        assertTrue(json.get("secure").asBoolean());
        assertFalse(h1.hasVm("c"), "the source gave its copy up once the target ran it");
        assertEquals("running", h2.info("c").state());
        assertEquals("pre-copy", progress.getFirst().phase(), "round 0 went while the VM ran");
        assertEquals(0, progress.getFirst().round());
        assertEquals("stop-and-copy", progress.getLast().phase());
        assertTrue(json.get("downtimeMicros").asLong() <= json.get("totalMicros").asLong());
        int before = lastCount(h2.console("c", 0).text());
        await(() -> lastCount(h2.console("c", 0).text()) >= before + 3);
        List<Integer> counts = h2.console("c", 0).text().lines().filter(l -> l.matches("count \\d+"))
                .map(l -> Integer.parseInt(l.substring(6))).toList();
        for (int i = 0; i < counts.size(); i++) {
            assertEquals(i + 1, counts.get(i), "count lines go 1, 2, 3... across the move: " + counts);
        }
        // The target writes its events once the guest runs again (after the downtime): wait for them.
        await(() -> String.join("\n", h2.history("c")).contains("\"migrated\""));
        assertEquals(List.of("h1", "h2"), Placement.read(h2.store().folder("c"), "h2").locations());
        assertTrue(h1.secureLog().stream().anyMatch(r -> r.toString().contains("migrated")), "the source's secure log keeps the move");
    }

    @Test
    void aPlacementPolicyRefusesAHostBeforeAnyByteIsSent() throws Exception {
        Host h1 = dc.host("h1");
        h1.create(VmSpec.of("c", "counter"));
        new Placement(List.of("h1"), List.of("h1")).write(h1.store().folder("c"));
        h1.act("c", PowerAction.START, "test");
        var e = assertThrows(IllegalArgumentException.class,
                () -> dc.manager().migrate("c", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { }));
        assertTrue(e.getMessage().contains("may run only on h1"), e.getMessage());
        assertEquals("running", h1.info("c").state());
        assertFalse(dc.host("h2").hasVm("c"));
    }

    @Test
    void aTargetThatDiesMidStreamLeavesTheSourceRunningAndNothingLost() throws Exception {
        Host h1 = dc.host("h1");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        await(() -> h1.console("c", 0).text().contains("count 3"));
        try (CuttingProxy proxy = new CuttingProxy(dc.server("h2").address(), 20_000, () -> dc.server("h2").close())) {
            var e = assertThrows(IllegalArgumentException.class, () -> dc.manager().migrate("c", "h1", "h2", false,
                    MigrationLimits.DEFAULT, p -> { }, proxy.address()));
            assertTrue(e.getMessage().contains("failed") && e.getMessage().contains("runs on on h1"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), "one line");
        }
        assertEquals("running", h1.info("c").state());
        int before = lastCount(h1.console("c", 0).text());
        await(() -> lastCount(h1.console("c", 0).text()) >= before + 2);
        assertFalse(dc.host("h2").hasVm("c"), "nothing half-built is left on the target");
        assertTrue(String.join("\n", h1.history("c")).contains("migration-failed"));
    }

    @Test
    void aLinkThatDropsAfterTheStopResumesTheSourceAndTheTargetThrowsItsCopyAway() throws Exception {
        Host h1 = dc.host("h1");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        await(() -> h1.console("c", 0).text().contains("count 3"));
        // Stop-and-copy sends everything after the pause, so a cut part way is a cut while it is paused.
        try (CuttingProxy proxy = new CuttingProxy(dc.server("h2").address(), 20_000, () -> { })) {
            var e = assertThrows(IllegalArgumentException.class, () -> dc.manager().migrate("c", "h1", "h2", false,
                    MigrationLimits.STOP_AND_COPY, p -> { }, proxy.address()));
            assertTrue(e.getMessage().contains("runs on on h1"), e.getMessage());
        }
        assertEquals("running", h1.info("c").state(), "resumed after the failed stop");
        await(() -> !dc.host("h2").hasVm("c"));
        // and it migrates fine afterwards, with a full first round again
        String report = dc.manager().migrate("c", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { });
        assertTrue(report.contains("\"to\":\"h2\""), report);
        assertEquals("running", dc.host("h2").info("c").state());
    }
}
