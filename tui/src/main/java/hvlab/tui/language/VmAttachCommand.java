package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vm attach NAME NET}: plug a VM's NIC into a network (from its next boot). */
@Command(name = "attach", description = {"Give a VM a network card on a host network (it must be shut off: the NIC is",
        "plugged in at boot). Its MAC address is the one in its definition; the switch holds it to that."})
final class VmAttachCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Parameters(index = "1", paramLabel = "NET", description = "the network ('net create NET' first)")
    String network;

    @Override
    public Reply run(Context context) {
        NetworkControl.Network n = context.host().network().attach(vm, network, context.session().actor());
        String mac = n.ports().stream().filter(p -> p.vm().equals(vm)).map(NetworkControl.Port::mac).findFirst().orElse("?");
        return new Reply(n, vm + " attached to " + network + " (MAC " + mac + ")");
    }
}
