package hvlab.vmm.containment;

import hvlab.vmm.ExecutionMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The containment fuzzer in CI: a few hundred seeded cases per mode, the same ones on every
 * run (jqwik's seed is fixed), each a random hostile guest that must leave the VMM intact (see
 * {@link ContainmentFuzzer} for the invariants). A failure names the case's own seed, which
 * reproduces it alone: {@code hv fuzz --runs 1 --seed S --mode M}. Long campaigns run the
 * same generator from the command line.
 *
 * <p>The tries are sized to keep this class to about half a minute on a two-core machine.
 */
class ContainmentFuzzTest {
    private static final int TRIES = 250;

    @Property(tries = TRIES, seed = "20261129")
    void trapModeContainsEveryCase(@ForAll long seed) {
        assertContained(ExecutionMode.TRAP, seed);
    }

    @Property(tries = TRIES, seed = "20261130")
    void binaryTranslationContainsEveryCase(@ForAll long seed) {
        assertContained(ExecutionMode.BT, seed);
    }

    @Property(tries = TRIES, seed = "20261201")
    void paravirtModeContainsEveryCase(@ForAll long seed) {
        assertContained(ExecutionMode.PARAVIRT, seed);
    }

    @Property(tries = 50, seed = "7")
    void theSameSeedMakesTheSameGuest(@ForAll long seed) {
        ContainmentFuzzer fuzzer = new ContainmentFuzzer(null);
        FuzzCase first = fuzzer.generate(seed);
        FuzzCase second = fuzzer.generate(seed);
        assertArrayEquals(first.image(), second.image());
        assertEquals(first.mode(), second.mode());
        assertEquals(first.kind(), second.kind());
        assertEquals(first.pieces(), second.pieces());
        assertTrue(first.pieces() >= 1 && first.pieces() <= FuzzLayout.MAX_SEGMENTS / 4 * 8,
                "1 to 12 segments of 1 to 8 pieces: " + first.describe());
    }

    private static void assertContained(ExecutionMode mode, long seed) {
        ContainmentFuzzer fuzzer = new ContainmentFuzzer(mode);
        ContainmentFuzzer.Verdict verdict = fuzzer.run(fuzzer.generate(seed));
        assertTrue(verdict.contained(), () -> verdict.fuzzCase().describe() + ": " + verdict.problem()
                + " (exit: " + verdict.exitDetail() + ")");
        if (verdict.exitReason().equals("debug-exit")) {
            // the kernel's last act is an OUT to the debug-exit port, a VM exit the VMM handled
            assertTrue(verdict.traps() >= 1, () -> verdict.fuzzCase().describe() + " ended by OUT, yet counted no exit");
        }
    }
}
