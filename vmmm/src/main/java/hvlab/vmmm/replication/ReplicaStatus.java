package hvlab.vmmm.replication;

import java.util.Locale;

/**
 * One replication as {@code dc replicas} shows it, from one side.
 *
 * @param role            {@code primary} (this host runs the VM) or {@code backup} (it holds the replica)
 * @param peer            the host at the other end
 * @param epochsSent      checkpoints sent (primary) or sealed (backup)
 * @param epochsAcked     checkpoints acknowledged
 * @param lastPauseMicros how long the VM was held off its CPU for the last checkpoint (primary)
 * @param meanPauseMicros the pause averaged over every checkpoint so far (primary)
 * @param lastRoundTripMicros from taking the last acknowledged checkpoint to its acknowledgement (primary):
 *                        how long its output was held at most
 * @param lastBytes       the last checkpoint's pages and state, in bytes
 * @param averageBytes    bytes per epoch since epoch 1 (epoch 0 is all of RAM)
 * @param consoleTotal    the console position of the last acknowledged checkpoint: output up to it may be seen
 * @param epochMillis     the epoch: a checkpoint this often
 * @param state           {@code replicating}, {@code failed over}, {@code ended: why}, {@code refused: why}
 */
public record ReplicaStatus(String vm, String role, String peer, long epochMillis, long epochsSent, long epochsAcked,
                            long lastPauseMicros, long meanPauseMicros, long lastRoundTripMicros, long lastBytes, long averageBytes, long consoleTotal, String state) {
    public boolean primary() {
        return role.equals("primary");
    }

    /** One line: {@code c -> h2: replicating, 40 checkpoints every 50 ms, ...} (primary) or {@code c <- h1 (backup): ...}. */
    public String describe() {
        if (!primary()) {
            return String.format(Locale.ROOT, "%s <- %s (backup): %s, %d checkpoints held, %.1f KB per epoch",
                    vm, peer, state, epochsAcked, averageBytes / 1000.0);
        }
        return String.format(Locale.ROOT, "%s -> %s: %s, %d checkpoints every %d ms (%d acknowledged), VM held %.1f ms (mean %.1f),"
                        + " output held %.1f ms, %.1f KB per epoch",
                vm, peer, state, epochsSent, epochMillis, epochsAcked, lastPauseMicros / 1000.0, meanPauseMicros / 1000.0,
                lastRoundTripMicros / 1000.0, averageBytes / 1000.0);
    }
}
