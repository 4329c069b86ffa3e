package hvlab.vmmm.replication;

import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.manager.ManagerCommands;
import hvlab.vmmm.migration.Json;
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
 * Remus between two hosts of one JVM over real TLS on loopback, with the real counter guest:
 * the primary's server killed mid-epoch, the backup taking over from its last checkpoint, and
 * the output the world saw neither lost nor repeated.
 */
class ReplicationTest {
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
    void whenThePrimaryDiesTheBackupCountsOnWithNoGapAndNoRepeat() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        await(() -> h1.console("c", 0).text().contains("count 3"));

        String started = dc.manager().replicate("c", "h1", "h2", 50);
        assertTrue(started.contains("\"role\":\"primary\""), started);
        await(() -> lastCount(h1.console("c", 0).text()) >= 12);
        JsonNode primary = Json.MAPPER.readTree(dc.manager().call("h1", "replicas")).get(0);
        System.out.println("primary after count 12: " + primary);
        assertEquals("replicating", primary.get("state").asText());
        assertTrue(primary.get("epochsAcked").asLong() >= 2, primary.toString());
        assertFalse(h2.hasVm("c"), "the replica is held in memory, not run");

        // What the world saw, then the primary's host dies (its server, and its replication streams, cut at once).
        String seen = h1.console("c", 0).text();
        dc.server("h1").close();
        await(() -> replicas("h2").contains("failed over"));
        assertEquals("running", h2.info("c").state());
        JsonNode backup = Json.MAPPER.readTree(replicas("h2")).get(0);
        assertTrue(backup.get("state").asText().startsWith("failed over"), backup.toString());
        assertTrue(backup.get("consoleTotal").asLong() >= seen.length(),
                "every byte the world saw was in the checkpoint the backup resumed from (output commit): " + backup);

        int resumed = lastCount(h2.console("c", 0).text());
        await(() -> lastCount(h2.console("c", 0).text()) >= resumed + 3);
        String after = h2.console("c", 0).text();
        assertTrue(after.startsWith(seen), "the backup's console begins with exactly what the world saw");
        List<Integer> counts = after.lines().filter(l -> l.matches("count \\d+")).map(l -> Integer.parseInt(l.substring(6))).toList();
        for (int i = 0; i < counts.size(); i++) {
            assertEquals(i + 1, counts.get(i), "count lines go 1, 2, 3... across the failover: " + counts);
        }
        assertTrue(counts.size() > lastCount(seen), "it counts on after the failover");
        assertTrue(String.join("\n", h2.history("c")).contains("\"failover\""));
    }

    String replicas(String host) {
        try {
            return dc.manager().call(host, "replicas");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aReplicaIsNeverOnItsPrimarysHost() throws Exception {
        Host h1 = dc.host("h1");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        var e = assertThrows(IllegalArgumentException.class, () -> dc.manager().replicate("c", "h1", "h1", 50));
        assertTrue(e.getMessage().contains("never on its primary's host"), e.getMessage());
        // the host checks too, whatever a manager says
        var address = dc.server("h1").address();
        var direct = assertThrows(IllegalArgumentException.class,
                () -> dc.manager().call("h1", "replicate", "c", "h1", address.getHostString() + ":" + address.getPort(), "50"));
        assertTrue(direct.getMessage().contains("never on its primary's host"), direct.getMessage());
        assertEquals(1, direct.getMessage().lines().count());
    }

    @Test
    void aBackupWithoutTheVmsNetworkRefusesAtTheOffer() throws Exception {
        Host h1 = dc.host("h1");
        h1.network().create("lan");
        h1.create(new VmSpec("echo", "net-echo", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        h1.act("echo", PowerAction.START, "test");
        var e = assertThrows(IllegalArgumentException.class, () -> dc.manager().replicate("echo", "h1", "h2", 50));
        assertTrue(e.getMessage().contains("is on network lan") && e.getMessage().contains("runs on h1 unreplicated"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        dc.host("h2").network().create("lan");
        assertTrue(dc.manager().replicate("echo", "h1", "h2", 50).contains("\"replicating\""));
    }

    @Test
    void aPersonsPowerOffEndsTheReplicationWithoutAFailover() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        dc.manager().replicate("c", "h1", "h2", 25);
        await(() -> lastCount(h1.console("c", 0).text()) >= 3);
        h1.act("c", PowerAction.POWEROFF, "test");
        await(() -> replicas("h2").contains("ended") || replicas("h2").contains("fail"));
        assertTrue(replicas("h2").contains("ended: the primary said 'c' stopped on h1"), replicas("h2"));
        assertFalse(h2.hasVm("c"), "nothing started on the backup");
        assertTrue(dc.manager().call("h1", "replicas").contains("ended"));
        // and it may be replicated again once it runs
        h1.act("c", PowerAction.START, "test");
        dc.manager().replicate("c", "h1", "h2", 100);
        assertTrue(dc.manager().call("h1", "replicas").contains("replicating"));
        // and a person may stop it: the backup drops its replica, the VM runs on unreplicated
        assertTrue(dc.manager().call("h1", "unreplicate", "c").contains("stopped by the manager"));
        await(() -> replicas("h2").contains("was stopped on h1"));
        int before = lastCount(h1.console("c", 0).text());
        await(() -> lastCount(h1.console("c", 0).text()) >= before + 2);
        assertFalse(h2.hasVm("c"));
        var again = assertThrows(IllegalArgumentException.class, () -> dc.manager().call("h1", "unreplicate", "c"));
        assertEquals("'c' is not replicated from host h1", again.getMessage());
    }

    @Test
    void theManagersCommandsWhileReplicatedNoSnapshotNoMigrationAndPlacementIsRespected() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        ManagerCommands manager = new ManagerCommands(dc.manager(), ManagerCommands.Watcher.NONE);
        assertTrue(manager.run(List.of("replicate", "c", "--to", "h2", "--every", "50")).getFirst().startsWith("replicating c from h1 to h2"));
        await(() -> lines(manager, "replicas").matches("(?s).*c -> h2: replicating, [1-9]\\d* checkpoints every 50 ms.*"));
        assertTrue(lines(manager, "replicas").contains("h2: c <- h1 (backup): replicating"), lines(manager, "replicas"));
        // the dirty-page tracker is the replication's now: no snapshot, no migration meanwhile
        var snapshot = assertThrows(hvlab.vmm.host.HostException.class, () -> h1.snapshot("c", "s1", "test"));
        assertTrue(snapshot.getMessage().contains("while it is being migrated or replicated"), snapshot.getMessage());
        var migrate = assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("migrate", "c", "--to", "h2")));
        assertTrue(migrate.getMessage().contains("it is replicated"), migrate.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("replicate", "c", "--to", "h2")));
        assertTrue(twice.getMessage().contains("replicated to h2 already"), twice.getMessage());
        assertEquals(List.of("h1"), allowed(h1, "c"), "the balancer leaves a replicated VM where it is");
        assertTrue(manager.run(List.of("replicate", "c", "--stop")).getFirst().contains("runs on h1 unreplicated"));
        await(() -> lines(manager, "replicas").contains("was stopped on h1"));
        assertFalse(h2.hasVm("c"));
        assertEquals("s1", h1.snapshot("c", "s1", "test").name(), "the tracker is the snapshots' again");
        assertEquals("running", h1.info("c").state(), "the primary runs on");
        assertEquals(List.of(), allowed(h1, "c"), "and may be balanced again");
        var fast = assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("replicate", "c", "--to", "h2", "--every", "5")));
        assertEquals("an epoch of 5 ms: take 10 to 1000 ms", fast.getMessage());
        manager.run(List.of("place", "c", "h1"));
        var refused = assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("replicate", "c", "--to", "h2")));
        assertEquals("'c' may run only on h1 (its placement policy), not on h2: it may not have a backup there", refused.getMessage());
    }

    static List<String> allowed(Host host, String vm) {
        return hvlab.vmmm.balance.LoadReport.of(host).vms().stream().filter(v -> v.name().equals(vm)).findFirst().orElseThrow().allowedHosts();
    }

    static String lines(ManagerCommands manager, String... words) {
        try {
            return String.join("\n", manager.run(List.of(words)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
