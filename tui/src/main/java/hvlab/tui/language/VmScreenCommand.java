package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/**
 * {@code vm screen NAME}: the VM's CGA text screen, 25 lines of 80 characters, as a monitor
 * plugged into it would show them (xv6 writes its console there as well as to COM1).
 */
@Command(name = "screen", description = "Show the VM's text screen (the CGA buffer at 0xB8000): 25 lines of 80 characters.")
final class VmScreenCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    /** The screen is the running machine's RAM: a host that opens for one command has none. */
    @Override
    public String refusal(Place place) {
        return place.hostKeepsRunning() ? null : place.refuseUnlessHostKeepsRunning("vm screen");
    }

    @Override
    public Reply run(Context context) {
        List<String> lines = context.host().screen(name);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.stripTrailing()).append('\n');
        }
        return new Reply(Map.of("vm", name, "lines", lines), text.toString());
    }
}
