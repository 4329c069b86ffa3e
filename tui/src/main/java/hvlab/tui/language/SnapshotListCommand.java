package hvlab.tui.language;

import hvlab.vmm.host.SnapshotInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code snapshot list NAME}: the VM's snapshots as a tree, with where the VM is now. */
@Command(name = "list", description = "List a VM's snapshots as a tree; '◀ now' marks the one the VM descends from.")
final class SnapshotListCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Override
    public Reply run(Context context) {
        List<SnapshotInfo> snapshots = context.host().snapshots(vm);
        String text = snapshots.isEmpty() ? vm + " has no snapshots" : String.join("\n", HistoryGraph.snapshotTree(snapshots, null));
        return new Reply(snapshots, text);
    }
}
