package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tpm}: a TPM's PCRs and event log; {@link Language} adds the subcommands. */
@Command(name = "tpm", description = {"The TPM of the host (its measured launch) or a VM's vTPM: PCRs and the event log (TPM.md).",
        "HOST is this host's name ('local'); any other name is a VM's."})
final class TpmGroupCommand {
    @Mixin
    CommonOptions common;
}
