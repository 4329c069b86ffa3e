package hvlab.vmmm.migration;

import hvlab.vmmm.protocol.Message.Progress;

import java.util.List;

/**
 * What a live migration did: its rounds, and the two times Clark et al. measure. Downtime runs
 * from the moment the VM was paused at the source to the moment the target said it runs; total
 * time from the first byte to that moment.
 *
 * @param vtpm the TPM the VM's vTPM was sealed to ({@code host h2}), or null for a VM without one
 */
public record MigrationReport(String vm, String from, String to, List<Progress> rounds, long pagesSent, long bytesSent,
                              long downtimeMicros, long totalMicros, boolean secure, String vtpm) {
    public MigrationReport {
        rounds = List.copyOf(rounds);
    }
}
