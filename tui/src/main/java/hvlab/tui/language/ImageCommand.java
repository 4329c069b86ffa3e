package hvlab.tui.language;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;

/**
 * {@code image}: VMs as OVA files (paper IV.B.1, a VM stored as an image); {@link Language} adds
 * {@code export}, {@code import} and {@code inspect}. IMAGES.md tells the layout and the checks.
 */
@Command(name = "image", description = "Export, import and inspect VM images (OVF 2 packages in OVA files).")
final class ImageCommand {
    @Mixin
    CommonOptions common;

    /**
     * The store of a host in this process, where its signing key lives; null for a host this
     * process cannot see into (a fake in tests, later a host over the network).
     */
    static Path storeOf(HostControl host) {
        return host instanceof Host local ? local.store().root() : null;
    }

    /** Progress lines ("exporting web: 40% of 16 MiB") at every tenth of a large transfer. */
    static hvlab.vmm.image.ova.Progress progress(Session session, String what, boolean json) {
        if (json) {
            return hvlab.vmm.image.ova.Progress.NONE;
        }
        int[] shown = {0};
        return (done, total) -> {
            if (total < (4L << 20)) {
                return;
            }
            int tenth = (int) (done * 10 / total);
            if (tenth > shown[0]) {
                shown[0] = tenth;
                session.live().accept(what + ": " + tenth * 10 + "% of " + HumanOutput.size(total / 1024 * 1024) + "\n");
            }
        };
    }
}
