package hvlab.vmmm.replication;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.CuttingProxy;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.manager.ManagerCommands;
import hvlab.vmmm.migration.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static hvlab.vmmm.Waits.await;
import static hvlab.vmmm.Waits.lastCount;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Remus-style replication of the real counter guest between two hosts over TLS: checkpoints while
 * it runs, and when the primary dies (its VM destroyed at the instant a real TCP relay cuts the
 * stream) the backup runs it on from the last complete checkpoint.
 */
class ReplicationTest {
    @TempDir
    Path dir;

    @Test
    void whenThePrimaryDiesTheBackupRunsTheVmFromItsLastCheckpoint() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 2, 1, false)) {
            Host h1 = dc.host("h1");
            Host h2 = dc.host("h2");
            h1.create(VmSpec.of("c", "counter"));
            h1.act("c", PowerAction.START, "test");
            await(() -> h1.console("c", 0).text().contains("count 2"));
            int[] countAtDeath = new int[1];
            try (CuttingProxy link = new CuttingProxy(dc.server("h2").address(), 400_000, () -> {
                h1.act("c", PowerAction.DESTROY, "the primary host dies"); // fail-stop, at the instant the link goes
                countAtDeath[0] = lastCount(h1.console("c", 0).text());
            })) {
                dc.manager().call("h1", "replicate", "c", "h2", link.address().getHostString() + ":" + link.address().getPort(), "50");
                await(() -> h2.hasVm("c"));
                assertEquals("defined", h2.info("c").state(), "the backup holds a copy that does not run");
                var twice = assertThrows(hvlab.vmm.host.HostException.class, () -> h2.act("c", PowerAction.START, "test"));
                assertTrue(twice.getMessage().contains("a copy arriving from another host"), twice.getMessage());
                await(() -> h2.hasVm("c") && h2.info("c").state().equals("running"));
            }
            await(() -> String.join("\n", h2.history("c")).contains("\"event\":\"failover\"")); // written once it runs
            String history = String.join("\n", h2.history("c"));
            assertTrue(history.contains("\"from\":\"h1\""), history);
            // the console is part of the machine state: the backup's holds the primary's output up to
            // the checkpoint, then its own; it counts on with no gap, past where the primary died
            // (what the primary printed after the last checkpoint, the backup prints again: there
            // is no output commit)
            await(() -> lastCount(h2.console("c", 0).text()) > countAtDeath[0] + 1);
            List<Integer> counts = h2.console("c", 0).text().lines().filter(l -> l.matches("count \\d+"))
                    .map(l -> Integer.parseInt(l.substring(6))).toList();
            for (int i = 0; i < counts.size(); i++) {
                assertEquals(i + 1, counts.get(i), "count after count, no gap and no repeat in its own console: " + counts);
            }
            System.out.println("the primary died at count " + countAtDeath[0] + "; the backup ran on to " + counts.getLast());
            await(() -> Placement.read(h2.store().folder("c"), "h2").locations().size() == 2);
            assertEquals(List.of("h1", "h2"), Placement.read(h2.store().folder("c"), "h2").locations());
        }
    }

    @Test
    void stoppedReplicationThrowsTheBackupsCopyAwayAndPlacementIsRespected() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 2, 1, false)) {
            Host h1 = dc.host("h1");
            Host h2 = dc.host("h2");
            h1.create(VmSpec.of("c", "counter"));
            h1.act("c", PowerAction.START, "test");
            ManagerCommands manager = new ManagerCommands(dc.manager(), ManagerCommands.Watcher.NONE);
            assertTrue(manager.run(List.of("replicate", "c", "--to", "h2", "--every", "50")).getFirst().startsWith("replicating c from h1 to h2"));
            await(() -> {
                try {
                    return String.join("\n", manager.run(List.of("replicas"))).matches("(?s).*replicating, [1-9]\\d* checkpoints.*");
                } catch (Exception e) {
                    return false;
                }
            });
            Thread.sleep(1000);
            System.out.println(String.join("\n", manager.run(List.of("replicas"))));
            // the dirty-page tracker is the replication's now: no snapshot, no migration meanwhile
            var snapshot = assertThrows(hvlab.vmm.host.HostException.class, () -> h1.snapshot("c", "s1", "test"));
            assertTrue(snapshot.getMessage().contains("while it is being migrated or replicated"), snapshot.getMessage());
            var migrate = assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("migrate", "c", "--to", "h2")));
            assertTrue(migrate.getMessage().contains("being migrated or replicated already"), migrate.getMessage());
            manager.run(List.of("replicate", "c", "--stop"));
            await(() -> !h2.hasVm("c"));
            await(() -> {
                try {
                    return String.join("\n", manager.run(List.of("replicas"))).contains(": stopped,");
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("s1", h1.snapshot("c", "s1", "test").name(), "the tracker is the snapshots' again");
            assertEquals("running", h1.info("c").state(), "the primary runs on");
            assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("replicate", "c", "--to", "h2", "--every", "5")));
            manager.run(List.of("place", "c", "h1"));
            var refused = assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("replicate", "c", "--to", "h2")));
            assertEquals("'c' may run only on h1 (its placement policy), not on h2", refused.getMessage());
        }
    }
}
