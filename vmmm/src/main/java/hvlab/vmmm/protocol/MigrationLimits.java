package hvlab.vmmm.protocol;

/**
 * When pre-copy stops copying rounds and stops the VM (Clark et al. 2005, section 5): when the
 * pages written during a round are few enough to send in the wanted downtime, when it has done
 * its rounds or used its time, or when the guest writes pages faster than the link sends them
 * (more rounds would never catch up; Clark's "writable working set").
 *
 * @param maxRounds          pre-copy rounds after round 0
 * @param stopAtPages        stop when a round would send at most this many pages
 * @param maxMillis          stop after this long in pre-copy
 * @param linkBytesPerSecond the link's rate as configured (0: measure it from round 0)
 */
public record MigrationLimits(int maxRounds, int stopAtPages, long maxMillis, long linkBytesPerSecond) {
    public static final MigrationLimits DEFAULT = new MigrationLimits(8, 64, 10_000, 0);
    /** No pre-copy rounds at all: pause at once and send everything (stop-and-copy, the baseline). */
    public static final MigrationLimits STOP_AND_COPY = new MigrationLimits(-1, 0, 0, 0);

    public MigrationLimits {
        if (maxRounds < -1 || maxRounds > 1000 || stopAtPages < 0 || maxMillis < 0 || linkBytesPerSecond < 0) {
            throw new IllegalArgumentException("migration limits out of range: " + maxRounds + " rounds, "
                    + stopAtPages + " pages, " + maxMillis + " ms, " + linkBytesPerSecond + " B/s");
        }
    }

    /** Stop-and-copy: no round 0 while the VM runs. */
    public boolean stopAndCopy() {
        return maxRounds < 0;
    }
}
