package hvlab.vmm.host;

import hvlab.vmm.state.VmStateCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static hvlab.vmm.host.HostTest.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The primary half of Remus on a real host with the real counter guest: checkpoints while it
 * runs, and output commit (the console shows only what an acknowledged checkpoint holds).
 */
class CheckpointingTest {
    @TempDir
    Path dir;
    Host host;

    @AfterEach
    void close() {
        if (host != null) host.close();
    }

    @Test
    void outputIsHeldUntilTheCheckpointThatProducedItIsAcknowledged() throws Exception {
        host = new Host("h1", dir.resolve("store"), 1);
        host.create(VmSpec.of("c", "counter"));
        host.act("c", PowerAction.START, "test");
        await("counting", 10_000, () -> host.console("c", 0).text().contains("count 3"));

        Checkpointing replication = host.replicate("c");
        Checkpointing.Checkpoint first = replication.take();
        assertEquals(0, first.epoch());
        assertTrue(first.pages().full() && first.pages().size() > 0, "epoch 0 holds all of RAM");
        long seen = host.console("c", 0).next();
        assertTrue(seen <= first.consoleTotal(), "nothing after the start of replication is seen before an acknowledgement");

        // The guest runs on (speculatively) and prints; none of it shows until acknowledged.
        Thread.sleep(400);
        Checkpointing.Checkpoint second = replication.take();
        assertEquals(1, second.epoch());
        assertFalse(second.pages().full(), "later epochs hold only the pages written since");
        assertTrue(second.consoleTotal() > first.consoleTotal(), "the guest printed during the epoch");
        assertEquals(seen, host.console("c", 0).next(), "its output is held");
        VmStateCodec.check(second.machine(), first.pages().ramBytes());

        replication.acknowledged(0);
        assertEquals(first.consoleTotal(), host.console("c", 0).next(), "epoch 0's output is released");
        replication.acknowledged(1);
        assertEquals(second.consoleTotal(), host.console("c", 0).next(), "epoch 1's output is released, and no more");

        assertThrows(HostException.class, () -> host.snapshot("c", "s1", "test"), "a snapshot would take the checkpoints' dirty pages");
        assertThrows(HostException.class, () -> host.replicate("c"), "once is enough");

        replication.end("test over", "test");
        await("everything shown again", 5000, () -> host.console("c", 0).next() > second.consoleTotal());
        assertTrue(String.join("\n", host.history("c")).contains("replication-ended"));
    }

    @Test
    void framesAreHeldUntilTheCheckpointAfterThemIsAcknowledged() throws Exception {
        host = new Host("h1", dir.resolve("store"), 2);
        host.network().create("lan");
        host.create(new VmSpec("echo", "net-echo", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        host.create(new VmSpec("ping", "net-ping", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        // ping asks every half second until it hears a reply; the echo comes up once ping is replicated
        host.act("ping", PowerAction.START, "test");
        await("ping on its port", 10_000, () -> host.console("ping", 0).text().contains("my MAC"));
        Checkpointing replication = host.replicate("ping");
        Checkpointing.Checkpoint first = replication.take();
        host.act("echo", PowerAction.START, "test");
        await("the echo on its port", 10_000, () -> host.console("echo", 0).text().contains("my MAC"));
        long heard = host.network().show("lan").ports().getFirst().rxFrames();

        Thread.sleep(1500); // unreplicated, three pings and their replies take a fraction of this
        replication.take();
        assertEquals("echo", host.network().show("lan").ports().getFirst().vm());
        assertEquals(heard, host.network().show("lan").ports().getFirst().rxFrames(), "no frame of ping's left its host");
        assertFalse(host.console("echo", 0).text().contains("echo reply to"));

        // Acknowledging checkpoints lets the frames go, in order; ping hears its replies and
        // (once those checkpoints are acknowledged too) says so.
        // ping ends itself after its third reply: its last checkpoint then cannot be taken, and
        // replication ends as the primary's stream ends it, releasing what is left.
        long acked = first.epoch();
        try {
            for (int i = 0; i < 400 && !host.console("ping", 0).text().contains("3 replies"); i++) {
                Checkpointing.Checkpoint next = replication.take();
                replication.acknowledged(acked);
                acked = next.epoch() - 1;
                Thread.sleep(25);
            }
        } catch (HostException ended) {
            assertEquals("defined", host.info("ping").state(), ended.getMessage());
            replication.end("ping ended", "test");
        }
        assertTrue(host.console("ping", 0).text().contains("3 replies"), host.console("ping", 0).text());
        assertTrue(host.console("echo", 0).text().contains("echo reply to"));
        assertTrue(host.network().show("lan").ports().getFirst().rxFrames() > heard);
        replication.end("test over", "test");
    }

    @Test
    void aStoppedVmIsNotReplicated() throws Exception {
        host = new Host("h1", dir.resolve("store"), 1);
        host.create(VmSpec.of("c", "counter"));
        var e = assertThrows(HostException.class, () -> host.replicate("c"));
        assertTrue(e.getMessage().contains("only a running VM is replicated"), e.getMessage());
    }
}
