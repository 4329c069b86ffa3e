package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vm info NAME}: everything the host knows about one VM; with --json, the {@code VmInfo} record as it is. */
@Command(name = "info", description = {"Show one VM: state, configuration, CPU share, guest MIPS, traps, last exit.",
        "The share is its CPU time over the host's last measuring window, as a fraction of one CPU."})
final class VmInfoCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Override
    public Reply run(Context context) {
        VmInfo info = context.host().info(name);
        return new Reply(info, HumanOutput.details(info));
    }
}
