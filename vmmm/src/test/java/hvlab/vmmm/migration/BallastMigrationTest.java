package hvlab.vmmm.migration;

import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static hvlab.vmmm.Waits.await;
import static hvlab.vmmm.Waits.lastCount;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A guest with 13 MiB of memory in use and a tiny writable working set, moved back and forth:
 * pre-copy sends the ballast in round 0 while the guest runs, so the pause carries a handful of
 * pages; stop-and-copy carries all of them in the pause. Counts, not times, are asserted.
 */
class BallastMigrationTest {
    @TempDir
    Path dir;

    @Test
    void preCopyLeavesOnlyAFewPagesForThePauseAndStopAndCopyLeavesThemAll() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 2, 1, false)) {
            Host h1 = dc.host("h1");
            h1.create(VmSpec.of("b", "ballast"));
            h1.act("b", PowerAction.START, "test");
            await(() -> h1.console("b", 0).text().contains("count 2"));

            JsonNode pre = Json.MAPPER.readTree(dc.manager().migrate("b", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { }));
            JsonNode first = pre.get("rounds").get(0);
            JsonNode last = pre.get("rounds").get(pre.get("rounds").size() - 1);
            assertTrue(first.get("pages").asInt() > 3000, "round 0 carries the ballast: " + first);
            assertTrue(last.get("pages").asInt() < 64, "the pause carries a few pages: " + last);

            JsonNode stop = Json.MAPPER.readTree(dc.manager().migrate("b", "h2", "h1", false, MigrationLimits.STOP_AND_COPY, p -> { }));
            assertEquals(1, stop.get("rounds").size());
            assertTrue(stop.get("rounds").get(0).get("pages").asInt() > 3000, "stop-and-copy sends it all in the pause");
            System.out.printf("ballast: pre-copy downtime %.1f ms (total %.1f), stop-and-copy downtime %.1f ms%n",
                    pre.get("downtimeMicros").asLong() / 1000.0, pre.get("totalMicros").asLong() / 1000.0,
                    stop.get("downtimeMicros").asLong() / 1000.0);

            int before = lastCount(h1.console("b", 0).text());
            await(() -> lastCount(h1.console("b", 0).text()) >= before + 2);
            var counts = h1.console("b", 0).text().lines().filter(l -> l.matches("count \\d+")).map(l -> Integer.parseInt(l.substring(6))).toList();
            for (int i = 0; i < counts.size(); i++) assertEquals(i + 1, counts.get(i), "no gap, no repeat: " + counts);
        }
    }
}
