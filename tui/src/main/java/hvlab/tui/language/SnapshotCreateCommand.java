package hvlab.tui.language;

import hvlab.vmm.host.SnapshotInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code snapshot create NAME SNAP}: keep the VM's whole state now; a running VM stops only while it is captured. */
@Command(name = "create", description = {"Take a snapshot of a VM: its machine, the memory pages changed since the last",
        "snapshot, and its disk (copy-on-write: the disk is frozen and a new layer goes on top; nothing is copied).",
        "A running VM is held only while its state is captured."})
final class SnapshotCreateCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Parameters(index = "1", paramLabel = "SNAP", description = "a name for the snapshot")
    String snapshot;

    @Override
    public Reply run(Context context) {
        long started = System.nanoTime();
        SnapshotInfo info = context.host().snapshot(vm, snapshot, context.session().actor());
        long millis = (System.nanoTime() - started) / 1_000_000;
        String memory = info.vmState().equals("defined") ? "no machine (the VM is shut off)"
                : info.fullMemory() ? "all of RAM (" + pages(info.pages()) + " not zero)"
                : pages(info.pages()) + " changed since " + info.parent();
        return new Reply(info, "snapshot " + snapshot + " of " + vm + ": " + memory
                + (info.hasDiskLayer() ? ", disk frozen" : "") + " (" + millis + " ms)");
    }

    private static String pages(int count) {
        return count == 1 ? "1 page" : count + " pages";
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("snapshot create");
    }
}
