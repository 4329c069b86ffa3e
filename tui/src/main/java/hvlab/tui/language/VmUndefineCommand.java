package hvlab.tui.language;

import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/**
 * {@code vm undefine NAME [--if-exists]}: forget a shut-off VM. {@code --if-exists} lets a script
 * begin by clearing what an earlier, failed run left in the store, so it can be run again as is.
 */
@Command(name = "undefine", description = {"Forget a shut-off VM: its definition, image and disk leave the store.",
        "With --if-exists a VM that is not there is no error (for scripts that tidy up first)."})
final class VmUndefineCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Option(names = "--if-exists", description = "do nothing, successfully, if there is no such VM")
    boolean ifExists;

    @Override
    public Reply run(Context context) {
        boolean exists = context.host().list().stream().anyMatch(vm -> vm.name().equals(name));
        if (!exists && ifExists) {
            return new Reply(Map.of("name", name, "undefined", false), "no VM named '" + name + "': nothing to undefine");
        }
        VmInfo last = context.host().act(name, PowerAction.UNDEFINE, context.session().actor());
        return new Reply(last, name + " undefined");
    }
}
