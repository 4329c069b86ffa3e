package hvlab.vmm.network;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The IDS on a mirror port: rules as Snort writes them, the port-scan detector, and frames that lie about their lengths. */
class IdsTest {
    static final int A = 10 << 24 | 2;         // 10.0.0.2
    static final int B = 10 << 24 | 3;         // 10.0.0.3

    /** An Ethernet frame carrying IPv4 UDP from {@code src}:sport to {@code dst}:dport with {@code payload}. */
    static byte[] udp(int src, int sport, int dst, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        b.put(VirtualSwitchTest.frame(VirtualSwitchTest.B, VirtualSwitchTest.A, 14), 0, 12).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length)).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    @Test
    void aRuleMatchesProtocolAddressesPortsAndContent() {
        IdsRule rule = IdsRule.parse("alert udp any any -> 10.0.0.3 1:1024 (msg:\"secret to a low port\"; content:\"pass|3a|\";)");
        Packet hit = Packet.of(EthernetFrame.parse(udp(A, 5000, B, 53, "user pass:1234".getBytes())));
        assertTrue(rule.matches(hit));
        assertFalse(rule.matches(Packet.of(EthernetFrame.parse(udp(A, 5000, B, 2000, "pass:1".getBytes())))), "port 2000 > 1024");
        assertFalse(rule.matches(Packet.of(EthernetFrame.parse(udp(A, 5000, A, 53, "pass:1".getBytes())))), "another destination");
        assertFalse(rule.matches(Packet.of(EthernetFrame.parse(udp(A, 5000, B, 53, "hello".getBytes())))), "no content");
        assertThrows(IllegalArgumentException.class, () -> IdsRule.parse("alert udp any any -> any any (content:\"x\";)"), "no msg");
        assertThrows(IllegalArgumentException.class, () -> IdsRule.parse("alert udp any 70000 -> any any (msg:\"x\";)"));
        assertThrows(IllegalArgumentException.class, () -> IdsRule.parse("drop everything"));
    }

    @Test
    void aScanOfManyPortsRaisesOneAlertAndAClientNone() {
        List<Ids.Alert> alerts = new ArrayList<>();
        long[] now = {0};
        Ids ids = new Ids(List.of(), 20, 5_000_000_000L, () -> now[0], alerts::add);
        for (int i = 0; i < 50; i++) {
            now[0] += 10_000_000;
            ids.frame("blue", "client", EthernetFrame.parse(udp(B, 4000, A, 53, new byte[0])));
        }
        assertEquals(List.of(), alerts, "fifty packets to one port are a client");
        for (int port = 1; port <= 100; port++) {
            now[0] += 10_000_000;
            ids.frame("blue", "scanner", EthernetFrame.parse(udp(A, 4000, B, port, new byte[0])));
        }
        assertEquals(1, alerts.size(), alerts.toString());
        assertTrue(alerts.getFirst().message().startsWith("port scan: 10.0.0.2 tried 20 ports"), alerts.toString());
        assertEquals("scanner", alerts.getFirst().port());
    }

    @Test
    void framesThatLieAboutTheirLengthsAreNeverReadPastTheirEnd() {
        Random random = new Random(5);
        byte[] good = udp(A, 1, B, 2, "payload".getBytes());
        Ids ids = new Ids(List.of(IdsRule.parse("alert ip any any -> any any (msg:\"any\";)")), 3, 1_000_000_000L, () -> 0, a -> { });
        for (int round = 0; round < 20_000; round++) {
            byte[] bad = good.clone();
            for (int hits = 1 + random.nextInt(4); hits > 0; hits--) {
                bad[14 + random.nextInt(bad.length - 14)] = (byte) random.nextInt(256);
            }
            ids.frame("blue", "p", EthernetFrame.parse(bad)); // must not throw
        }
        assertNull(Packet.of(EthernetFrame.parse(java.util.Arrays.copyOf(good, 30))), "cut short: no packet");
    }
}
