package hvlab.vmmm.migration;

import hvlab.vmmm.migration.StopRule.Reason;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Each of pre-copy's stop conditions, alone, and the order they are asked in. */
class StopRuleTest {
    /** 8 rounds, stop at 64 pages, 10 s, the link measured. */
    static final MigrationLimits LIMITS = MigrationLimits.DEFAULT;
    static final double LINK = 100e6; // bytes a second: 24 414 pages

    @Test
    void aWorkingSetLargerThanTheStopButSlowerThanTheLinkGoesOn() {
        assertEquals(Reason.GO_ON, StopRule.decide(LIMITS, 1, 500, 300, 1000, LINK));
    }

    @Test
    void eachConditionStopsAlone() {
        assertEquals(Reason.ROUNDS_EXHAUSTED, StopRule.decide(LIMITS, 8, -1, 300, 0, LINK));
        assertEquals(Reason.DIRTY_SET_SMALL, StopRule.decide(LIMITS, 1, 64, 300, 1000, LINK));
        assertEquals(Reason.GO_ON, StopRule.decide(LIMITS, 1, 65, 300, 1000, LINK));
        assertEquals(Reason.TIME_EXHAUSTED, StopRule.decide(LIMITS, 1, 500, 10_000, 1000, LINK));
        assertEquals(Reason.DIRTY_RATE_ABOVE_LINK, StopRule.decide(LIMITS, 1, 500, 300, 30_000, LINK));
        assertEquals(Reason.GO_ON, StopRule.decide(LIMITS, 1, 500, 300, 24_000, LINK));
    }

    @Test
    void roundZeroCopiesAllOfRamSoItsRateDoesNotStopIt() {
        assertEquals(Reason.GO_ON, StopRule.decide(LIMITS, 0, 500, 300, 1e9, LINK));
    }

    @Test
    void theLimitsAreTheCallersAndAreConfigurable() {
        MigrationLimits tight = new MigrationLimits(2, 1000, 50, 0);
        assertEquals(Reason.DIRTY_SET_SMALL, StopRule.decide(tight, 1, 500, 10, 0, LINK));
        MigrationLimits patient = new MigrationLimits(100, 0, 60_000, 0);
        assertEquals(Reason.GO_ON, StopRule.decide(patient, 1, 1, 30_000, 10, LINK));
        assertEquals(Reason.DIRTY_SET_SMALL, StopRule.decide(patient, 1, 0, 30_000, 10, LINK));
    }
}
