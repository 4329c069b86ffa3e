package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vm clone NAME NEW}: a full copy that is a different machine. */
@Command(name = "clone", description = {"Copy a VM into a new one that is a different machine: new UUID, MAC address and",
        "generation ID. A running VM is copied as it is at this moment; the clone, when started, goes on from there."})
final class VmCloneCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM to copy")
    String vm;

    @Parameters(index = "1", paramLabel = "NEW", description = "the new VM's name")
    String copy;

    @Override
    public Reply run(Context context) {
        VmInfo info = context.host().cloneVm(vm, copy, context.session().actor());
        return new Reply(info, copy + " cloned from " + vm + " (uuid " + info.uuid() + ")");
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vm clone");
    }
}
