package hvlab.vmmm.protocol;

import hvlab.vmmm.protocol.Message.*;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Every message survives the trip; every way of lying about one is one clear error, never an OOM or a hang. */
class HostileInputTest {
    static final List<Message> EVERY_MESSAGE = List.of(
            new Hello("manager", "manager", 1), new QuoteRequest(new byte[] {1, 2, 3}),
            new QuoteReply(new byte[] {'{', '}'}, new byte[] {9}), new Call("info", List.of("c")), new Result(true, "{}"),
            new Migrate("c", "h2", "127.0.0.1:4000", true, MigrationLimits.DEFAULT),
            new Progress("pre-copy", 2, 10, 40960, 1234, 55.5, 800), new Offer("h1", new byte[] {1}, new byte[] {2}, List.of("h1"), List.of(), List.of()),
            new Accept(), new Pages(3, new int[] {0, 7}, new byte[2 * Codec.PAGE]), new Finish(new byte[] {'{', '}'}, List.of("{}")),
            new Ready(), new Commit(), new Running("h2"), new Failure("no"), new DiskOffer(1 << 20), new DiskChunk(4096, new byte[] {5, 6}),
            new VtpmKey(new byte[] {'{', '}'}), new VtpmState(new byte[] {7, 8, 9}),
            new ReplicaOffer("h1", new byte[] {1}, new byte[] {2}, List.of("h2"), List.of("h1"), List.of("{}"), 50),
            new Checkpoint(4, 2, 1234, new byte[] {'{', '}'}), new CheckpointAck(4), new Heartbeat());

    @Test
    void everyMessageGoesAndComesBackTheSame() throws Exception {
        for (Message m : EVERY_MESSAGE) {
            Message back = Codec.decode(Codec.type(m), Codec.encode(m));
            assertArrayEquals(Codec.encode(m), Codec.encode(back), m.getClass().getSimpleName());
        }
    }

    @Test
    void everyMessageCutShortOrWithBytesTooManyIsRefused() {
        for (Message m : EVERY_MESSAGE) {
            byte[] bytes = Codec.encode(m);
            for (int cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length / 50)) {
                byte[] shorter = Arrays.copyOf(bytes, cut);
                assertThrows(ProtocolException.class, () -> Codec.decode(Codec.type(m), shorter), m + " cut at " + cut);
            }
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertThrows(ProtocolException.class, () -> Codec.decode(Codec.type(m), longer), m + " with a byte too many");
        }
    }

    @Test
    void lengthsAndCountsThatLieAreRefusedBeforeAnythingIsAllocated() {
        byte[] hugeString = ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).array();
        var e = assertThrows(ProtocolException.class, () -> Codec.decode(15, hugeString));
        assertTrue(e.getMessage().contains("2147483647 bytes"), e.getMessage());
        byte[] hugeList = ByteBuffer.allocate(12).putInt(0).putInt(Integer.MAX_VALUE).array();
        assertThrows(ProtocolException.class, () -> Codec.decode(4, hugeList));
        byte[] manyPages = ByteBuffer.allocate(8).putInt(0).putInt(1_000_000).array();
        assertTrue(assertThrows(ProtocolException.class, () -> Codec.decode(10, manyPages)).getMessage().contains("1000000 pages"));
        byte[] negative = ByteBuffer.allocate(4).putInt(-5).array();
        assertThrows(ProtocolException.class, () -> Codec.decode(2, negative));
        assertTrue(assertThrows(ProtocolException.class, () -> Codec.decode(99, new byte[0])).getMessage().contains("unknown message type 99"));
        byte[] notUtf8 = ByteBuffer.allocate(6).putInt(2).put((byte) 0xff).put((byte) 0xfe).array();
        assertThrows(ProtocolException.class, () -> Codec.decode(15, notUtf8));
        byte[] badLimits = Codec.encode(new Migrate("c", "h", "a:1", false, MigrationLimits.DEFAULT));
        ByteBuffer.wrap(badLimits).putInt(badLimits.length - 24, -7); // maxRounds
        assertThrows(ProtocolException.class, () -> Codec.decode(6, badLimits));
    }

    @Test
    void randomBytesAreOnlyEverAProtocolError() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            int type = i % 2 == 0 ? random.nextInt(20) : 40 + random.nextInt(4); // migration and disks, then replication
            try {
                Codec.decode(type, bytes);
            } catch (ProtocolException expected) {
                // the only way it may fail
            }
        }
    }

    @Test
    void aFrameThatClaimsTooMuchOrNeverEndsOrIsNotOursIsAnErrorOnARealSocket() throws Exception {
        assertTrue(receiveAfter(new byte[] {(byte) 0xA7, 5, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}).contains("a frame of 2147483647 bytes"));
        assertTrue(receiveAfter(new byte[] {'G', 'E', 'T', ' ', '/', ' '}).contains("not an hvlab frame"));
        // says 100 bytes, sends 3 and then nothing: the frame's deadline ends the wait
        assertTrue(receiveAfter(new byte[] {(byte) 0xA7, 15, 0, 0, 0, 100, 1, 2, 3}).contains("no whole message within"));
        assertTrue(receiveAfter(new byte[] {(byte) 0xA7, 15, 0, 0}).contains("no whole message within"));
    }

    /** What a reader with a 300 ms frame deadline says after the peer sent {@code bytes} and went quiet. */
    private static String receiveAfter(byte[] bytes) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket accepted = server.accept();
             Frames frames = new Frames(accepted, 300)) {
            OutputStream out = client.getOutputStream();
            out.write(bytes);
            out.flush();
            return assertThrows(IOException.class, frames::receive).getMessage();
        }
    }
}
