package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code net tunnels}: the tunnels to other hosts' switches and what went through them. */
@Command(name = "tunnels", description = "List the tunnels to other hosts' switches: frames each way, frames dropped.")
final class NetTunnelsCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Override
    public Reply run(Context context) {
        List<NetworkControl.Tunnel> tunnels = context.host().network().tunnels();
        if (tunnels.isEmpty()) {
            return new Reply(tunnels, "no tunnels (net listen on one host, net connect on the other)");
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-12s %-5s %10s %10s %8s", "PEER", "STATE", "SENT", "RECEIVED", "DROPPED"));
        for (NetworkControl.Tunnel t : tunnels) {
            lines.add(String.format(Locale.ROOT, "%-12s %-5s %10d %10d %8d%s", t.peer(), t.up() ? "up" : "down", t.sent(),
                    t.received(), t.dropped(), t.ended() == null ? "" : "  (" + t.ended() + ")"));
        }
        return new Reply(tunnels, String.join("\n", lines));
    }
}
