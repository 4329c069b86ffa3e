package hvlab.vmm.paging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The bookkeeping of where frames are shown: cuts, moves and joining the pieces again. */
class FrameRunsTest {
    static final long KERNBASE = 0x80000000L;
    static final long CHUNK = 4L << 20;

    private final FrameRuns runs = new FrameRuns();

    /** RAM at KERNBASE + pa in 4 MiB runs, as xv6's kernel maps it. */
    private void kernelMap(int chunks) {
        for (int i = 0; i < chunks; i++) {
            runs.add(new FrameRuns.Run(KERNBASE + i * CHUNK, i * CHUNK, CHUNK / 4096));
        }
    }

    @Test
    void aFrameMovedAwayCutsItsRunInThreeAndItsOldPageIsVacated() {
        kernelMap(2);
        List<Long> vacated = new ArrayList<>();
        List<FrameRuns.Step> steps = runs.move(0x1000, 0x5000, 1, vacated::add);
        assertEquals(List.of(KERNBASE + 0x5000), vacated);
        assertEquals(new FrameRuns.Step.Unmap(new FrameRuns.Run(KERNBASE, 0, 1024)), steps.getFirst(), "the run's code goes before its mapping");
        assertEquals(4, runs.size(), "the cut run in two pieces, the moved frame, the untouched second chunk");
        assertEquals(0x1000L, runs.linearOf(0x5000));
        assertEquals(-1L, runs.frameAt(KERNBASE + 0x5000));
    }

    @Test
    void piecesThatContinueOneAnotherAreJoinedAgainAndOnlyThose() {
        kernelMap(2);
        runs.move(0x1000, 0x5000, 1, page -> { });
        runs.move(KERNBASE + 0x5000, 0x5000, 1, page -> { }); // the frame comes home, as a run of its own
        assertEquals(4, runs.size());
        List<FrameRuns.Step> steps = runs.coalesce();
        assertEquals(2, runs.size(), "one run per 4 MiB again");
        assertEquals(new FrameRuns.Run(KERNBASE, 0, 1024), runs.atLinear(KERNBASE + 0x5000));
        assertEquals(3, steps.stream().filter(s -> s instanceof FrameRuns.Step.Unmap).count(), "the three pieces go, their code first");
        assertEquals(1, steps.stream().filter(s -> s instanceof FrameRuns.Step.Map).count());
        assertTrue(runs.coalesce().isEmpty(), "nothing left to join");
    }

    @Test
    void runsAreNotJoinedAcrossA4MiBBoundaryOrAcrossAGap() {
        kernelMap(2); // two chunks that continue one another, but each is one guest page table's worth
        assertTrue(runs.coalesce().isEmpty());
        runs.move(0x1000, 0x5000, 1, page -> { }); // frame 0x5000 stays away: a gap between the pieces
        assertTrue(runs.coalesce().isEmpty());
        assertEquals(4, runs.size());
    }
}
