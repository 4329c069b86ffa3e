package hvlab.tui.language;

import hvlab.vmm.attestation.ReferencePolicy;
import hvlab.vmm.host.TpmReport;
import hvlab.vmm.tpm.MeasuredLaunch;
import hvlab.vmm.tpm.VmLaunch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@code tpm policy HOST|VM FILE}: writes the current measurements as a reference policy for {@code attest --policy}. */
@Command(name = "policy", description = {"Write the measurements of the host or a VM, as they are now, as a reference policy:",
        "hand it to 'attest ... --policy FILE' to check other machines (or this one later) against this one."})
final class TpmPolicyCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "HOST|VM", description = "this host's name, or a VM's")
    String target;

    @Parameters(index = "1", paramLabel = "FILE", description = "where to write the policy (JSON)")
    Path file;

    @Override
    public Reply run(Context context) {
        TpmReport report = context.host().tpm(target);
        boolean host = target.equals(context.host().name());
        ReferencePolicy policy = ReferencePolicy.fromLog((host ? "host " : "VM ") + target, report.log(),
                host ? MeasuredLaunch.HOST_SELECTION : VmLaunch.SELECTION);
        try {
            policy.write(file.toAbsolutePath());
        } catch (IOException e) {
            throw CommandFailure.badInput("cannot write " + file + ": " + e.getMessage());
        }
        return new Reply(Map.of("policy", file.toString(), "pcrs", policy.pcrs()),
                "wrote the reference measurements of " + target + " (PCRs " + policy.pcrs().keySet() + ") to " + file);
    }
}
