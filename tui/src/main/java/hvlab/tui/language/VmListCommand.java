package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code vm list}: every VM of the host, as a table (or a JSON array of {@code vm info} objects). */
@Command(name = "list", description = "List the host's VMs: state, mode, weight/cap, CPU share and guest.")
final class VmListCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Override
    public Reply run(Context context) {
        List<VmInfo> vms = context.host().list();
        return new Reply(vms, HumanOutput.table(vms));
    }
}
