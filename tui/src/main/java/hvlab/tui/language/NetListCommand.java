package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code net list}: the networks, their VMs and whether an IDS watches them. */
@Command(name = "list", description = "List the host's networks: their VMs and whether an IDS watches them.")
final class NetListCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Override
    public Reply run(Context context) {
        List<NetworkControl.Network> networks = context.host().network().list();
        if (networks.isEmpty()) {
            return new Reply(networks, "no networks (try 'net create lan')");
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-12s %-8s %s", "NETWORK", "MIRROR", "VMS (* running)"));
        for (NetworkControl.Network n : networks) {
            String vms = n.ports().isEmpty() ? "-"
                    : String.join(" ", n.ports().stream().map(p -> p.vm() + (p.up() ? "*" : "")).toList());
            lines.add(String.format(Locale.ROOT, "%-12s %-8s %s", n.name(), n.mirrored() ? "ids" : "-", vms));
        }
        return new Reply(networks, String.join("\n", lines));
    }
}
