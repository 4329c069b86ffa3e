package hvlab.vmm.attestation;

import hvlab.vmm.tpm.Certificate;
import hvlab.vmm.tpm.Ecdsa;
import hvlab.vmm.tpm.EventLog;
import hvlab.vmm.tpm.PcrBank;
import hvlab.vmm.tpm.Quote;
import hvlab.vmm.tpm.Sha256;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The remote party of attestation (paper IV.C.8): given evidence, it decides whether to trust
 * the machine, trusting nothing but the manufacturer's public key and its own reference values.
 * Every check runs, so the verdict lists every reason, not just the first:
 * <ol>
 *   <li><b>chain</b>: each certificate signed by the next, the last by the manufacturer; the first
 *       certifies an attestation key of the TPM that made the quote;</li>
 *   <li><b>signature</b>: the quote is signed by that attestation key;</li>
 *   <li><b>nonce</b>: the quote carries the nonce asked with, and it was never used before;</li>
 *   <li><b>PCR values</b>: the values sent hash to the digest the quote signed;</li>
 *   <li><b>log</b>: replaying the event log gives those values;</li>
 *   <li><b>policy</b>: the values equal the reference ones; where not, the event that differs.</li>
 * </ol>
 * Terra (Garfinkel et al., SOSP 2003) is the model: a trusted VMM attests the software stack of
 * each VM to a remote party, and the hardware TPM attests the VMM.
 */
public final class Verifier {
    private final PublicKey manufacturer;
    private final Freshness freshness;

    public Verifier(PublicKey manufacturer, Freshness freshness) {
        this.manufacturer = manufacturer;
        this.freshness = freshness;
    }

    /** Checks {@code evidence} asked for with {@code nonce}, against {@code policy} (null: no reference to compare). */
    public Verdict verify(String subject, Evidence evidence, byte[] nonce, ReferencePolicy policy) {
        List<Verdict.Reason> refused = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        check(evidence, nonce, policy, refused, checked);
        if (!Arrays.equals(nonce, evidence.quote().nonce())) {
            refused.add(new Verdict.Reason(Refusal.WRONG_NONCE, "the quote answers nonce " + hex(evidence.quote().nonce())
                    + ", not the one asked with (" + hex(nonce) + ")"));
        } else if (!freshness.use(nonce)) {
            refused.add(new Verdict.Reason(Refusal.REPLAYED, "nonce " + hex(nonce) + " was used before: this quote is a replay"));
        } else {
            checked.add("fresh: the quote answers this question's nonce, used once");
        }
        return new Verdict(subject, refused, checked);
    }

    /**
     * A deep quote (Berger's vTPM): the VM's quote answers {@code nonce}; the host's quote answers a
     * nonce made from the VM's quote, so it was made after it and for it; and the host TPM whose
     * quote shows a proper VMM is the very TPM that certified this vTPM.
     */
    public Verdict verifyDeep(String subject, Evidence vm, byte[] nonce, ReferencePolicy vmPolicy,
                              Evidence host, ReferencePolicy hostPolicy) {
        Verdict own = verify(subject, vm, nonce, vmPolicy);
        List<Verdict.Reason> refused = new ArrayList<>(own.refusals());
        List<String> checked = new ArrayList<>(own.checked());
        List<Verdict.Reason> hostRefused = new ArrayList<>();
        List<String> hostChecked = new ArrayList<>();
        check(host, bindingNonce(vm.quote()), hostPolicy, hostRefused, hostChecked);
        if (!Arrays.equals(bindingNonce(vm.quote()), host.quote().nonce())) {
            hostRefused.add(new Verdict.Reason(Refusal.BINDING, "the host's quote was not made for this VM's quote"));
        }
        List<Certificate> chain = vm.quote().chain();
        if (chain.size() < 3 || !Arrays.equals(chain.get(2).publicKey(), host.quote().chain().getFirst().publicKey())) {
            hostRefused.add(new Verdict.Reason(Refusal.BINDING, "the vTPM was not certified by this host's TPM"));
        }
        hostRefused.forEach(r -> refused.add(new Verdict.Reason(r.kind(), "the host's TPM ('" + host.quote().tpm() + "'): " + r.detail())));
        hostChecked.forEach(c -> checked.add("host: " + c));
        if (hostRefused.isEmpty()) {
            checked.add("deep quote: the host TPM that vouches for this vTPM quoted the VMM for this very quote");
        }
        return new Verdict(subject, refused, checked);
    }

    /** The nonce a host quote of a deep quote answers: a hash of the VM's signed quote. */
    public static byte[] bindingNonce(Quote vmQuote) {
        return Sha256.of(vmQuote.signedBytes(), vmQuote.signature());
    }

    private void check(Evidence evidence, byte[] nonce, ReferencePolicy policy, List<Verdict.Reason> refused, List<String> checked) {
        Quote quote = evidence.quote();
        String chainProblem = chainProblem(quote);
        if (chainProblem != null) {
            refused.add(new Verdict.Reason(Refusal.CHAIN, chainProblem));
        } else {
            checked.add("chain: " + quote.chain().size() + " certificates up to the manufacturer CA");
        }
        PublicKey ak = attestationKey(quote);
        if (ak == null || !Ecdsa.verify(ak, quote.signedBytes(), quote.signature())) {
            refused.add(new Verdict.Reason(Refusal.SIGNATURE, "the quote is not signed by the attestation key its chain certifies"));
        } else {
            checked.add("signature: ECDSA P-256 by the certified attestation key");
        }
        List<byte[]> values = valuesOf(evidence);
        if (values == null || !Arrays.equals(PcrBank.digestOf(quote.selection(), values), quote.pcrDigest())) {
            refused.add(new Verdict.Reason(Refusal.PCR_VALUES, "the PCR values sent do not hash to the digest the TPM signed"));
            return; // nothing below means anything without the right values
        }
        checked.add("PCR values: they hash to the signed digest");
        int wrong = EventLog.firstMismatchingPcr(evidence.log(), values, quote.selection());
        if (wrong >= 0) {
            refused.add(new Verdict.Reason(Refusal.LOG, "replaying the event log does not give PCR " + wrong
                    + " (the log was changed, or leaves something out)"));
        } else {
            checked.add("log: " + evidence.log().size() + " events replay to the quoted PCRs");
        }
        if (policy != null) {
            int before = refused.size();
            for (var expected : policy.pcrs().entrySet()) {
                int pcr = expected.getKey();
                if ((quote.selection() & (1 << pcr)) == 0) {
                    refused.add(new Verdict.Reason(Refusal.POLICY, "PCR " + pcr + " is not in the quote"));
                } else if (!expected.getValue().equalsIgnoreCase(Sha256.hex(values.get(pcr)))) {
                    refused.add(new Verdict.Reason(Refusal.POLICY, "PCR " + pcr + " is " + ReferencePolicy.abbreviate(Sha256.hex(values.get(pcr)))
                            + ", the reference " + ReferencePolicy.abbreviate(expected.getValue()) + ": "
                            + policy.firstDifferingEvent(pcr, evidence.log())));
                }
            }
            if (refused.size() == before) {
                checked.add("policy '" + policy.name() + "': PCRs " + policy.pcrs().keySet() + " match the reference");
            }
        }
    }

    /** The chain's first problem, or null when it leads from the quote's AK to the manufacturer. */
    private String chainProblem(Quote quote) {
        List<Certificate> chain = quote.chain();
        if (chain == null || chain.size() < 2) {
            return "the quote carries no certificate chain";
        }
        Certificate ak = chain.get(0);
        Certificate ek = chain.get(1);
        if (!Certificate.ATTESTATION.equals(ak.role()) || !Certificate.ENDORSEMENT.equals(ek.role())
                || !quote.tpm().equals(ak.subject()) || !quote.tpm().equals(ek.subject())) {
            return "the chain does not start with an AK and an EK of TPM '" + quote.tpm() + "'";
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!signedBy(chain.get(i), chain.get(i + 1))) {
                return "the " + chain.get(i).role() + " certificate of '" + chain.get(i).subject()
                        + "' is not signed by the key of '" + chain.get(i + 1).subject() + "' above it";
            }
        }
        if (!chain.getLast().signedBy(manufacturer)) {
            return "the endorsement certificate of '" + chain.getLast().subject() + "' is not signed by the manufacturer CA";
        }
        return null;
    }

    private static boolean signedBy(Certificate certificate, Certificate issuer) {
        try {
            return certificate.signedBy(issuer.key());
        } catch (IllegalArgumentException notAKey) {
            return false;
        }
    }

    private static PublicKey attestationKey(Quote quote) {
        try {
            return quote.chain() == null || quote.chain().isEmpty() ? null : quote.chain().getFirst().key();
        } catch (IllegalArgumentException notAKey) {
            return null;
        }
    }

    /** All 24 values with the quoted ones filled in from the evidence, or null when one is missing or malformed. */
    private static List<byte[]> valuesOf(Evidence evidence) {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < PcrBank.COUNT; i++) {
            values.add(new byte[Sha256.BYTES]);
        }
        for (int pcr : ReferencePolicy.indexes(evidence.quote().selection())) {
            String hex = evidence.pcrs().get(pcr);
            if (hex == null || hex.length() != 64) {
                return null;
            }
            try {
                values.set(pcr, Sha256.unhex(hex));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return values;
    }

    private static String hex(byte[] bytes) {
        return ReferencePolicy.abbreviate(Sha256.hex(bytes));
    }
}
