package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;

/** {@code quit} or {@code exit}: leave the shell; in a script, stop here successfully. */
@Command(name = "quit", aliases = "exit", description = "Leave the shell (in a script: stop here, successfully).")
final class QuitCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Override
    public Reply run(Context context) {
        return new Reply(Map.of("quit", true), "");
    }
}
