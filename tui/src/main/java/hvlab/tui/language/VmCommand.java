package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vm}: the group of commands about virtual machines; {@link Language} adds its subcommands. */
@Command(name = "vm", description = "Define, power and inspect virtual machines.")
final class VmCommand {
    @Mixin
    CommonOptions common;
}
