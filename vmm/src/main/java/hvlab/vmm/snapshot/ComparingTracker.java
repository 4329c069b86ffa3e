package hvlab.vmm.snapshot;

import hvlab.cpu.GuestMemory;

import java.util.BitSet;

/**
 * Dirty pages found by comparing RAM with a copy of it kept at the starting point: the way that
 * needs nothing from the host, and the fallback where the kernel cannot track writes.
 *
 * <p>What it costs: a second copy of RAM in host memory; at each snapshot a pass over all of RAM
 * and the copy (the JDK compares vectorised, several gigabytes a second), however little was
 * written; nothing while the guest runs. The copy catches up by the changed pages only.
 *
 * <p>It finds exactly the pages whose bytes differ, so a page written back with what it held is
 * not kept, which is harmless: its contents are the parent's.
 */
public final class ComparingTracker implements DirtyPageTracker {
    static final String METHOD = "compare";
    private static final int PAGE = PageSet.PAGE;

    private final GuestMemory ram;
    private final GuestMemory baseline;

    public ComparingTracker(GuestMemory ram) {
        this.ram = ram;
        this.baseline = new GuestMemory(ram.size(), true); // written whole at once by startOver: no page faults one by one
    }

    @Override
    public void startOver() {
        baseline.copyFrom(ram);
    }

    @Override
    public BitSet takeDirty() {
        BitSet dirty = new BitSet((int) (ram.size() / PAGE));
        for (long at = 0; at < ram.size(); at += PAGE) {
            if (!ram.sameAs(baseline, at, PAGE)) {
                dirty.set((int) (at / PAGE));
                baseline.copyFrom(ram, at, PAGE);
            }
        }
        return dirty;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public void close() {
        baseline.close();
    }
}
