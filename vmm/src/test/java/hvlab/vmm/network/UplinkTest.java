package hvlab.vmm.network;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static hvlab.vmm.network.VirtualSwitchTest.A;
import static hvlab.vmm.network.VirtualSwitchTest.B;
import static hvlab.vmm.network.VirtualSwitchTest.C;
import static hvlab.vmm.network.VirtualSwitchTest.frame;
import static org.junit.jupiter.api.Assertions.*;

/** Uplinks (tunnels to other hosts' switches) and the frames they carry, rule by rule. */
class UplinkTest {
    static final MacAddress REMOTE = MacAddress.parse("52:54:00:00:00:99");
    final List<String> events = new ArrayList<>();
    final VirtualSwitch net = new VirtualSwitch(events::add);

    @Test
    void floodsGoOutOnEveryUplinkAndAddressesBehindOneAreLearntThere() {
        net.attach(new VirtualSwitch.Port("a", A, "blue"));
        net.attach(new VirtualSwitch.Port("c", C, "red"));
        net.attachUplink("tunnel:h2");
        net.attachUplink("tunnel:h3");
        assertEquals(new SwitchVerdict.Delivered(List.of("tunnel:h2", "tunnel:h3"), true), net.send("a", frame(REMOTE, A, 60)));
        assertEquals(new SwitchVerdict.Delivered(List.of("a"), false), net.arrive("tunnel:h2", "blue", frame(A, REMOTE, 60)));
        assertEquals("tunnel:h2", net.portOf("blue", REMOTE));
        assertEquals(new SwitchVerdict.Delivered(List.of("tunnel:h2"), false), net.send("a", frame(REMOTE, A, 60)),
                "once learnt, straight into its tunnel");
        assertNull(net.portOf("red", REMOTE), "learnt per network");
    }

    @Test
    void whatComesInOnAnUplinkIsFloodedToLocalPortsOnlyAndOnlyOnItsNetwork() {
        net.attach(new VirtualSwitch.Port("a", A, "blue"));
        net.attach(new VirtualSwitch.Port("b", B, "blue"));
        net.attach(new VirtualSwitch.Port("c", C, "red"));
        net.attachUplink("tunnel:h2");
        net.attachUplink("tunnel:h3");
        assertEquals(new SwitchVerdict.Delivered(List.of("a", "b"), true), net.arrive("tunnel:h2", "blue",
                frame(MacAddress.BROADCAST, REMOTE, 60)), "split horizon: never back out on h3's tunnel");
        assertEquals(new SwitchVerdict.Delivered(List.of(), true), net.arrive("tunnel:h2", "green",
                frame(MacAddress.BROADCAST, REMOTE, 60)), "a network with no local port: nowhere");
    }

    @Test
    void anUplinkThatClaimsALocalAddressOrIsUnknownOrCarriesGarbageIsDropped() {
        net.attach(new VirtualSwitch.Port("a", A, "blue"));
        net.attachUplink("tunnel:h2");
        net.send("a", frame(B, A, 60));
        assertInstanceOf(SwitchVerdict.Dropped.class, net.arrive("tunnel:h2", "blue", frame(MacAddress.BROADCAST, A, 60)));
        assertEquals("a", net.portOf("blue", A), "the local VM stays where it is");
        assertEquals(1, events.size());
        assertInstanceOf(SwitchVerdict.Dropped.class, net.arrive("tunnel:h9", "blue", frame(A, REMOTE, 60)));
        assertInstanceOf(SwitchVerdict.Dropped.class, net.arrive("tunnel:h2", "blue", new byte[5]));
    }

    @Test
    void aTunnelThatGoesTakesWhatWasLearntBehindItAlong() {
        net.attach(new VirtualSwitch.Port("a", A, "blue"));
        net.attachUplink("tunnel:h2");
        net.arrive("tunnel:h2", "blue", frame(A, REMOTE, 60));
        net.detachUplink("tunnel:h2");
        assertNull(net.portOf("blue", REMOTE));
        assertEquals(new SwitchVerdict.Delivered(List.of(), true), net.send("a", frame(REMOTE, A, 60)));
    }

    @Test
    void theAnnouncementIsABroadcastFromTheVmsOwnAddress() {
        byte[] rarp = Announcement.rarp(A);
        EthernetFrame f = EthernetFrame.parse(rarp);
        assertEquals(A, f.source());
        assertTrue(f.destination().isGroup());
        assertEquals(0x80, rarp[12] & 0xFF);
        assertEquals(0x35, rarp[13] & 0xFF);
    }

    @Test
    void tunnelFramesRoundTripAndHostileOnesAreRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TunnelFrame("blue", frame(B, A, 60)).writeTo(new DataOutputStream(bytes));
        TunnelFrame back = TunnelFrame.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals("blue", back.network());
        assertArrayEquals(frame(B, A, 60), back.frame());
        assertNull(TunnelFrame.readFrom(new DataInputStream(new ByteArrayInputStream(new byte[0]))), "a clean end");
        byte[][] hostile = {
            {2, 4, 'b', 'l', 'u', 'e', 0, 60},           // another version
            {1, 0, 0, 60},                               // no name
            {1, 4, 'b', 'l', 0, 'e', 0, 60},             // a name that is not printable
            {1, 4, 'b', 'l', 'u', 'e', (byte) 0xFF, (byte) 0xFF}, // a giant
            {1, 4, 'b', 'l', 'u', 'e', 0, 5},            // a runt
            {1, 4, 'b', 'l', 'u', 'e', 0, 60, 1, 2, 3},  // cut off inside the frame
        };
        for (byte[] h : hostile) {
            assertThrows(IOException.class, () -> TunnelFrame.readFrom(new DataInputStream(new ByteArrayInputStream(h))));
        }
        assertThrows(IllegalArgumentException.class, () -> new TunnelFrame("", frame(B, A, 60)));
    }
}
