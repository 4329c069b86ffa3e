package hvlab.tui;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.host.HostServer;
import hvlab.vmmm.manager.HostRegistry;
import hvlab.vmmm.tls.DatacenterCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static hvlab.tui.DcCommandTest.hv;
import static org.junit.jupiter.api.Assertions.*;

/** {@code hv dc balance|place|where|patches|patch|quarantine} as typed, against hosts serving over TLS in this JVM. */
class DcManagerCommandTest {
    @TempDir
    Path dir;

    @Test
    void placementBalancingAndPatchingFromTheCommandLine() throws Exception {
        String dc = dir.resolve("dc").toString();
        assertEquals(0, hv("dc", "init", dc).status());
        DatacenterCa ca = DatacenterCa.open(dir.resolve("dc"));
        try (Host h1 = new Host("h1", dir.resolve("h1"), 1); Host h2 = new Host("h2", dir.resolve("h2"), 1);
             HostServer s1 = new HostServer(h1, ca, InetAddress.getLoopbackAddress(), 0, -1);
             HostServer s2 = new HostServer(h2, ca, InetAddress.getLoopbackAddress(), 0, -1)) {
            HostRegistry.register(ca.folder(), "h1", s1.address(), null);
            HostRegistry.register(ca.folder(), "h2", s2.address(), null);
            h1.create(VmSpec.of("c", "counter"));
            h1.act("c", PowerAction.START, "test");

            var placed = hv("dc", "place", "c", "h1", "--dc", dc);
            assertEquals(0, placed.status(), placed.err());
            var refused = hv("dc", "migrate", "c", "--to", "h2", "--dc", dc);
            assertEquals(ExitStatus.BAD_INPUT, refused.status());
            assertEquals("hv: 'c' may run only on h1 (its placement policy), not on h2\n", refused.err());
            assertTrue(h1.hasVm("c") && !h2.hasVm("c"));
            var leftOut = hv("dc", "place", "c", "h2", "--dc", dc);
            assertEquals(ExitStatus.BAD_INPUT, leftOut.status());
            assertEquals(1, leftOut.err().lines().count(), leftOut.err());
            assertTrue(leftOut.err().contains("runs on h1, which the new policy leaves out"), leftOut.err());
            assertEquals(ExitStatus.BAD_INPUT, hv("dc", "place", "c", "../etc", "--dc", dc).status());
            var where = hv("dc", "where", "c", "--dc", dc);
            assertTrue(where.out().contains("has been on: h1") && where.out().contains("may run on:  h1"), where.out());

            var plan = hv("dc", "balance", "--dry-run", "--dc", dc);
            assertEquals(0, plan.status(), plan.err());
            assertTrue(plan.out().startsWith("imbalance (standard deviation of host loads)"), plan.out());

            assertTrue(hv("dc", "patches", "--dc", dc).out().contains("missing HVSA-2026-002"));
            var patched = hv("dc", "patch", "c", "HVSA-2026-002", "--dc", dc);
            assertEquals(0, patched.status(), patched.err());
            assertTrue(hv("dc", "patches", "c", "--dc", dc).out().contains("up to date"));
            var unknown = hv("dc", "patch", "c", "HVSA-1999-001", "--dc", dc);
            assertEquals(ExitStatus.BAD_INPUT, unknown.status());
            assertTrue(unknown.err().startsWith("hv: no patch HVSA-1999-001 in the catalog"), unknown.err());

            Files.writeString(dir.resolve("dc").resolve("affinity.rules"), "close a b\n");
            var badRules = hv("dc", "balance", "--dc", dc);
            assertEquals(ExitStatus.BAD_INPUT, badRules.status());
            assertEquals("hv: rule 1 'close a b': 'close' is neither together nor apart\n", badRules.err());
        }
    }
}
