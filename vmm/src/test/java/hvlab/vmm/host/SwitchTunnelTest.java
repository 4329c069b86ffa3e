package hvlab.vmm.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static hvlab.vmm.host.SnapshotTest.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two hosts' switches joined by a tunnel over a real TCP connection on the loopback: a guest on
 * one host pings a guest on the other across it, private networks stay apart across hosts, and
 * a far side that sends garbage or forges a local address gets nowhere.
 */
class SwitchTunnelTest {
    @TempDir
    Path dir;
    Host h1;
    Host h2;

    @BeforeEach
    void open() {
        h1 = new Host("h1", dir.resolve("h1"), 1);
        h2 = new Host("h2", dir.resolve("h2"), 1);
        for (Host h : List.of(h1, h2)) {
            h.network().create("lan");
            h.network().create("dark");
        }
    }

    @AfterEach
    void close() {
        h1.close();
        h2.close();
    }

    private static void define(Host host, String vm, String guest, String network) {
        host.create(new VmSpec(vm, guest, "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, network));
        host.act(vm, PowerAction.START, "test");
    }

    private NetworkControl.Tunnel join() {
        int port = h2.network().listenForTunnels("127.0.0.1", 0, "test");
        NetworkControl.Tunnel t = h1.network().connectTunnel("127.0.0.1", port, "test");
        assertEquals("h2", t.peer());
        assertTrue(t.up());
        return t;
    }

    @Test
    void aGuestPingsAGuestOnAnotherHostThroughTheTunnelAndOtherNetworksStayApart() throws Exception {
        join();
        define(h2, "echo", "net-echo", "lan");
        define(h2, "lonely", "net-echo", "dark");
        await("the echo to be up", 10_000, () -> h2.console("echo", 0).text().contains("my MAC"));
        define(h1, "ping", "net-ping", "lan");
        await("three replies across hosts", 20_000, () -> h1.console("ping", 0).text().contains("3 replies"));
        assertTrue(h1.console("ping", 0).text().contains("reply from 10.0.0.2"), h1.console("ping", 0).text());
        assertFalse(h2.console("lonely", 0).text().contains("echo reply"), "a frame crossed to another network");
        assertEquals("tunnel:h2", h1.network().show("lan").macTable().values().stream()
                .filter(p -> p.startsWith("tunnel:")).findFirst().orElse(null), "h1 learnt the echo behind the tunnel");
        await("h2 to list its tunnel", 5_000, () -> !h2.network().tunnels().isEmpty());
        NetworkControl.Tunnel back = h2.network().tunnels().getFirst();
        assertEquals("h1", back.peer());
        assertTrue(back.sent() >= 3 && back.received() >= 3, back.toString());
    }

    @Test
    void garbageFromTheFarSideEndsTheTunnelAndNothingElse() throws Exception {
        define(h2, "echo", "net-echo", "lan");
        int port = h2.network().listenForTunnels("127.0.0.1", 0, "test");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("HVTUN1 evil\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            while (in.read() != '\n') { } // its greeting
            await("the tunnel to be listed", 5_000, () -> !h2.network().tunnels().isEmpty());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte(1);
            out.writeByte(3);
            out.write("lan".getBytes(StandardCharsets.US_ASCII));
            out.writeShort(60_000); // a giant frame
            out.flush();
            await("the tunnel to end", 5_000, () -> h2.network().tunnels().isEmpty());
            while (in.read() >= 0) { } // the echo's announcement may come first; then h2 closes the connection

        }
        assertEquals("running", h2.info("echo").state());
    }

    @Test
    void aFarSideThatClaimsALocalVmsAddressIsDroppedAndSomethingThatIsNoTunnelIsTurnedAway() throws Exception {
        define(h2, "echo", "net-echo", "lan");
        await("the echo to be up", 10_000, () -> h2.console("echo", 0).text().matches("(?s).*my MAC ([0-9a-f]{2}:){5}[0-9a-f]{2}.*"));
        String console = h2.console("echo", 0).text();
        String mac = console.substring(console.indexOf("my MAC ") + 7, console.indexOf("my MAC ") + 24);
        int port = h2.network().listenForTunnels("127.0.0.1", 0, "test");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("HVTUN1 evil\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            while (in.read() != '\n') { }
            await("the tunnel to be listed", 5_000, () -> !h2.network().tunnels().isEmpty());
            byte[] frame = new byte[60];
            java.util.Arrays.fill(frame, 0, 6, (byte) 0xFF);
            byte[] forged = hvlab.vmm.network.MacAddress.parse(mac).bytes();
            System.arraycopy(forged, 0, frame, 6, 6);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte(1);
            out.writeByte(3);
            out.write("lan".getBytes(StandardCharsets.US_ASCII));
            out.writeShort(frame.length);
            out.write(frame);
            out.flush();
            await("the frame to arrive", 5_000, () -> h2.network().tunnels().getFirst().received() == 1);
            assertEquals("echo", h2.network().show("lan").macTable().get(mac), "the switch still knows the echo is local");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            while (in.read() >= 0) { } // greeted, then closed
        }
        HostException e = assertThrows(HostException.class, () -> h1.network().connectTunnel("127.0.0.1", 1, "test"));
        assertTrue(e.getMessage().startsWith("no tunnel to 127.0.0.1:1: "), e.getMessage());
    }
}
