package hvlab.vmm.paging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The second mappings of {@link CpuPaging}: runs of linear pages that show frames shown
 * elsewhere too. Pure bookkeeping, no emulator; each run is one emulator mapping, taken away
 * whole (a part of a mapping cannot be unmapped without QEMU copying it into new memory).
 *
 * <p>Why a frame may be shown twice, although {@link FrameRuns} keeps one place per frame: that
 * rule is for code. QEMU files a translated block under the RAM block its code was found in and
 * catches a store to code only through that block, so a frame with code must have one mapping.
 * A frame of data has no such need: two mappings of the same host memory see the same bytes. And
 * moving data frames costs without bound: each user page cut the kernel's run of all RAM, and
 * every cut is one more of QEMU's RAM blocks, which it places by comparing each with every other.
 */
final class FrameAliases {
    private final TreeMap<Long, FrameRuns.Run> byLinear = new TreeMap<>();

    /** Records a run over linear pages no alias holds (the caller checked). */
    void put(FrameRuns.Run run) {
        byLinear.put(run.linear(), run);
    }

    /** The alias run showing linear page {@code page}, or null. */
    FrameRuns.Run runAt(long page) {
        Map.Entry<Long, FrameRuns.Run> e = byLinear.floorEntry(page);
        return e != null && page < e.getValue().linearEnd() ? e.getValue() : null;
    }

    /** The frame aliased at {@code page}, or -1. */
    long frameAt(long page) {
        FrameRuns.Run run = runAt(page);
        return run == null ? -1 : run.frameAt(page);
    }

    boolean contains(long page) {
        return runAt(page) != null;
    }

    void remove(FrameRuns.Run run) {
        byLinear.remove(run.linear());
    }

    /** The pages where {@code frame} is aliased, lowest first. */
    List<Long> pagesOf(long frame) {
        List<Long> pages = new ArrayList<>();
        for (FrameRuns.Run run : byLinear.values()) {
            if (frame >= run.frame() && frame < run.frameEnd()) {
                pages.add(run.linearOf(frame));
            }
        }
        return pages;
    }

    /** Every alias run; the bookkeeping is emptied. */
    List<FrameRuns.Run> clear() {
        List<FrameRuns.Run> runs = new ArrayList<>(byLinear.values());
        byLinear.clear();
        return runs;
    }

    /** Runs held now: each is one of QEMU's RAM blocks. */
    int size() {
        return byLinear.size();
    }
}
