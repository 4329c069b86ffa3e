package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code net listen [--address A] [--port P]}: accept tunnels from other hosts' switches. */
@Command(name = "listen", description = {"Accept tunnels from other hosts' switches on ADDRESS:PORT (default 127.0.0.1, any free port).",
        "Every network then travels between the hosts, each frame tagged with its network's name (VXLAN's idea)."})
final class NetListenCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Option(names = "--address", paramLabel = "A", description = "the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    String address = "127.0.0.1";

    @Option(names = "--port", paramLabel = "P", description = "the TCP port (default 0: any free one)")
    int port;

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("net listen");
    }

    @Override
    public Reply run(Context context) {
        if (port < 0 || port > 65535) {
            throw CommandFailure.usage("--port takes 0 to 65535, not " + port);
        }
        int listening = context.host().network().listenForTunnels(address, port, context.session().actor());
        return new Reply(Map.of("address", address, "port", listening),
                "listening for tunnels on " + address + ":" + listening + " (on the other host: net connect " + address + ":" + listening + ")");
    }
}
