package hvlab.vmmm.migration;

import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.MigrationLimits;

/**
 * When pre-copy stops iterating and sends the last round while the VM still runs (Clark et al.,
 * NSDI 2005, section 4: "we stop when the dirty set is small, after a bounded number of rounds, or
 * when the page dirtying rate exceeds the bandwidth, since further rounds would not shrink it").
 * Pure: the caller measures, this decides.
 */
public final class StopRule {
    private StopRule() {}

    /** Why pre-copy stops after a round; {@link #GO_ON} when another round is worth it. */
    public enum Reason { GO_ON, ROUNDS_EXHAUSTED, DIRTY_SET_SMALL, TIME_EXHAUSTED, DIRTY_RATE_ABOVE_LINK }

    /**
     * @param round         the round just sent (0 is the whole of RAM)
     * @param dirtyPages    pages dirtied while it went, or -1 when no further round was taken ({@code maxRounds} reached)
     * @param elapsedMillis since the migration started
     * @param dirtyPerSecond pages dirtied a second during the round
     * @param linkBytesPerSecond the link's rate, given or measured on round 0
     */
    public static Reason decide(MigrationLimits limits, int round, int dirtyPages, long elapsedMillis,
                                double dirtyPerSecond, double linkBytesPerSecond) {
        if (dirtyPages < 0) return Reason.ROUNDS_EXHAUSTED;
        if (dirtyPages <= limits.stopAtPages()) return Reason.DIRTY_SET_SMALL;
        if (elapsedMillis >= limits.maxMillis()) return Reason.TIME_EXHAUSTED;
        // round 0 copies all of RAM, so its "dirty rate" says nothing about the working set yet
        if (round > 0 && dirtyPerSecond * Codec.PAGE > linkBytesPerSecond) return Reason.DIRTY_RATE_ABOVE_LINK;
        return Reason.GO_ON;
    }
}
