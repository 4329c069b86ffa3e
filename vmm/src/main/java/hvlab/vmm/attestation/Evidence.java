package hvlab.vmm.attestation;

import hvlab.vmm.tpm.PcrBank;
import hvlab.vmm.tpm.Quote;
import hvlab.vmm.tpm.Sha256;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.TpmEvent;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an attester hands a verifier (the "evidence" of RFC 9334, Remote ATtestation procedureS):
 * a quote, the values of the PCRs it covers, and the event log that explains them. None of it
 * needs to be kept secret or sent over a trusted channel: the quote's signature protects the
 * PCRs, and the PCRs protect the log.
 *
 * @param pcrs the quoted PCRs' values (hex), by index
 */
public record Evidence(Quote quote, Map<Integer, String> pcrs, List<TpmEvent> log) {
    public Evidence {
        pcrs = new TreeMap<>(pcrs);
        log = List.copyOf(log);
    }

    /** Evidence from {@code tpm} now: a quote over {@code selection} with {@code nonce}. */
    public static Evidence of(Tpm tpm, int selection, byte[] nonce) {
        synchronized (tpm) { // the quote, the values and the log of one moment
            Quote quote = tpm.quote(selection, nonce);
            List<byte[]> all = tpm.pcrValues();
            Map<Integer, String> values = new TreeMap<>();
            for (int i = 0; i < PcrBank.COUNT; i++) {
                if ((selection & (1 << i)) != 0) {
                    values.put(i, Sha256.hex(all.get(i)));
                }
            }
            return new Evidence(quote, values, tpm.log());
        }
    }
}
