package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code log}: the host's secure log; {@link Language} adds the subcommands. */
@Command(name = "log", description = {"The host's secure log (paper IV.C.4): every VMM event and management command, hash-chained and signed,",
        "kept outside every VM. 'log verify' finds any edit, deletion, insertion, reordering or truncation."})
final class LogCommand {
    @Mixin
    CommonOptions common;
}
