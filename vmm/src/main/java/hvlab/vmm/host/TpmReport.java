package hvlab.vmm.host;

import hvlab.vmm.tpm.TpmEvent;

import java.util.List;

/**
 * A TPM's PCRs and event log as {@code hv tpm pcrs} and {@code hv tpm log} show them.
 *
 * @param pcrs         hex, PCR 0 first
 * @param replayedPcrs what replaying the log gives, hex, PCR 0 first
 * @param note         how the values came about (a VM that is not running is measured as it would boot)
 */
public record TpmReport(String target, String tpm, List<String> pcrs, List<String> replayedPcrs, List<TpmEvent> log,
                        String note) {
}
