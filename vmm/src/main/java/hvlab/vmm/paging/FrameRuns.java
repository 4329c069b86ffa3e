package hvlab.vmm.paging;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Where each guest frame is visible in the emulator's address space: the bookkeeping of
 * {@link CpuPaging}, pure logic with no emulator (DESIGN.md section 17, "RAM that moves").
 *
 * <p>Unicorn 2.0.1 translates linear = physical (section 10), so a guest page at linear L that
 * maps frame F works only if the emulator's memory map shows F's memory at address L. The map is
 * kept as <em>runs</em>: a run shows frames [frame, frame + n) at [linear, linear + n), one
 * emulator mapping each. Two rules make the emulator's translated code safe:
 * <ol>
 *   <li><b>One place per frame.</b> A frame is in at most one run. QEMU files a translated block
 *       under the RAM block it found the code's host memory in, and catches a store to code only
 *       through that block; with one mapping per frame there is only one block to find, so
 *       self-modifying code and code written by the kernel at KERNBASE + pa then run at a user
 *       address are caught as on a real machine. A frame wanted at a second address moves.</li>
 *   <li><b>Code goes before its run.</b> A run's translated blocks are removed before its mapping
 *       is (the {@link Step.Unmap} step says so): QEMU gives a new mapping the RAM addresses of a
 *       freed one, and a block left behind would run for the new mapping's code.</li>
 * </ol>
 * Runs never span a 4 MiB boundary of linear space (the caller builds them inside one guest page
 * table), so a move splits at most one 4 MiB piece of a large run.
 */
final class FrameRuns {
    static final long PAGE = 4096;

    /** Frames [frame, frame + pages) shown at linear [linear, linear + pages), in page units of bytes. */
    record Run(long linear, long frame, long pages) {
        long linearEnd() {
            return linear + pages * PAGE;
        }

        long frameEnd() {
            return frame + pages * PAGE;
        }

        long frameAt(long page) {
            return frame + (page - linear);
        }

        long linearOf(long frameAddress) {
            return linear + (frameAddress - frame);
        }
    }

    /** What the emulator's memory map must do, in order. */
    sealed interface Step {
        /** Remove the run's translated code, then its mapping. */
        record Unmap(Run run) implements Step {}

        /** Map the run (the guest's RAM from {@code frame}, at {@code linear}). */
        record Map(Run run) implements Step {}
    }

    private final TreeMap<Long, Run> byLinear = new TreeMap<>();
    private final TreeMap<Long, Run> byFrame = new TreeMap<>();

    /** The run showing linear page {@code page}, or null. */
    Run atLinear(long page) {
        Map.Entry<Long, Run> e = byLinear.floorEntry(page);
        return e != null && page < e.getValue().linearEnd() ? e.getValue() : null;
    }

    /** The run holding frame {@code frame}, or null. */
    Run ofFrame(long frame) {
        Map.Entry<Long, Run> e = byFrame.floorEntry(frame);
        return e != null && frame < e.getValue().frameEnd() ? e.getValue() : null;
    }

    /** The frame shown at linear page {@code page}, or -1. */
    long frameAt(long page) {
        Run run = atLinear(page);
        return run == null ? -1 : run.frameAt(page);
    }

    /** The linear page frame {@code frame} is shown at, or -1. */
    long linearOf(long frame) {
        Run run = ofFrame(frame);
        return run == null ? -1 : run.linearOf(frame);
    }

    int size() {
        return byLinear.size();
    }

    List<Run> runs() {
        return List.copyOf(byLinear.values());
    }

    /** Records a run over linear pages and frames that no run holds (the caller checked, see {@link #free}). */
    Step.Map add(Run run) {
        byLinear.put(run.linear(), run);
        byFrame.put(run.frame(), run);
        return new Step.Map(run);
    }

    /** Neither the linear page nor the frame is in a run. */
    boolean free(long page, long frame) {
        return atLinear(page) == null && ofFrame(frame) == null;
    }

    /**
     * Makes linear pages [{@code linear}, + {@code pages}) show frames [{@code frame}, + {@code
     * pages}): see {@link #cut}, then the new run is mapped.
     */
    List<Step> move(long linear, long frame, long pages, LongConsumer vacated) {
        List<Step> steps = cut(linear, pages, frame, pages, vacated);
        steps.add(add(new Run(linear, frame, pages)));
        return steps;
    }

    /**
     * Takes linear pages [{@code linear}, + {@code linearPages}) and frames [{@code frame}, +
     * {@code framePages}) out of the runs they are in: each such run is unmapped whole and its
     * other pages mapped again as smaller runs. Every linear page that stops showing the frame it
     * showed is told to {@code vacated}: a shadow entry there is stale.
     */
    List<Step> cut(long linear, long linearPages, long frame, long framePages, LongConsumer vacated) {
        Set<Run> cut = new LinkedHashSet<>();
        overlapping(byLinear, linear, linear + linearPages * PAGE, cut);
        overlapping(byFrame, frame, frame + framePages * PAGE, cut);
        List<Step> steps = new ArrayList<>();
        for (Run run : cut) {
            remove(run);
            steps.add(new Step.Unmap(run));
        }
        long linearEnd = linear + linearPages * PAGE;
        long frameEnd = frame + framePages * PAGE;
        for (Run run : cut) {
            long start = run.linear();
            for (long at = run.linear(); at <= run.linearEnd(); at += PAGE) {
                boolean end = at == run.linearEnd();
                long f = run.frameAt(at);
                boolean keep = !end && !(at >= linear && at < linearEnd) && !(f >= frame && f < frameEnd);
                if (keep) continue;
                if (at > start) {
                    steps.add(add(new Run(start, run.frameAt(start), (at - start) / PAGE)));
                }
                if (!end) {
                    vacated.accept(at);
                }
                start = at + PAGE;
            }
        }
        return steps;
    }

    /** The runs of {@code index} (by linear page or by frame) that overlap [from, to). */
    private static void overlapping(TreeMap<Long, Run> index, long from, long to, Set<Run> into) {
        if (to <= from) {
            return;
        }
        Map.Entry<Long, Run> before = index.floorEntry(from);
        if (before != null) {
            Run run = before.getValue();
            long end = before.getKey() + run.pages() * PAGE;
            if (from < end) {
                into.add(run);
            }
        }
        into.addAll(index.subMap(from, false, to, false).values());
    }

    /**
     * Joins runs that continue one another, the next linear page showing the next frame, inside
     * one 4 MiB piece of linear space: the pieces a frame left when it moved away and came back
     * (a user code page of xv6's, freed and shown again at KERNBASE + pa) become one mapping
     * again. The steps unmap the pieces, their code first, and map the whole.
     */
    List<Step> coalesce() {
        List<Step> steps = new ArrayList<>();
        List<Run> all = new ArrayList<>(byLinear.values());
        for (int i = 0, j; i < all.size(); i = j + 1) {
            j = i;
            while (j + 1 < all.size() && continues(all.get(j), all.get(j + 1))) {
                j++;
            }
            if (j == i) {
                continue;
            }
            for (Run piece : all.subList(i, j + 1)) {
                remove(piece);
                steps.add(new Step.Unmap(piece));
            }
            Run first = all.get(i);
            steps.add(add(new Run(first.linear(), first.frame(), (all.get(j).linearEnd() - first.linear()) / PAGE)));
        }
        return steps;
    }

    private static boolean continues(Run run, Run next) {
        return run.linearEnd() == next.linear() && run.frameEnd() == next.frame() && run.linear() >>> 22 == (next.linearEnd() - 1) >>> 22;
    }

    /** Forgets every run; the steps unmap them all. */
    List<Step> clear() {
        List<Step> steps = new ArrayList<>();
        for (Run run : byLinear.values()) {
            steps.add(new Step.Unmap(run));
        }
        byLinear.clear();
        byFrame.clear();
        return steps;
    }

    private void remove(Run run) {
        byLinear.remove(run.linear());
        byFrame.remove(run.frame());
    }
}
