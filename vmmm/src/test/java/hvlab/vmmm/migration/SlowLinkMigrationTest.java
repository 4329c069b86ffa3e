package hvlab.vmmm.migration;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.ThrottlingProxy;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static hvlab.vmmm.Waits.await;
import static hvlab.vmmm.Waits.lastCount;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The third fault: a slow link (a rate-limited relay between the hosts). The migration
 * takes longer and still loses nothing: the counter goes on at the target with no gap and no repeat.
 */
class SlowLinkMigrationTest {
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
    void overASlowLinkTheCounterStillMovesWithNoGapAndNoRepeat() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        await(() -> h1.console("c", 0).text().contains("count 3"));
        try (ThrottlingProxy slow = new ThrottlingProxy(dc.server("h2").address(), 64 * 1024)) {
            String report = dc.manager().migrate("c", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { }, slow.address());
            System.out.println("over a 64 KiB/s link: " + report + "; the relay held bytes back " + slow.sleptMillis() + " ms");
            assertTrue(Json.MAPPER.readTree(report).get("secure").asBoolean());
            assertTrue(slow.passed() > 0 && slow.sleptMillis() > 0, "the stream went through the slow relay, and it held bytes back");
        }
        assertFalse(h1.hasVm("c"));
        int before = lastCount(h2.console("c", 0).text());
        await(() -> lastCount(h2.console("c", 0).text()) >= before + 2);
        List<Integer> counts = h2.console("c", 0).text().lines().filter(l -> l.matches("count \\d+"))
                .map(l -> Integer.parseInt(l.substring(6))).toList();
        for (int i = 0; i < counts.size(); i++) {
            assertEquals(i + 1, counts.get(i), "count lines go 1, 2, 3... across the move: " + counts);
        }
    }
}
