package hvlab.vmmm.replication;

import hvlab.vmm.host.Checkpointing;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static hvlab.vmmm.Waits.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A primary that lies, over real TLS to a real backup host: page numbers outside the VM's RAM, a
 * machine state that does not decode, epochs out of order, a page count that does not add up, a
 * name it did not prove. Each is refused with one line, and the backup keeps its last good
 * checkpoint and starts nothing (the primary is alive). A checkpoint cut off mid-way is
 * discarded: the failover resumes from the one before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaHostileTest {
    @TempDir
    static Path dir;
    EmbeddedDatacenter dc;
    Checkpointing source;
    Checkpointing.Checkpoint first;
    Checkpointing.Checkpoint second;

    @BeforeAll
    void start() throws Exception {
        dc = EmbeddedDatacenter.start(dir, 2, 1, false);
        Host h1 = dc.host("h1");
        h1.create(VmSpec.of("c", "counter"));
        h1.act("c", PowerAction.START, "test");
        await(() -> h1.console("c", 0).text().contains("count 2"));
        source = h1.replicate("c"); // real checkpoints of a real guest, sent by hand below
        first = source.take();
        Thread.sleep(200);
        second = source.take();
    }

    @AfterAll
    void stop() {
        dc.close();
    }

    Frames connectAs(String name) throws Exception {
        Tls tls = Tls.of(DatacenterCa.open(dir.resolve("dc")), name);
        return new Frames(tls.connect(dc.server("h2").address(), "h2", 10_000), 10_000);
    }

    /** Offers the VM and sends epoch 0 whole; the backup acknowledges it. */
    Frames withEpochZero() throws Exception {
        Frames link = connectAs("h1");
        link.send(offer("h1"));
        assertInstanceOf(Accept.class, link.receive());
        sendPages(link, 0, first);
        link.send(new Checkpoint(0, first.pages().size(), first.consoleTotal(), first.machine()));
        assertEquals(new CheckpointAck(0), link.receive());
        return link;
    }

    ReplicaOffer offer(String from) throws Exception {
        return new ReplicaOffer(from, Json.MAPPER.writeValueAsBytes(source.definition()), source.image(), List.of(), List.of("h1"),
                source.history(), 50);
    }

    static void sendPages(Frames link, int epoch, Checkpointing.Checkpoint checkpoint) throws Exception {
        CheckpointPages.send(link, epoch, checkpoint.pages());
    }

    /** The refusal that comes back: one line, and the backup still holds epoch 0 and runs nothing. */
    String refusedKeepingEpochZero(Frames link) throws Exception {
        Message answer = link.receive();
        link.close();
        Failure failure = assertInstanceOf(Failure.class, answer);
        assertEquals(1, failure.reason().lines().count(), failure.reason());
        Replicas backup = Replicas.of(dc.host("h2"));
        await(() -> backup.status().stream().anyMatch(s -> s.state().startsWith("refused")));
        assertEquals(0, backup.heldEpoch("c"), "the last good checkpoint is kept");
        Thread.sleep(300);
        assertFalse(dc.host("h2").hasVm("c"), "a refusal is not a failover: the primary is alive");
        return failure.reason();
    }

    @Test
    void aPageOutsideTheVmsRamIsRefused() throws Exception {
        try (Frames link = withEpochZero()) {
            long pages = first.pages().ramBytes() / Codec.PAGE;
            link.send(new Pages(1, new int[] {(int) pages + 7}, new byte[Codec.PAGE]));
            String why = refusedKeepingEpochZero(link);
            assertTrue(why.contains("is not a page of the VM's"), why);
        }
    }

    @Test
    void aMachineStateThatDoesNotDecodeIsRefused() throws Exception {
        try (Frames link = withEpochZero()) {
            sendPages(link, 1, second);
            link.send(new Checkpoint(1, second.pages().size(), second.consoleTotal(), "{\"format\":\"hvlab-machine-1\"}".getBytes(StandardCharsets.UTF_8)));
            String why = refusedKeepingEpochZero(link);
            assertTrue(why.contains("does not decode"), why);
        }
    }

    @Test
    void epochsOutOfOrderAreRefused() throws Exception {
        try (Frames link = withEpochZero()) {
            link.send(new Checkpoint(0, first.pages().size(), first.consoleTotal(), first.machine())); // a replay of epoch 0
            String why = refusedKeepingEpochZero(link);
            assertTrue(why.contains("epoch 0 where epoch 1 belongs"), why);
        }
        try (Frames link = withEpochZero()) {
            sendPages(link, 5, second);
            String why = refusedKeepingEpochZero(link);
            assertTrue(why.contains("epoch 5 where epoch 1 belongs"), why);
        }
    }

    @Test
    void aCheckpointWhosePagesDoNotAddUpIsRefused() throws Exception {
        try (Frames link = withEpochZero()) {
            sendPages(link, 1, second);
            link.send(new Checkpoint(1, second.pages().size() + 3, second.consoleTotal(), second.machine()));
            String why = refusedKeepingEpochZero(link);
            assertTrue(why.contains("claims " + (second.pages().size() + 3) + " pages"), why);
        }
    }

    @Test
    void aHostMayOfferOnlyUnderTheNameItProved() throws Exception {
        try (Frames link = connectAs("h1")) {
            link.send(offer("h9"));
            Failure failure = assertInstanceOf(Failure.class, link.receive());
            assertTrue(failure.reason().contains("offers a replica as 'h9'"), failure.reason());
        }
    }

    @Test
    void anotherHostMayNotTakeOverAReplicaStillHeld() throws Exception {
        try (Frames legit = withEpochZero(); Frames other = connectAs("h3")) {
            ReplicaOffer offer = offer("h3");
            other.send(offer);
            Failure failure = assertInstanceOf(Failure.class, other.receive());
            assertEquals("host h2 already holds a replica of 'c' for h1", failure.reason());
            sendPages(legit, 1, second); // the first stream goes on
            legit.send(new Checkpoint(1, second.pages().size(), second.consoleTotal(), second.machine()));
            assertEquals(new CheckpointAck(1), legit.receive());
            legit.send(new Failure("test over")); // the primary ends it: no failover
        }
        await(() -> Replicas.of(dc.host("h2")).status().stream().anyMatch(s -> s.state().startsWith("ended")));
        assertFalse(dc.host("h2").hasVm("c"));
    }

    @Test
    void aCheckpointCutOffMidwayIsDiscardedAndTheFailoverResumesFromTheOneBefore() throws Exception {
        Frames link = withEpochZero();
        Replicas backup = Replicas.of(dc.host("h2"));
        int[] numbers = second.pages().pageNumbers().stream().mapToInt(Integer::intValue).toArray();
        byte[] garbage = new byte[numbers.length * Codec.PAGE];
        Arrays.fill(garbage, (byte) 0xCC); // had these pages been applied, the guest would crash on them
        link.send(new Pages(1, numbers, garbage));
        link.close(); // the primary dies before epoch 1's Checkpoint
        try {
            await(() -> backup.status().stream().anyMatch(s -> s.state().startsWith("failed over at epoch 0")));
            Host h2 = dc.host("h2");
            assertEquals("running", h2.info("c").state());
            ReplicaStatus held = backup.status().stream().filter(s -> s.vm().equals("c")).findFirst().orElseThrow();
            assertEquals(first.consoleTotal(), held.consoleTotal(), "epoch 0 is what it resumed from");
            int resumed = hvlab.vmmm.Waits.lastCount(h2.console("c", 0).text());
            await(() -> hvlab.vmmm.Waits.lastCount(h2.console("c", 0).text()) >= resumed + 2);
            List<Integer> counts = h2.console("c", 0).text().lines().filter(l -> l.matches("count \\d+"))
                    .map(l -> Integer.parseInt(l.substring(6))).toList();
            for (int i = 0; i < counts.size(); i++) {
                assertEquals(i + 1, counts.get(i), "no page of the cut-off epoch got in: " + counts);
            }
        } finally {
            dc.host("h2").act("c", PowerAction.DESTROY, "test");
            dc.host("h2").act("c", PowerAction.UNDEFINE, "test");
        }
    }
}
