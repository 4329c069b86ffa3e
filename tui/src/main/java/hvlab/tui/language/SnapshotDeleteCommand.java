package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code snapshot delete NAME SNAP}: forget a snapshot; its children keep what they need of it. */
@Command(name = "delete", description = {"Delete a snapshot. Snapshots taken after it keep what they need of it",
        "(its memory pages are merged into theirs; its disk layer stays while a later layer is built on it)."})
final class SnapshotDeleteCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Parameters(index = "1", paramLabel = "SNAP", description = "the snapshot")
    String snapshot;

    @Override
    public Reply run(Context context) {
        context.host().deleteSnapshot(vm, snapshot, context.session().actor());
        return new Reply(Map.of("vm", vm, "snapshot", snapshot, "deleted", true), "snapshot " + snapshot + " of " + vm + " deleted");
    }
}
