package hvlab.vmm.host;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The credit scheduler on a made-up clock: VMs that always want the CPU, CPUs that run whatever
 * the scheduler picks for as long as it says, and the CPU time each VM got in the end.
 */
class CreditSchedulerTest {
    private static final long SECOND = 1_000_000_000L;

    /** Simulates {@code cpus} CPUs for {@code seconds}; returns each VM's share of one CPU. */
    private static Map<String, Double> simulate(CreditScheduler scheduler, int cpus, double seconds, String... ids) {
        Map<String, Long> ran = new LinkedHashMap<>();
        for (String id : ids) ran.put(id, 0L);
        long end = (long) (seconds * SECOND);
        // Each CPU runs one slice at a time; events are taken in time order: a CPU that comes
        // free first hands its VM back (charge) and asks for the next one (pick).
        long[] cpuFree = new long[cpus];
        CreditScheduler.Pick[] running = new CreditScheduler.Pick[cpus];
        while (true) {
            int cpu = 0;
            for (int i = 1; i < cpus; i++) if (cpuFree[i] < cpuFree[cpu]) cpu = i;
            long now = cpuFree[cpu];
            if (running[cpu] != null) {
                scheduler.charge(running[cpu].id(), running[cpu].sliceNanos(), now);
                running[cpu] = null;
            }
            if (now >= end) break;
            CreditScheduler.Pick pick = scheduler.pick(now);
            if (pick == null) {
                long wait = scheduler.nanosUntilUnthrottled(now);
                cpuFree[cpu] = now + (wait > 0 ? Math.min(wait, 1_000_000) : 1_000_000);
                continue;
            }
            long slice = Math.min(pick.sliceNanos(), end - now);
            ran.merge(pick.id(), slice, Long::sum);
            running[cpu] = new CreditScheduler.Pick(pick.id(), slice);
            cpuFree[cpu] = now + slice;
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        ran.forEach((id, nanos) -> shares.put(id, nanos / (double) end));
        return shares;
    }

    private static CreditScheduler withVms(int cpus, Object... idWeightCap) {
        CreditScheduler scheduler = new CreditScheduler(cpus);
        for (int i = 0; i < idWeightCap.length; i += 3) {
            scheduler.add((String) idWeightCap[i], (int) idWeightCap[i + 1], (int) idWeightCap[i + 2]);
            scheduler.setWants((String) idWeightCap[i], true, 0);
        }
        return scheduler;
    }

    @Test
    void sharesFollowWeightsOnOneCpu() {
        var shares = simulate(withVms(1, "a", 512, 0, "b", 256, 0, "c", 256, 0), 1, 10, "a", "b", "c");
        assertEquals(0.50, shares.get("a"), 0.02, shares.toString());
        assertEquals(0.25, shares.get("b"), 0.02, shares.toString());
        assertEquals(0.25, shares.get("c"), 0.02, shares.toString());
    }

    @Test
    void aCappedVmStaysUnderItsCapAndTheOthersShareTheRestByWeight() {
        var shares = simulate(withVms(1, "a", 512, 0, "b", 256, 0, "c", 256, 0, "d", 1024, 20), 1, 10, "a", "b", "c", "d");
        assertTrue(shares.get("d") <= 0.20 + 1e-9, shares.toString());
        assertEquals(0.20, shares.get("d"), 0.02, shares.toString());
        assertEquals(0.40, shares.get("a"), 0.02, shares.toString());
        assertEquals(0.20, shares.get("b"), 0.02, shares.toString());
        assertEquals(0.20, shares.get("c"), 0.02, shares.toString());
    }

    @Test
    void aCapHoldsOnAnIdleHostToo() {
        var shares = simulate(withVms(2, "alone", 256, 30), 2, 5, "alone");
        assertEquals(0.30, shares.get("alone"), 0.01, shares.toString());
    }

    @Test
    void noVmRunsOnTwoCpusAtOnceAndTwoCpusServeTwoVmsFully() {
        var shares = simulate(withVms(2, "a", 256, 0, "b", 256, 0), 2, 5, "a", "b");
        assertEquals(1.0, shares.get("a"), 0.01, shares.toString());
        assertEquals(1.0, shares.get("b"), 0.01, shares.toString());
    }

    @Test
    void noVmStarvesHoweverLightItsWeight() {
        var shares = simulate(withVms(1, "heavy", 65535, 0, "light", 1, 0), 1, 20, "heavy", "light");
        assertTrue(shares.get("light") > 0, "the light VM ran at all: " + shares);
    }

    @Test
    void aVmThatDoesNotWantTheCpuIsNeverPicked() {
        CreditScheduler scheduler = withVms(1, "a", 256, 0, "b", 256, 0);
        scheduler.setWants("b", false, 0);
        for (int i = 0; i < 10; i++) {
            CreditScheduler.Pick pick = scheduler.pick(i * 10_000_000L);
            assertEquals("a", pick.id());
            scheduler.charge("a", pick.sliceNanos(), (i + 1) * 10_000_000L);
        }
    }

    @Test
    void badWeightsAndCapsAreRefusedWithAMessage() {
        CreditScheduler scheduler = new CreditScheduler(1);
        assertTrue(assertThrows(HostException.class, () -> scheduler.add("x", 0, 0)).getMessage().contains("weight"));
        assertTrue(assertThrows(HostException.class, () -> scheduler.add("x", 256, 101)).getMessage().contains("cap"));
    }
}
