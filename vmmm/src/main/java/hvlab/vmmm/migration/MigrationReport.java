package hvlab.vmmm.migration;

import hvlab.vmmm.protocol.Message.Progress;

import java.util.List;

/**
 * What a live migration did: its rounds, and the two times Clark et al. measure. Downtime runs
 * from the moment the VM was paused at the source to the moment the target said it runs; total
 * time from the first byte to that moment.
 */
public record MigrationReport(String vm, String from, String to, List<Progress> rounds, long pagesSent, long bytesSent,
                              long downtimeMicros, long totalMicros, boolean secure) {
    public MigrationReport {
        rounds = List.copyOf(rounds);
    }
}
