package hvlab.tui;

import hvlab.vmm.host.Host;
import hvlab.vmmm.host.HostServer;
import hvlab.vmmm.manager.HostRegistry;
import hvlab.vmmm.tls.DatacenterCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code hv dc ...} as typed, against two real hosts serving over TLS on loopback in this JVM. */
class DcCommandTest {
    @TempDir
    Path dir;

    record Outcome(int status, String out, String err) {}

    static Outcome hv(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void initHostsVmAndMigrateAsTypedAndEachMistakeIsOneLine() throws Exception {
        String dc = dir.resolve("dc").toString();
        assertEquals(ExitStatus.USAGE, hv("dc", "hosts", "--dc", dc).status(), "no CA yet");
        assertEquals(0, hv("dc", "init", dc).status());
        Outcome again = hv("dc", "init", dc);
        assertEquals(ExitStatus.USAGE, again.status());
        assertEquals(1, again.err().lines().count(), again.err());
        assertTrue(again.err().contains("already holds a datacenter CA"));

        DatacenterCa ca = DatacenterCa.open(dir.resolve("dc"));
        try (Host h1 = new Host("h1", dir.resolve("h1"), 1); Host h2 = new Host("h2", dir.resolve("h2"), 1);
             HostServer s1 = new HostServer(h1, ca, InetAddress.getLoopbackAddress(), 0, -1);
             HostServer s2 = new HostServer(h2, ca, InetAddress.getLoopbackAddress(), 0, -1)) {
            HostRegistry.register(ca.folder(), "h1", s1.address(), null);
            HostRegistry.register(ca.folder(), "h2", s2.address(), null);
            Outcome hosts = hv("dc", "hosts", "--dc", dc);
            assertEquals(0, hosts.status(), hosts.err());
            assertTrue(hosts.out().contains("h1") && hosts.out().contains("h2") && hosts.out().contains("trusted"), hosts.out());

            assertEquals(0, hv("dc", "vm", "h1", "create", "c", "counter", "--dc", dc).status());
            assertEquals(0, hv("dc", "vm", "h1", "start", "c", "--dc", dc).status());
            Outcome moved = hv("dc", "migrate", "c", "--to", "h2", "--dc", dc);
            assertEquals(0, moved.status(), moved.err());
            assertTrue(moved.out().contains("pre-copy      round 0"), moved.out());
            assertTrue(moved.out().contains("migrated c from h1 to h2 over TLS: downtime"), moved.out());
            assertTrue(hv("dc", "vm", "h2", "info", "c", "--dc", dc).out().contains("\"state\":\"running\""));
            Outcome back = hv("dc", "migrate", "c", "--to", "h1", "--json", "--dc", dc);
            assertEquals(0, back.status(), back.err());
            var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(back.out());
            assertEquals("h2", report.get("from").asText());
            assertTrue(report.get("downtimeMicros").asLong() > 0 && report.get("rounds").size() >= 2, back.out());
            var listed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hv("dc", "hosts", "--json", "--dc", dc).out());
            assertEquals(2, listed.size());
            assertEquals("trusted", listed.get(0).get("verdict").asText());

            Outcome nowhere = hv("dc", "migrate", "c", "--to", "h9", "--dc", dc);
            assertEquals(ExitStatus.BAD_INPUT, nowhere.status());
            assertEquals("hv: no host named 'h9' in the datacenter (hosts: h1, h2)\n", nowhere.err());
            Outcome gone = hv("dc", "vm", "h2", "info", "c", "--dc", dc);
            assertEquals(ExitStatus.BAD_INPUT, gone.status());
            assertEquals("hv: no VM named 'c' on host h2\n", gone.err());

            s2.close();
            Outcome down = hv("dc", "migrate", "c", "--to", "h2", "--dc", dc);
            assertEquals(ExitStatus.UNAVAILABLE, down.status());
            assertEquals(1, down.err().lines().count(), down.err());
            assertTrue(down.err().startsWith("hv: host h2 at "), down.err());
            assertEquals("running", h1.info("c").state(), "nothing happened to the VM");
        }
    }
}
