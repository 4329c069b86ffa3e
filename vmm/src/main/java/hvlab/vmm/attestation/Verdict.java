package hvlab.vmm.attestation;

import java.util.List;

/**
 * A verifier's answer: trusted only when nothing was refused; every reason otherwise, each with
 * its {@link Refusal} kind and a sentence naming what differed (a PCR, an event, a key).
 */
public record Verdict(String subject, List<Reason> refusals, List<String> checked) {
    public record Reason(Refusal kind, String detail) {
        @Override
        public String toString() {
            return kind.name().toLowerCase().replace('_', ' ') + ": " + detail;
        }
    }

    public Verdict {
        refusals = List.copyOf(refusals);
        checked = List.copyOf(checked);
    }

    public boolean trusted() {
        return refusals.isEmpty();
    }

    public boolean refusedFor(Refusal kind) {
        return refusals.stream().anyMatch(r -> r.kind() == kind);
    }

    /** "trusted" or "untrusted", then one line per reason (or per check passed). */
    public String describe() {
        StringBuilder out = new StringBuilder(subject + ": " + (trusted() ? "trusted" : "untrusted"));
        for (Reason reason : refusals) {
            out.append("\n  ✗ ").append(reason);
        }
        for (String line : checked) {
            out.append("\n  ✓ ").append(line);
        }
        return out.toString();
    }
}
