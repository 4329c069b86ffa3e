package hvlab.vmmm.attack;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static hvlab.vmmm.Waits.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Oberheide et al. (2008) on hvlab: a relay on the path of a migration. In plaintext it rewrites
 * the guest's memory in transit and the VM arrives changed; over TLS it can only break records,
 * the migration fails, and the VM runs on at the source, unchanged.
 */
class MitmTest {
    @TempDir
    Path dir;

    @Test
    void inPlaintextTheAttackerRewritesTheGuestAndWithTlsTheMigrationAbortsAndTheSourceRunsOn() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 2, 1, true)) {
            Host h1 = dc.host("h1");
            h1.create(VmSpec.of("c", "counter"));
            h1.act("c", PowerAction.START, "test");
            await(() -> h1.console("c", 0).text().contains("count 2"));
            List<String> seen = new CopyOnWriteArrayList<>();

            try (MitmProxy tls = new MitmProxy(0, dc.server("h2").address(), "count ", "owned ", seen::add)) {
                var e = assertThrows(IllegalArgumentException.class, () -> dc.manager().migrate("c", "h1", "h2", false,
                        MigrationLimits.DEFAULT, p -> { }, tls.address()));
                assertTrue(e.getMessage().contains("runs on on h1"), e.getMessage());
                assertEquals(0, tls.rewritten(), "nothing readable in a TLS stream");
            }
            assertEquals("running", h1.info("c").state());
            assertFalse(dc.host("h2").hasVm("c"));
            assertTrue(seen.stream().anyMatch(s -> s.startsWith("TLS stream")), seen.toString());

            try (MitmProxy plain = new MitmProxy(0, dc.server("h2").insecureAddress(), "count ", "owned ", seen::add)) {
                dc.manager().migrate("c", "h1", "h2", true, MigrationLimits.DEFAULT, p -> { }, plain.address());
                assertTrue(plain.rewritten() > 0, seen.toString());
            }
            Host h2 = dc.host("h2");
            await(() -> h2.console("c", 0).text().contains("owned "));
            // the target's history says the VM came from a peer that proved nothing
            await(() -> String.join("\n", h2.history("c")).contains("unauthenticated"));
        }
    }
}
