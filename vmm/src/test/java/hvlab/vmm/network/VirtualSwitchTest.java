package hvlab.vmm.network;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The switch's rules, frame by frame: learning, flooding, private networks, port security, mirrors, hostile frames. */
class VirtualSwitchTest {
    static final MacAddress A = MacAddress.parse("52:54:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("52:54:00:00:00:0b");
    static final MacAddress C = MacAddress.parse("52:54:00:00:00:0c");
    final List<String> events = new ArrayList<>();
    final VirtualSwitch net = new VirtualSwitch(events::add);

    static byte[] frame(MacAddress to, MacAddress from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (to.bits() >>> (40 - 8 * i));
            bytes[6 + i] = (byte) (from.bits() >>> (40 - 8 * i));
        }
        bytes[12] = 0x08;
        return bytes;
    }

    void three() {
        net.attach(new VirtualSwitch.Port("a", A, "blue"));
        net.attach(new VirtualSwitch.Port("b", B, "blue"));
        net.attach(new VirtualSwitch.Port("c", C, "red"));
    }

    @Test
    void anUnknownDestinationIsFloodedWithinItsNetworkThenLearnt() {
        three();
        assertEquals(new SwitchVerdict.Delivered(List.of("b"), true), net.send("a", frame(B, A, 60)),
                "flooded, but only to blue: c is on red");
        assertEquals("a", net.portOf("blue", A));
        assertEquals(new SwitchVerdict.Delivered(List.of("a"), false), net.send("b", frame(A, B, 60)), "a was learnt");
        assertEquals(new SwitchVerdict.Delivered(List.of("b"), true), net.send("a", frame(MacAddress.BROADCAST, A, 60)));
    }

    @Test
    void privateNetworksNeverMeetWhateverTheAddressesSay() {
        three();
        net.send("c", frame(A, C, 60)); // red learns c; it may not reach a on blue
        SwitchVerdict toA = net.send("c", frame(A, C, 60));
        assertEquals(new SwitchVerdict.Delivered(List.of(), true), toA, "flooded to nobody: c is alone on red");
        assertNull(net.portOf("blue", C));
    }

    @Test
    void aSpoofedSourceIsDroppedAndReported() {
        three();
        SwitchVerdict spoofed = net.send("b", frame(MacAddress.BROADCAST, A, 60));
        assertInstanceOf(SwitchVerdict.Dropped.class, spoofed);
        assertEquals(1, events.size());
        assertTrue(events.getFirst().contains("spoofing"), events.toString());
        assertNull(net.portOf("blue", A), "nothing was learnt from it");
    }

    @Test
    void withPortSecurityOffAForgerTakesOverAnAddressOnItsNetworkOnly() {
        three();
        net.portSecurity("blue", false);
        assertFalse(net.portSecurity("blue"));
        assertTrue(net.portSecurity("red"), "one network's setting is its own");
        assertEquals(new SwitchVerdict.Delivered(List.of("a"), true), net.send("b", frame(MacAddress.BROADCAST, A, 60)));
        assertEquals("b", net.portOf("blue", A), "the switch now sends a's traffic to the forger");
        assertTrue(events.isEmpty(), "and nobody is told");
        assertInstanceOf(SwitchVerdict.Dropped.class, net.send("c", frame(MacAddress.BROADCAST, A, 60)), "red still checks");
        net.portSecurity("blue", true);
        assertInstanceOf(SwitchVerdict.Dropped.class, net.send("b", frame(MacAddress.BROADCAST, A, 60)));
    }

    @Test
    void runtsGiantsAndUnknownPortsAreDropped() {
        three();
        assertInstanceOf(SwitchVerdict.Dropped.class, net.send("a", new byte[5]));
        assertInstanceOf(SwitchVerdict.Dropped.class, net.send("a", frame(B, A, EthernetFrame.MAX + 1)));
        assertInstanceOf(SwitchVerdict.Dropped.class, net.send("nobody", frame(B, A, 60)));
        assertThrows(IllegalArgumentException.class, () -> net.attach(new VirtualSwitch.Port("m", MacAddress.BROADCAST, "blue")));
    }

    @Test
    void aMirrorSeesEveryFrameOfItsNetworkAndADetachedPortIsForgotten() {
        three();
        List<String> seen = new ArrayList<>();
        net.mirror("blue", (network, from, frame) -> seen.add(from + ">" + frame.destination()));
        net.send("a", frame(B, A, 60));
        net.send("c", frame(A, C, 60));
        assertEquals(List.of("a>" + B), seen, "red's frame is not blue's mirror's business");
        net.detach("a");
        assertNull(net.portOf("blue", A));
    }
}
