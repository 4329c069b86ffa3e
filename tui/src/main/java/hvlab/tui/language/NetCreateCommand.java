package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code net create NET}: a new private network on the host's switch. */
@Command(name = "create", description = {"Create a private network on the host's switch. Frames never cross from one network",
        "to another, whatever their addresses say (as VLANs on a real switch)."})
final class NetCreateCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NET", description = "the network's name")
    String network;

    @Override
    public Reply run(Context context) {
        return new Reply(context.host().network().create(network), "created network " + network);
    }
}
