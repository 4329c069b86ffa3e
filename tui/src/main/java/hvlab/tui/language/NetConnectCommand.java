package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code net connect ADDRESS:PORT}: a tunnel to the switch of the host listening there. */
@Command(name = "connect", description = "Join this host's switch to the one listening at ADDRESS:PORT ('net listen' there).")
final class NetConnectCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "ADDRESS:PORT", description = "where the other host listens")
    String target;

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("net connect");
    }

    @Override
    public Reply run(Context context) {
        int colon = target.lastIndexOf(':');
        int port;
        try {
            port = colon < 1 ? -1 : Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw CommandFailure.usage("give the other host as ADDRESS:PORT (for example 127.0.0.1:7400), not '" + target + "'");
        }
        NetworkControl.Tunnel t = context.host().network().connectTunnel(target.substring(0, colon), port, context.session().actor());
        return new Reply(t, "tunnel to " + t.peer() + " at " + target + " is up: every network travels through it");
    }
}
