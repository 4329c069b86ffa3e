package hvlab.vmm.gdb;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The framing: checksums, escaping, acknowledgements, and what a hostile byte stream makes of the reader. */
class RspTest {

    private static Incoming first(String wire) throws IOException {
        return new PacketReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1))).next();
    }

    @Test
    void framesWithTheChecksumGdbExpects() {
        // gdb manual: "$g#67" is the packet that reads all registers.
        assertEquals("$g#67", new String(Rsp.frame("g"), StandardCharsets.ISO_8859_1));
        assertEquals("$OK#9a", new String(Rsp.frame("OK"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void escapesTheFourSpecialBytesBothWays() throws IOException {
        String body = "a$b#c*d}e";
        String wire = new String(Rsp.frame(body), StandardCharsets.ISO_8859_1);
        assertFalse(wire.substring(1, wire.indexOf('#', wire.length() - 3)).contains("$"));
        assertEquals(new Incoming.Packet(body), first(wire));
    }

    @Test
    void readsPacketsAcksAndCtrlC() throws IOException {
        PacketReader reader = new PacketReader(new ByteArrayInputStream("+-\u0003junk$qC#b4".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(new Incoming.Ack(), reader.next());
        assertEquals(new Incoming.Nack(), reader.next());
        assertEquals(new Incoming.Interrupt(), reader.next());
        assertEquals(new Incoming.Packet("qC"), reader.next());
        assertEquals(new Incoming.End(), reader.next());
    }

    @Test
    void aBadChecksumIsDamagedNotTrusted() throws IOException {
        assertInstanceOf(Incoming.Damaged.class, first("$g#00"));
        assertInstanceOf(Incoming.Damaged.class, first("$g#zz"));
        assertEquals(new Incoming.End(), first("$g#6"));
        assertEquals(new Incoming.End(), first("$gggg"));
    }

    @Test
    void aHugePacketIsSkippedWithoutBeingKept() throws IOException {
        String huge = "M1000,1:" + "0".repeat(10 * Rsp.MAX_BODY);
        PacketReader reader = new PacketReader(new ByteArrayInputStream(
                (new String(Rsp.frame(huge), StandardCharsets.ISO_8859_1) + "$g#67").getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(new Incoming.TooLong(), reader.next());
        assertEquals(new Incoming.Packet("g"), reader.next());
    }

    @Test
    void aPacketStartedAgainKeepsOnlyTheSecond() throws IOException {
        assertEquals(new Incoming.Packet("g"), first("$m10$g#67"));
    }

    @Test
    void registersTravelLittleEndian() {
        assertEquals("78563412", Rsp.littleEndian(0x12345678));
        assertEquals(0x12345678, Rsp.fromLittleEndian("78563412"));
        assertThrows(IllegalArgumentException.class, () -> Rsp.fromLittleEndian("7856"));
        assertThrows(IllegalArgumentException.class, () -> Rsp.unhex("abc"));
        assertThrows(IllegalArgumentException.class, () -> Rsp.unhex("zz"));
    }
}
