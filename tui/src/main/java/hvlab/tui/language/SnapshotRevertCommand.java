package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code snapshot revert NAME SNAP}: back to the snapshot's state, running if it was running when taken. */
@Command(name = "revert", description = {"Bring a VM back to a snapshot: machine, memory and disk as they were,",
        "running if it was running when taken. The VM gets a new generation ID (a guest can notice the rollback).",
        "What happened since is not lost from the tree: running on starts a new branch."})
final class SnapshotRevertCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Parameters(index = "1", paramLabel = "SNAP", description = "the snapshot")
    String snapshot;

    @Override
    public Reply run(Context context) {
        VmInfo info = context.host().revert(vm, snapshot, context.session().actor());
        return new Reply(info, vm + " reverted to " + snapshot + ": " + info.state());
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("snapshot revert");
    }
}
