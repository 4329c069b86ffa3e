package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vm detach NAME}: take a VM's NIC away (from its next boot). */
@Command(name = "detach", description = "Take a VM's network card away (it must be shut off); 'vm attach' gives it one again.")
final class VmDetachCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Override
    public Reply run(Context context) {
        context.host().network().detach(vm, context.session().actor());
        return new Reply(java.util.Map.of("vm", vm, "network", ""), vm + " has no network card now");
    }
}
