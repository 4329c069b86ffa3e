package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code net mirror NET --to ids [--rules FILE]}: every frame of the network to the host's IDS. */
@Command(name = "mirror", description = {"Mirror every frame of a network to the host's IDS (a SPAN port, as on a real switch):",
        "a port-scan detector (16 distinct ports from one source within 2 s) and Snort-shaped rules, one a line:",
        "  alert udp any any -> 10.0.0.2 1:1024 (msg:\"udp to a low port\"; content:\"|de ad|\";)",
        "Alerts become events of the VM that sent the traffic ('net alerts', 'vm history', 'log show')."})
final class NetMirrorCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NET", description = "the network to watch")
    String network;

    @Option(names = "--to", required = true, paramLabel = "ids", description = "where the copies go: ids")
    String to;

    @Option(names = "--rules", paramLabel = "FILE", description = "a file of IDS rules (# starts a comment)")
    Path rules;

    @Override
    public Reply run(Context context) {
        if (!to.equals("ids")) {
            throw CommandFailure.usage("net mirror: --to " + to + ": the host has one mirror target, 'ids'");
        }
        List<String> lines = List.of();
        if (rules != null) {
            try {
                lines = Files.readAllLines(rules).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            } catch (IOException e) {
                throw CommandFailure.badInput("cannot read " + rules + ": " + e.getMessage());
            }
        }
        NetworkControl.Network n = context.host().network().mirror(network, lines, context.session().actor());
        return new Reply(n, "network " + network + " mirrored to the IDS (port-scan detector and " + lines.size() + " rule"
                + (lines.size() == 1 ? "" : "s") + ")");
    }
}
