package hvlab.vmm.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static hvlab.vmm.host.SnapshotTest.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Real guests under Unicorn on one host's switch: two exchange pings, a third on another private
 * network hears nothing, a forger is dropped and logged, a port scan trips the IDS on a mirror,
 * and a capture is a pcap that tcpdump reads.
 */
class HostNetworkTest {
    @TempDir
    Path dir;
    Host host;

    @BeforeEach
    void open() {
        host = new Host("local", dir.resolve("store"), 2);
        host.network().create("lan");
    }

    @AfterEach
    void close() {
        host.close();
    }

    private String console(String vm) {
        return host.console(vm, 0).text();
    }

    private void define(String vm, String guest, String network) {
        host.create(new VmSpec(vm, guest, "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, network));
    }

    private void start(String... vms) {
        for (String vm : vms) host.act(vm, PowerAction.START, "test");
    }

    private static String mac(String console) {
        int at = console.indexOf("my MAC ");
        assertTrue(at >= 0, console);
        return console.substring(at + 7, at + 24);
    }

    @Test
    void twoGuestsPingAndAThirdOnAnotherNetworkHearsNothing() throws Exception {
        host.network().create("dark");
        define("echo", "net-echo", "lan");
        define("ping", "net-ping", "lan");
        define("lonely", "net-ping", "dark");
        start("echo", "lonely", "ping");
        await("three replies", 20_000, () -> console("ping").contains("3 replies"));
        String ping = console("ping");
        assertTrue(ping.contains("reply from 10.0.0.2 (" + mac(console("echo")) + "): seq 3, 98 bytes"), ping);
        String echo = console("echo");
        assertTrue(echo.contains("echo reply to " + mac(ping) + ", 98 bytes"), echo);
        await("the lonely ping to be on its port", 10_000, () -> console("lonely").contains("my MAC"));
        Thread.sleep(300); // it has sent its first request by now; none can cross to lan
        assertFalse(echo.contains(mac(console("lonely"))), "a frame crossed from one private network to another:\n" + echo);
        assertFalse(console("lonely").contains("reply from"));
        NetworkControl.Network lan = host.network().show("lan");
        assertEquals(List.of("echo", "ping"), lan.ports().stream().map(NetworkControl.Port::vm).toList());
        assertEquals("echo", lan.macTable().get(mac(echo)), "the switch learnt where the echo is");
        assertTrue(lan.ports().getFirst().rxFrames() >= 3, lan.toString());
        assertEquals(List.of("lonely"), host.network().show("dark").ports().stream().map(NetworkControl.Port::vm).toList());
    }

    @Test
    void aForgedSourceIsDroppedAndLogged() throws Exception {
        define("echo", "net-echo", "lan");
        define("spoof", "arp-spoof", "lan");
        start("echo", "spoof");
        await("the forger to finish", 15_000, () -> host.info("spoof").state().equals("defined"));
        assertTrue(console("spoof").contains("claimed 10.0.0.2 three times"), console("spoof"));
        await("the history event", 5_000, () -> host.history("spoof").stream().anyMatch(l -> l.contains("net-spoofed")));
        String event = host.history("spoof").stream().filter(l -> l.contains("net-spoofed")).findFirst().orElseThrow();
        assertTrue(event.contains("52:54:00:66:66:66"), event);
        assertTrue(host.secureLog().stream().anyMatch(r -> r.kind().equals("net-spoofed") && r.vm().equals("spoof")));
        assertEquals(0, host.network().show("lan").ports().getFirst().rxFrames(), "the echo never saw a forged frame");
        NetworkControl.Port spoof = host.network().show("lan").ports().get(1);
        assertEquals(3, spoof.spoofed(), "kept after the forger stopped: " + spoof);
        assertFalse(spoof.up());
    }

    @Test
    void aPortScanOnAMirroredNetworkRaisesAnIdsAlert() throws Exception {
        host.network().mirror("lan", List.of("alert udp any any -> 10.0.0.2 7 (msg:\"udp to echo\";)"), "test");
        define("victim", "net-echo", "lan");
        define("scanner", "port-scan", "lan");
        start("victim", "scanner");
        await("the port-scan alert", 15_000, () -> host.network().alerts().stream().anyMatch(a -> a.message().startsWith("port scan")));
        List<NetworkControl.Alert> alerts = host.network().alerts();
        assertTrue(alerts.stream().anyMatch(a -> a.message().equals("udp to echo") && a.port().equals("scanner")), alerts.toString());
        await("the alert in the scanner's history", 5_000,
                () -> host.history("scanner").stream().anyMatch(l -> l.contains("ids-alert") && l.contains("port scan")));
        assertTrue(host.network().show("lan").mirrored());
        try (Host again = reopen()) {
            assertTrue(again.network().show("lan").mirrored(), "the mirror is kept in the store");
        }
    }

    private Host reopen() {
        host.close();
        Host again = new Host("local", dir.resolve("store"), 1);
        host = new Host("local", dir.resolve("other"), 1); // for close() in @AfterEach
        return again;
    }

    @Test
    void aCaptureIsAPcapThatTcpdumpReads() throws Exception {
        define("echo", "net-echo", "lan");
        define("ping", "net-ping", "lan");
        start("echo");
        await("the echo to listen", 10_000, () -> console("echo").contains("my MAC"));
        Path pcap = dir.resolve("echo.pcap");
        CompletableFuture<NetworkControl.CaptureResult> capture = CompletableFuture.supplyAsync(() -> {
            try {
                return host.network().capture("echo", pcap, 6, Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        start("ping");
        NetworkControl.CaptureResult result = capture.get(30, TimeUnit.SECONDS);
        assertEquals(6, result.frames());
        Process tcpdump = new ProcessBuilder("tcpdump", "-n", "-r", pcap.toString()).redirectErrorStream(true).start();
        String out = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tcpdump.waitFor(), out);
        assertTrue(out.contains("10.0.0.1 > 10.0.0.2: ICMP echo request"), out);
        assertTrue(out.contains("10.0.0.2 > 10.0.0.1: ICMP echo reply"), out);
        assertFalse(out.contains("bad cksum") || out.contains("wrong"), out);
    }

    @Test
    void anEchoRevertedToASnapshotTakesUpItsRingsAndAnswersAgain() throws Exception {
        define("echo", "net-echo", "lan");
        define("ping", "net-ping", "lan");
        start("echo");
        await("the echo to listen", 10_000, () -> console("echo").contains("my MAC"));
        host.snapshot("echo", "listening", "test");
        start("ping");
        await("three replies", 20_000, () -> console("ping").contains("3 replies"));
        await("the ping to end", 10_000, () -> host.info("ping").state().equals("defined"));
        host.revert("echo", "listening", "test"); // the NIC's registers and ring heads come back with RAM
        start("ping");
        await("three replies after the revert", 20_000, () -> console("ping").contains("3 replies"));
        NetworkControl.Port echo = host.network().show("lan").ports().getFirst();
        assertNull(echo.nicError(), echo.toString());
    }

    @Test
    void aLyingDriverUnderUnicornGetsErrorCodesAndTheVmRunsOn() throws Exception {
        define("liar", "nic-hostile", "lan");
        start("liar");
        await("the liar to finish", 15_000, () -> host.info("liar").state().equals("defined"));
        assertEquals("""
                ring in the VMM's region: error 1
                buffer in the VMM's region: error 4
                a 64 KiB giant: error 5
                rings on top of each other: error 3
                the card is fine after a reset: status 1
                """, console("liar"));
        assertTrue(host.info("liar").lastExit().startsWith("debug-exit"), host.info("liar").lastExit());
    }

    @Test
    void aSnapshotRevertsAfterTheNicWasPluggedInOrTakenAway() throws Exception {
        define("echo", "net-echo", null);
        start("echo");
        await("the echo to boot", 10_000, () -> console("echo").contains("my MAC ff:ff:ff:ff:ff:ff")); // no card: the ports float
        host.snapshot("echo", "unplugged", "test");
        host.act("echo", PowerAction.POWEROFF, "test");
        host.network().attach("echo", "lan", "test");
        host.revert("echo", "unplugged", "test");
        assertEquals("running", host.info("echo").state());
        host.snapshot("echo", "plugged", "test"); // now with the card's state
        host.act("echo", PowerAction.POWEROFF, "test");
        host.network().detach("echo", "test");
        host.revert("echo", "plugged", "test"); // the card's state is left behind
        assertEquals("running", host.info("echo").state());
    }

    @Test
    void mistakesAreOneLine() {
        HostException e = assertThrows(HostException.class, () -> define("x", "net-echo", "nowhere"));
        assertEquals("no network named 'nowhere' on host local (net create nowhere)", e.getMessage());
        assertEquals("a network named 'lan' already exists", assertThrows(HostException.class, () -> host.network().create("lan")).getMessage());
        define("e", "net-echo", null);
        start("e");
        assertTrue(assertThrows(HostException.class, () -> host.network().attach("e", "lan", "test")).getMessage()
                .startsWith("cannot attach 'e' while it is running"));
        assertTrue(assertThrows(HostException.class, () -> host.network().mirror("lan", List.of("alert bogus"), "test")).getMessage()
                .startsWith("IDS rule 1: not a rule"));
        assertEquals("a capture needs an end: --count N or --for D",
                assertThrows(HostException.class, () -> host.network().capture("e", dir.resolve("x.pcap"), 0, null)).getMessage());
    }
}
