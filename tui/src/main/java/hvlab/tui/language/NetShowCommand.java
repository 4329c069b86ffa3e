package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code net show [NET]}: ports with their counters, and the MAC table the switch learnt. */
@Command(name = "show", description = {"Show a network (or all): each VM's port with its address and counters, and the",
        "switch's MAC table: which address it learnt behind which port, from the frames' sources."})
final class NetShowCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NET", arity = "0..1", description = "the network (default: all)")
    String network;

    @Override
    public Reply run(Context context) {
        List<NetworkControl.Network> networks = network == null ? context.host().network().list()
                : List.of(context.host().network().show(network));
        if (networks.isEmpty()) {
            return new Reply(networks, "no networks (try 'net create lan')");
        }
        List<String> lines = new ArrayList<>();
        for (NetworkControl.Network n : networks) {
            lines.addAll(describe(n));
        }
        return new Reply(network == null ? networks : networks.getFirst(), String.join("\n", lines));
    }

    static List<String> describe(NetworkControl.Network n) {
        List<String> lines = new ArrayList<>();
        lines.add("network " + n.name() + (n.mirrored() ? " (mirrored to the IDS)" : ""));
        if (n.ports().isEmpty()) {
            lines.add("  no VMs (vm attach NAME " + n.name() + ")");
        } else {
            lines.add(String.format(Locale.ROOT, "  %-12s %-17s %-5s %8s %8s %8s %8s %7s %7s %7s", "PORT", "MAC", "LINK",
                    "TX", "TX-BYTES", "RX", "RX-BYTES", "POLICED", "RX-LOST", "SPOOFED"));
            for (NetworkControl.Port p : n.ports()) {
                lines.add(String.format(Locale.ROOT, "  %-12s %-17s %-5s %8d %8d %8d %8d %7d %7d %7d", p.vm(), p.mac(),
                        p.up() ? "up" : "down", p.txFrames(), p.txBytes(), p.rxFrames(), p.rxBytes(), p.policed(), p.rxDropped(),
                        p.spoofed()) + (p.nicError() == null ? "" : "  NIC stopped: " + p.nicError()));
            }
        }
        lines.add("  MAC table: " + (n.macTable().isEmpty() ? "empty (nothing sent yet)" : String.join(", ",
                n.macTable().entrySet().stream().map(e -> e.getKey() + " -> " + e.getValue()).toList())));
        return lines;
    }
}
