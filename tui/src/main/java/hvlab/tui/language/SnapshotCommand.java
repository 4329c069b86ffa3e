package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code snapshot}: take, list, revert to and delete a VM's snapshots; {@link Language} adds the subcommands. */
@Command(name = "snapshot", description = {"Snapshots and rollback: a VM's whole state (machine, memory, disk) kept to return to.",
        "Snapshots form a tree: reverting to one and running on starts a new branch; the old one stays."})
final class SnapshotCommand {
    @Mixin
    CommonOptions common;
}
