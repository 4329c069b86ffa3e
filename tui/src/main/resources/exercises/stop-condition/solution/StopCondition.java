/** The pre-copy stop condition (reference solution). */
public final class StopCondition {
    private StopCondition() {}

    public static boolean stopAndCopy(int round, long dirtyPages, long dirtyPagesPerSecond, long linkPagesPerSecond,
                                      int maxRounds, long smallEnough) {
        boolean small = dirtyPages <= smallEnough;
        boolean late = round >= maxRounds;
        boolean hopeless = dirtyPagesPerSecond >= linkPagesPerSecond;
        return small || late || hopeless;
    }
}
