package hvlab.vmm.tpm;

import java.util.List;
import java.util.Map;

/**
 * A TPM as written out: its keys (private parts wrapped, see {@link TpmKeys.Stored}), PCRs, event
 * log, NV storage and power-on count, as plain data Jackson writes as JSON. Monotonic counters
 * are not here, on purpose: see {@link MonotonicCounters}.
 *
 * @param pcrs hex, PCR 0 first
 */
public record TpmState(String format, TpmKeys.Stored keys, List<String> pcrs, List<TpmEvent> log,
                       Map<Integer, byte[]> nv, long resetCount) {
    public static final String FORMAT = "hvlab-tpm-1";
}
