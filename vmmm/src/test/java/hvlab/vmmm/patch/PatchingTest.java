package hvlab.vmmm.patch;

import hvlab.vmm.devices.DiskImage;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.manager.ManagerCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static hvlab.vmmm.Waits.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Patching through the manager, on real hosts over TLS: hvos patched offline on its disk image
 * (and the guest reads the new file), the flags for VMs that are off, that a revert unpatched and
 * that cannot be patched, and the quarantine network.
 */
class PatchingTest {
    @TempDir
    Path dir;

    @Test
    void patchRevertAndQuarantineAsTheManagerSeesThem() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 2, 1, false)) {
            Host h1 = dc.host("h1");
            Host h2 = dc.host("h2");
            h1.create(VmSpec.of("os", "hvos"));
            h2.create(VmSpec.of("c", "counter"));
            h2.create(VmSpec.of("rp", "redpill"));
            h2.act("c", PowerAction.START, "test");
            ManagerCommands manager = new ManagerCommands(dc.manager(), ManagerCommands.Watcher.NONE);

            String before = String.join("\n", manager.run(List.of("patches")));
            assertTrue(before.contains("3 VMs, 3 flagged"), before);
            assertTrue(before.contains("missing HVSA-2026-001 while defined: patch it before it starts"), before);
            assertTrue(before.contains("UNPATCHABLE: HVSA-2026-003"), before);

            // a file patch is offline: refused while hvos runs, done when it is off
            h1.act("os", PowerAction.START, "test");
            var running = assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("patch", "os", "HVSA-2026-001")));
            assertTrue(running.getMessage().contains("offline: power it off first"), running.getMessage());
            h1.act("os", PowerAction.POWEROFF, "test");
            String patched = manager.run(List.of("patch", "os", "HVSA-2026-001")).getFirst();
            assertTrue(patched.contains("changed README on its disk image; snapshot 'pre-HVSA-2026-001' taken first"), patched);
            assertTrue(readme(h1, "os").contains("patch level: HVSA-2026-001"));
            // the guest sees the patched file
            h1.act("os", PowerAction.START, "test");
            await(() -> h1.console("os", 0).text().endsWith("$ "));
            h1.send("os", "cat README\n".getBytes(StandardCharsets.US_ASCII));
            await(() -> h1.console("os", 0).text().contains("patch level: HVSA-2026-001"));
            h1.act("os", PowerAction.POWEROFF, "test");
            // a config patch while running; patching twice is refused; a patch for another guest is refused
            assertTrue(manager.run(List.of("patch", "c", "HVSA-2026-002")).getFirst().contains("patched c on h2"));
            assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("patch", "c", "HVSA-2026-002")));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("patch", "c", "HVSA-2026-001")))
                    .getMessage().contains("is for hvos, not for 'c'"));

            // the revert brings the old README back, and the manager says the VM is unpatched again
            h1.revert("os", "pre-HVSA-2026-001", "test");
            assertFalse(readme(h1, "os").contains("patch level"), readme(h1, "os"));
            String after = String.join("\n", manager.run(List.of("patches")));
            assertTrue(after.contains("UNPATCHED AGAIN: lost HVSA-2026-001 by the revert to snapshot 'pre-HVSA-2026-001'"), after);

            // the unpatchable VM goes to the quarantine network, and is shown there
            assertTrue(assertThrows(IllegalArgumentException.class, () -> manager.run(List.of("patch", "rp", "HVSA-2026-003")))
                    .getMessage().contains("has no fix"));
            manager.run(List.of("quarantine", "rp"));
            assertEquals("quarantine", h2.info("rp").network());
            String last = String.join("\n", manager.run(List.of("patches")));
            assertTrue(last.contains("quarantined: HVSA-2026-003 has no fix"), last);
            assertTrue(last.contains("HVSA-2026-002") && last.contains("up to date"), last);
        }
    }

    private static String readme(Host host, String vm) throws Exception {
        Path disk = host.store().folder(vm).resolve(host.info(vm).disk());
        try (DiskImage image = DiskImage.open(disk, false)) {
            return new String(HvfsImage.read(image, "README"), StandardCharsets.US_ASCII);
        }
    }
}
