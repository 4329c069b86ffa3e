package hvlab.tui.threat;

import hvlab.vmm.devices.DiskImage;
import hvlab.vmm.host.Host;
import hvlab.vmmm.patch.HvfsImage;
import hvlab.vmmm.patch.Patch;
import hvlab.vmmm.patch.PatchCatalog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A deliberately weakened patch step, for the undefended form of VMMM -> VMM only: the host's
 * patch step ({@code vmmm.patch.Patching.patch}) without its first line, the snapshot. It writes
 * the new file into the VM's disk image in place, with the same file-system code
 * ({@link HvfsImage}), and records the patch as the real step does, so that the one difference
 * between the forms is the snapshot: how a physical machine is patched, where a bad patch has
 * nothing to go back to (paper IV.D.4: "if the patching fails, the VM can revert to the
 * snapshot", which needs the snapshot to exist).
 */
final class UnguardedPatch {
    private UnguardedPatch() {}

    static void apply(Host host, String vm, Patch patch, PatchCatalog catalog) throws IOException {
        Path disk = host.store().folder(vm).resolve(host.info(vm).disk());
        try (DiskImage image = DiskImage.open(disk, true)) {
            HvfsImage.replace(image, patch.file(), catalog.content(patch));
        }
        host.record(vm, "patched", Map.of("patch", patch.id(), "snapshot", "none (unguarded)",
                "changed", patch.file() + " on its disk image", "actor", "manager"));
    }
}
