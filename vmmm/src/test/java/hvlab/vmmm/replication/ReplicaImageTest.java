package hvlab.vmmm.replication;

import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The backup's bookkeeping without a machine, and the replication messages on the wire. */
class ReplicaImageTest {
    static byte[] page(int fill) {
        byte[] data = new byte[Codec.PAGE];
        Arrays.fill(data, (byte) fill);
        return data;
    }

    /** A machine state that passes the check is a real one; here only refusals are tested without one. */
    @Test
    void anEpochsPagesWaitForItsCheckpointAndARefusedOneLeavesTheLastGoodAsItWas() {
        ReplicaImage image = new ReplicaImage(16 * Codec.PAGE);
        assertEquals(-1, image.epoch());
        image.stage(new Pages(0, new int[] {1, 2}, concat(page(1), page(2))));
        var e = assertThrows(ReplicationException.class, () -> image.seal(new Checkpoint(0, 2, 10, "{}".getBytes())));
        assertTrue(e.getMessage().contains("does not decode"), e.getMessage());
        assertEquals(-1, image.epoch(), "nothing applied");
        assertEquals(0, image.pagesHeld());
        assertThrows(ReplicationException.class, () -> image.stage(new Pages(0, new int[] {16}, page(3))), "page 16 of 16");
        assertThrows(ReplicationException.class, () -> image.stage(new Pages(0, new int[] {-1}, page(3))));
        assertThrows(ReplicationException.class, () -> image.stage(new Pages(1, new int[] {0}, page(3))), "epoch 1 before 0");
        image.discardPartial();
        assertThrows(ReplicationException.class, () -> image.seal(new Checkpoint(0, 2, 0, new byte[0])), "its pages were discarded");
    }

    @Test
    void theReplicationMessagesGoAndComeBackAndRefuseEveryCut() throws Exception {
        List<Message> messages = List.of(
                new ReplicaOffer("h1", new byte[] {1}, new byte[] {2, 3}, List.of("h2"), List.of("h1"), List.of("{}"), 50),
                new Checkpoint(7, 3, 1234, new byte[] {'{', '}'}), new CheckpointAck(7), new Heartbeat());
        Map<Integer, Message> seen = new HashMap<>();
        for (Message m : messages) {
            byte[] bytes = Codec.encode(m);
            assertArrayEquals(bytes, Codec.encode(Codec.decode(Codec.type(m), bytes)), m.getClass().getSimpleName());
            assertNull(seen.put(Codec.type(m), m), "one type each");
            for (int cut = 0; cut < bytes.length; cut++) {
                byte[] shorter = Arrays.copyOf(bytes, cut);
                assertThrows(ProtocolException.class, () -> Codec.decode(Codec.type(m), shorter), m + " cut at " + cut);
            }
            assertThrows(ProtocolException.class, () -> Codec.decode(Codec.type(m), Arrays.copyOf(bytes, bytes.length + 1)));
        }
        byte[] lyingMachine = java.nio.ByteBuffer.allocate(20).putInt(1).putInt(0).putLong(0).putInt(1 << 30).array(); // a state of 1 GiB in 0 bytes
        assertThrows(ProtocolException.class, () -> Codec.decode(41, lyingMachine));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
