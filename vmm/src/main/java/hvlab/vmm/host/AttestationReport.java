package hvlab.vmm.host;

import hvlab.vmm.attestation.Evidence;
import hvlab.vmm.attestation.Verdict;

/**
 * The answer to {@code attest}: the verdict, the evidence it was drawn from (the VM's and, for a
 * VM, its host's for the deep quote), and how the evidence came about.
 */
public record AttestationReport(Verdict verdict, Evidence evidence, Evidence hostEvidence, String nonceHex, String note) {
}
