package hvlab.tui.language;

import hvlab.vmm.attestation.Freshness;
import hvlab.vmm.attestation.ReferencePolicy;
import hvlab.vmm.attestation.Verdict;
import hvlab.vmm.host.AttestationReport;
import hvlab.vmm.tpm.Sha256;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code attest HOST|VM [--nonce N] [--policy FILE]}: asks the TPM for a quote and has the verifier
 * judge it (paper IV.C.8). Trusted: status 0. Untrusted: every reason, and status 1, so a script
 * stops there.
 */
@Command(name = "attest", description = {"Attest the host (its TPM's quote over the VMM's measurements) or a VM (a deep quote:",
        "its vTPM's quote bound to the host's). The verifier checks the certificate chain up to the manufacturer CA,",
        "the signature, the nonce (each used once), the event log against the PCRs, and the PCRs against the",
        "reference measurements recorded on first use (or --policy FILE). Untrusted ends with status 1."})
final class AttestCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "HOST|VM", description = "this host's name, or a VM's")
    String target;

    @Option(names = "--nonce", paramLabel = "N", description = "the nonce to ask with (its text, 1 to 64 bytes); default: 32 random bytes")
    String nonce;

    @Option(names = "--policy", paramLabel = "FILE", description = "reference measurements to compare with ('tpm policy' writes one)")
    Path policy;

    @Override
    public Reply run(Context context) {
        byte[] asked = nonce == null ? Freshness.challenge() : nonce.getBytes(StandardCharsets.UTF_8);
        if (asked.length == 0 || asked.length > 64) {
            throw CommandFailure.usage("attest: a nonce is 1 to 64 bytes, not " + asked.length);
        }
        ReferencePolicy reference = null;
        if (policy != null) {
            try {
                reference = ReferencePolicy.read(policy.toAbsolutePath());
            } catch (IllegalArgumentException e) {
                throw CommandFailure.badInput(e.getMessage());
            }
        }
        AttestationReport report = context.host().attest(target, asked, reference);
        Verdict verdict = report.verdict();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("target", target);
        data.put("trusted", verdict.trusted());
        data.put("refusals", verdict.refusals());
        data.put("checked", verdict.checked());
        data.put("nonce", report.nonceHex());
        data.put("note", report.note());
        data.put("tpm", report.evidence().quote().tpm());
        String endorsement = Sha256.hex(Sha256.of(report.evidence().quote().chain().get(1).publicKey())).substring(0, 16);
        data.put("endorsementKey", endorsement);
        data.put("pcrDigest", Sha256.hex(report.evidence().quote().pcrDigest()));
        String text = verdict.describe() + "\n  (TPM '" + report.evidence().quote().tpm() + "', EK " + endorsement + "…; "
                + report.note() + ")";
        if (verdict.trusted()) {
            return new Reply(data, text);
        }
        return Reply.failing(data, text, target + " is untrusted: " + verdict.refusals().getFirst());
    }
}
