package hvlab.tui.language;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.tui.ExitStatus;
import hvlab.vmm.host.Host;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The {@code net} commands and {@code vm attach} on a real host with real guests: text, JSON, one-line errors, a pcap tcpdump reads. */
class NetCommandsTest {
    @TempDir
    Path dir;
    Host host;
    Interpreter script;

    @BeforeEach
    void open() {
        host = new Host("local", dir.resolve("store"), 2);
        script = new Interpreter(host, Place.SCRIPT);
    }

    @AfterEach
    void close() {
        host.close();
    }

    Outcome ok(String line) {
        Outcome o = script.execute(line);
        assertTrue(o.ok(), line + " -> " + o);
        return o;
    }

    void fails(String line, int status, String error) {
        Outcome o = script.execute(line);
        assertEquals(status, o.status(), line + " -> " + o);
        assertEquals(error, o.error());
    }

    @Test
    void networksAreCreatedListedAndJoined() throws Exception {
        assertEquals("no networks (try 'net create lan')", ok("net list").text());
        assertEquals("created network lan", ok("net create lan").text());
        ok("vm create a --guest net-echo --mem 4M --net lan");
        ok("vm create b --guest net-echo --mem 4M");
        assertTrue(ok("vm attach b lan").text().matches("b attached to lan \\(MAC 52:54:00:[0-9a-f:]{8}\\)"));
        assertEquals("""
                NETWORK      MIRROR   VMS (* running)
                lan          -        a b""", ok("net list").text());
        JsonNode lan = new ObjectMapper().readTree(ok("net show lan --json").text());
        assertEquals("lan", lan.get("name").asText());
        assertEquals(2, lan.get("ports").size());
        assertFalse(lan.get("ports").get(0).get("up").asBoolean());
        assertTrue(ok("net show").text().startsWith("network lan\n  PORT "));
        assertTrue(ok("vm history b").text().contains("its NIC plugged into network lan"));
        assertTrue(ok("vm info b").text().matches("(?s).*network: +lan \\(NIC 52:54:00:.*"), ok("vm info b").text());
        assertEquals("lan", new ObjectMapper().readTree(ok("vm info b --json").text()).get("network").asText());
        assertEquals("b has no network card now", ok("vm detach b").text());
        fails("vm detach b", ExitStatus.BAD_INPUT, "'b' has no network card");
        assertFalse(ok("vm info b").text().contains("network"));
        assertTrue(ok("vm history b").text().contains("its NIC taken off network lan"));
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        fails("net show nowhere", ExitStatus.BAD_INPUT, "no network named 'nowhere' on host local (net create nowhere)");
        fails("vm create a --guest net-echo --net nowhere", ExitStatus.BAD_INPUT, "no network named 'nowhere' on host local (net create nowhere)");
        ok("net create lan");
        fails("net create lan", ExitStatus.BAD_INPUT, "a network named 'lan' already exists");
        fails("net mirror lan --to tap0", ExitStatus.USAGE, "net mirror: --to tap0: the host has one mirror target, 'ids'");
        Path rules = dir.resolve("rules");
        Files.writeString(rules, "# a comment\nalert udp any any -> any (msg:\"x\";)\n");
        fails("net mirror lan --to ids --rules " + rules, ExitStatus.BAD_INPUT,
                "IDS rule 1: not a rule: expected 'alert PROTO SRC SPORT -> DST DPORT (msg:\"...\";)'");
        fails("net capture a x.pcap", ExitStatus.USAGE, "net capture: give one end, --count N or --for D");
        fails("net capture a x.pcap --count 3 --for 2s", ExitStatus.USAGE, "net capture: give one end, --count N or --for D");
        fails("net capture a x.pcap --count 0", ExitStatus.USAGE, "net capture: --count must be at least 1, not 0");
        assertEquals("net capture needs a host that keeps running: use 'hv shell' or 'hv script FILE'",
                Interpreter.check("net capture a x.pcap --count 3", Place.ONE_SHOT).error());
    }

    @Test
    void aMirrorAlertsOnAScanAndACaptureReadsBackInTcpdump() throws Exception {
        ok("net create lan");
        Path rules = dir.resolve("rules");
        Files.writeString(rules, "alert udp any any -> 10.0.0.2 1:10 (msg:\"udp to a low port\";)\n");
        assertEquals("network lan mirrored to the IDS (port-scan detector and 1 rule)", ok("net mirror lan --to ids --rules " + rules).text());
        ok("vm create echo --guest net-echo --mem 4M --net lan");
        ok("vm create ping --guest net-ping --mem 4M --net lan");
        ok("vm create scan --guest port-scan --mem 4M --net lan");
        ok("vm start echo");
        ok("wait echo --console 'my MAC' --timeout 10s");
        ok("vm start ping");
        Path pcap = dir.resolve("ping.pcap");
        assertEquals("captured 4 frames of echo into " + pcap, ok("net capture echo " + pcap + " --count 4").text());
        Process tcpdump = new ProcessBuilder("tcpdump", "-n", "-r", pcap.toString()).redirectErrorStream(true).start();
        String out = new String(tcpdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tcpdump.waitFor(), out);
        assertEquals(2, out.lines().filter(l -> l.contains("ICMP echo request")).count(), out);
        assertEquals(2, out.lines().filter(l -> l.contains("ICMP echo reply")).count(), out);
        ok("vm start scan");
        ok("wait scan --state defined --timeout 10s");
        String alerts = ok("net alerts").text();
        assertTrue(alerts.contains("lan/scan  udp to a low port  [udp 10.0.0.66:40000 -> 10.0.0.2:1]"), alerts);
        assertTrue(alerts.contains("lan/scan  port scan: 10.0.0.66 tried 16 ports within 2000 ms"), alerts);
        assertEquals(11, new ObjectMapper().readTree(ok("net alerts --json").text()).size(), "ten rule hits and the scan");
        ok("wait ping --console '3 replies' --timeout 10s");
    }
}
