package hvlab.vmm.snapshot;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.linux.WriteProtectWatch;

import java.util.BitSet;

/**
 * Finds the pages of a VM's RAM written since a moment: what an incremental snapshot keeps (and,
 * later, what each round of a live migration sends again). The moment is the last snapshot the VM
 * descends from; the tracker is told of it with {@link #startOver()}.
 *
 * <p>Correctness comes first: a page written and not reported is a snapshot that restores the
 * wrong memory, silently. A tracker may report more pages than changed (a page written back with
 * the same bytes), never fewer.
 *
 * <p>Two ways, chosen by {@link #forRam} (DESIGN.md, "Finding the pages a snapshot must keep",
 * has the measurements of these and of the ways rejected):
 * <ul>
 *   <li>{@link WriteProtectTracker}: the host kernel write-protects RAM and reports the pages
 *       stored to. Near zero cost when little was written; the first store to each page after a
 *       snapshot costs about a microsecond.</li>
 *   <li>{@link ComparingTracker}, where the kernel cannot (before Linux 6.7, a seccomp filter that
 *       forbids userfaultfd): compare RAM with a copy kept at the last snapshot. A pass over RAM at
 *       each snapshot and a second copy of RAM, nothing while the guest runs.</li>
 * </ul>
 * One thread at a time, with the guest stopped while {@link #takeDirty()} runs.
 */
public interface DirtyPageTracker extends AutoCloseable {
    /** Selects the way: {@code write-protect} (the default where it works) or {@code compare}. */
    String PROPERTY = "hvlab.dirty-pages";

    /** RAM as it is now is the new starting point: nothing counts as written. */
    void startOver();

    /**
     * The pages (by number) that may have been written since the starting point, and the next
     * starting point set at the same moment, so that no store falls between two intervals.
     */
    BitSet takeDirty();

    /** How it finds the pages, in a few words (for logs and benchmarks). */
    String method();

    @Override
    void close();

    /**
     * The best tracker for {@code ram} this process can have: write protection unless the kernel
     * refuses it or {@link #PROPERTY} says {@code compare}. Call {@link #startOver()} before use.
     */
    static DirtyPageTracker forRam(GuestMemory ram) {
        String wanted = System.getProperty(PROPERTY, WriteProtectTracker.METHOD);
        if (wanted.equals(WriteProtectTracker.METHOD) && WriteProtectWatch.unavailable() == null) {
            return new WriteProtectTracker(ram);
        }
        if (!wanted.equals(WriteProtectTracker.METHOD) && !wanted.equals(ComparingTracker.METHOD)) {
            throw new IllegalArgumentException(PROPERTY + " is '" + wanted + "': it must be "
                    + WriteProtectTracker.METHOD + " or " + ComparingTracker.METHOD);
        }
        return new ComparingTracker(ram);
    }
}
