package hvlab.vmmm.manager;

import hvlab.vmm.attestation.ReferencePolicy;
import hvlab.vmm.host.Host;
import hvlab.vmmm.host.HostServer;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;

import static org.junit.jupiter.api.Assertions.*;

/** Joining the datacenter over mutual TLS, with a TPM quote checked against the datacenter's VMM reference. */
class JoinTest {
    @TempDir
    Path dir;

    @Test
    void aHostWhoseVmmMeasurementDiffersIsRefusedNamingThePcr() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 1, 1, false)) {
            assertEquals("trusted", dc.manager().hosts().getFirst().verdict());
            // The reference says another VMM (one class file different, say): PCR 0 no longer matches.
            ReferencePolicy policy = ReferencePolicy.read(dc.manager().policy().policyFile());
            var pcrs = new HashMap<>(policy.pcrs());
            pcrs.put(0, "00".repeat(32));
            new ReferencePolicy(policy.name(), pcrs, policy.events()).write(dc.manager().policy().policyFile());
            DatacenterCa ca = DatacenterCa.open(dir.resolve("dc"));
            try (Host h9 = new Host("h9", dir.resolve("h9"), 1);
                 HostServer server = new HostServer(h9, ca, InetAddress.getLoopbackAddress(), 0, -1)) {
                var e = assertThrows(Datacenter.JoinRefused.class, () -> dc.manager().join("h9", server.address(), null));
                assertTrue(e.getMessage().contains("PCR 0"), e.getMessage());
                assertEquals(1, dc.manager().hosts().size());
            }
        }
    }

    @Test
    void aHostMustProveTheNameItIsJoinedAsAndStrangersGetNoHandshake() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 1, 1, false)) {
            var address = dc.server("h1").address();
            var e = assertThrows(java.io.IOException.class, () -> dc.manager().join("h2", address, null));
            assertTrue(e.getMessage().contains("is 'h1', not 'h2'"), e.getMessage());
            // a node of another datacenter (another CA) cannot even finish the handshake
            Tls stranger = Tls.of(DatacenterCa.init(dir.resolve("other")), "manager");
            assertThrows(java.io.IOException.class, () -> stranger.connect(address, "h1", 5000));
        }
    }
}
