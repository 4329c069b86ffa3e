package hvlab.vmm.host;

import hvlab.vmm.vmi.VmiRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static hvlab.vmm.host.SnapshotTest.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The paper's VI.A.1 split of VMMs, enforced and measured: an availability host keeps a VM
 * running but will not look inside, change it or copy its image; an inspection host looks and
 * intervenes but no image leaves; each profile is in PCR 7, so a quote tells them apart.
 */
class HostProfileTest {
    @TempDir
    Path dir;

    private Host started(String name, HostProfile profile) throws Exception {
        Host host = new Host(name, dir.resolve(name), 1, profile);
        host.create(VmSpec.of("web", "counter"));
        host.act("web", PowerAction.START, "test");
        await("it counts", 10_000, () -> host.console("web", 0).text().contains("count 1"));
        return host;
    }

    @Test
    void anAvailabilityHostRunsVmsButNeitherLooksNorCopies() throws Exception {
        try (Host host = started("a", HostProfile.AVAILABILITY)) {
            var look = assertThrows(HostException.class, () -> host.vmi("web", new VmiRequest.Read(0x100000, 16), "admin"));
            assertTrue(look.getMessage().contains("availability profile") && look.getMessage().contains("PCR 7"), look.getMessage());
            assertThrows(HostException.class, () -> host.vmi("web", new VmiRequest.Write(0x100000, new byte[] {1}), "admin"));
            assertThrows(HostException.class, () -> host.capture("web"));
            assertThrows(HostException.class, () -> host.cloneVm("web", "copy", "admin"));
            assertThrows(HostException.class, () -> host.serveGdb("web", 0, "admin"));
            assertEquals("running", host.info("web").state(), "refusing is all it did");
            host.snapshot("web", "s1", "admin"); // power functions and rollback are for availability
        }
    }

    @Test
    void anInspectionHostLooksAndIntervenesButNoImageLeaves() throws Exception {
        try (Host host = started("i", HostProfile.INSPECTION)) {
            assertNotNull(host.vmi("web", new VmiRequest.Read(0x100000, 16), "admin"));
            assertNotNull(host.vmi("web", new VmiRequest.Write(0x2000, new byte[] {1}), "admin"));
            var copy = assertThrows(HostException.class, () -> host.capture("web"));
            assertTrue(copy.getMessage().contains("inspection profile"), copy.getMessage());
            assertThrows(HostException.class, () -> host.exportLive("web"));
        }
    }

    @Test
    void theProfileIsMeasuredIntoPcr7AndFullMeasuresWhatHvlabAlwaysDid() throws Exception {
        try (Host full = new Host("f", dir.resolve("f"), 1);
             Host available = new Host("v", dir.resolve("v"), 1, HostProfile.AVAILABILITY)) {
            assertEquals(HostProfile.FULL, full.profile());
            assertTrue(full.tpm("f").log().stream().noneMatch(e -> e.description().startsWith("profile:")));
            assertTrue(available.tpm("v").log().stream().anyMatch(e -> e.description().startsWith("profile: availability")));
            assertNotEquals(full.tpm("f").pcrs().get(7), available.tpm("v").pcrs().get(7), "a quote tells them apart");
        }
        assertEquals(HostProfile.INSPECTION, HostProfile.parse("inspection"));
        assertTrue(assertThrows(HostException.class, () -> HostProfile.parse("root")).getMessage().contains("full, inspection or availability"));
    }
}
