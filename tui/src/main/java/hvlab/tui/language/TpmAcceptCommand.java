package hvlab.tui.language;

import hvlab.vmm.attestation.ReferencePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code tpm accept HOST|VM}: the measurements as they are now become the reference that {@code attest} compares with. */
@Command(name = "accept", description = {"Accept the measurements of the host or a VM as they are now as its reference:",
        "after an honest update (a rebuilt hvlab, a new image), 'attest' compares with these from here on.",
        "Accepting an attacker's VMM is exactly the mistake attestation exists to catch: look at 'tpm log' first."})
final class TpmAcceptCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "HOST|VM", description = "this host's name, or a VM's")
    String target;

    @Override
    public Reply run(Context context) {
        ReferencePolicy policy = context.host().acceptMeasurements(target);
        return new Reply(Map.of("target", target, "pcrs", policy.pcrs()),
                "the measurements of " + target + " (PCRs " + policy.pcrs().keySet() + ") are now its reference");
    }
}
