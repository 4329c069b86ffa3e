/** The pre-copy stop condition: see 'hv exercise show stop-condition'. */
public final class StopCondition {
    private StopCondition() {}

    public static boolean stopAndCopy(int round, long dirtyPages, long dirtyPagesPerSecond, long linkPagesPerSecond,
                                      int maxRounds, long smallEnough) {
        // TODO: small enough, out of rounds, or dirtying faster than the link sends.
        return false;
    }
}
