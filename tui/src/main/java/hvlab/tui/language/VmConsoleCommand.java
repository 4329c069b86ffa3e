package hvlab.tui.language;

import hvlab.vmm.host.ConsoleOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/**
 * {@code vm console NAME [--follow] [--since N]}: what the VM wrote to its serial port. The host
 * keeps the last part of each console and counts positions in bytes from the VM's first boot, so
 * {@code --since} asks for what came after a position, and {@code --follow} keeps asking, as
 * {@code tail -f} does, until Ctrl-C.
 */
@Command(name = "console", description = {"Show what the VM wrote to its serial console.",
        "--follow keeps showing new output until Ctrl-C (in the shell only: a script has nobody to press it)."})
final class VmConsoleCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Option(names = {"-f", "--follow"}, description = "keep showing new output until Ctrl-C")
    boolean follow;

    @Option(names = "--since", paramLabel = "N", defaultValue = "0",
            description = "start after the first N bytes (the 'next' of an earlier --json answer)")
    long since;

    /**
     * The console lives with the machine, in the host's memory: a host that opens for one command
     * has run nothing, so it has nothing to show, and we say so rather than print nothing.
     */
    @Override
    public String refusal(Place place) {
        if (!place.hostKeepsRunning()) {
            return place.refuseUnlessHostKeepsRunning(follow ? "vm console --follow" : "vm console");
        }
        return !follow || place.interactive() ? null
                : "vm console --follow runs until Ctrl-C, which a script cannot press: use 'wait " + name
                        + " --console TEXT' to wait for output, or 'vm console " + name + "' to show it";
    }

    @Override
    public Reply run(Context context) throws InterruptedException {
        if (since < 0) {
            throw CommandFailure.usage("--since must be 0 or more bytes");
        }
        if (follow) {
            return follow(context);
        }
        ConsoleOutput output = context.host().console(name, since);
        return new Reply(output, droppedNote(output, since) + output.text());
    }

    /** Shows new output as it comes (JSON Lines under --json), until the session is cancelled. */
    private Reply follow(Context context) throws InterruptedException {
        Session session = context.session();
        long position = since;
        while (!session.cancelled().getAsBoolean()) {
            ConsoleOutput output = context.host().console(name, position);
            if (!output.text().isEmpty() || output.from() > position) {
                session.live().accept(common.json ? Json.write(output) + "\n" : droppedNote(output, position) + output.text());
            }
            position = output.next();
            Thread.sleep(Waiting.POLL);
        }
        return new Reply(Map.of("vm", name, "next", position), "");
    }

    /** When the oldest bytes asked for are gone, say so rather than pretend the console starts later. */
    private static String droppedNote(ConsoleOutput output, long asked) {
        long lost = output.from() - asked;
        return lost > 0 ? "[" + lost + " earlier bytes are no longer kept]\n" : "";
    }
}
