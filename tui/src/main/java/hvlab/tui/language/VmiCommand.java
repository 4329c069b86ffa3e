package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vmi}: introspection and intervention from outside a VM; {@link Language} adds the subcommands. */
@Command(name = "vmi", description = {"Virtual machine introspection (paper IV.C.7): look at a VM's registers, memory and tables",
        "from outside, where the guest cannot hide anything, and intervene (IV.C.9). Every intervention is in the secure log."})
final class VmiCommand {
    @Mixin
    CommonOptions common;
}
