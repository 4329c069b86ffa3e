package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code net create NET}: a new private network on the host's switch. */
@Command(name = "create", description = {"Create a private network on the host's switch. Frames never cross from one network",
        "to another, whatever their addresses say (as VLANs on a real switch)."})
final class NetCreateCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NET", description = "the network's name")
    String network;

    @Option(names = "--if-missing", description = "a network of that name already there is fine (for scripts run again)")
    boolean ifMissing;

    @Override
    public Reply run(Context context) {
        if (ifMissing && context.host().network().list().stream().anyMatch(n -> n.name().equals(network))) {
            return new Reply(context.host().network().show(network), "network " + network + " is there already");
        }
        return new Reply(context.host().network().create(network), "created network " + network);
    }
}
