package hvlab.vmmm.replication;

/**
 * How the replication of one VM stands, as its primary host reports it.
 *
 * @param state            replicating, stopped, or lost (the backup went away)
 * @param epochs           checkpoints the backup acknowledged
 * @param lastPages        pages in the last checkpoint (those the guest wrote during the epoch)
 * @param lastPauseMicros  how long the last checkpoint held the VM off its CPUs
 */
public record ReplicaStatus(String vm, String backup, String state, long epochs, int lastPages, long lastPauseMicros, long epochMillis) {
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s -> %s: %s, %d checkpoints every %d ms, last %d pages, VM held %.1f ms",
                vm, backup, state, epochs, epochMillis, lastPages, lastPauseMicros / 1000.0);
    }
}
