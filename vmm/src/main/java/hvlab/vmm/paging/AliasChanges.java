package hvlab.vmm.paging;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Changes to the emulator's memory map that the shadow MMU decided on inside a trap and that wait
 * for the CPU to stop (see {@link CpuPaging}: on Unicorn 2.0.1 the memory map does the
 * translation of linear pages above RAM). A page to alias to a frame, a page whose alias must go
 * (INVLPG), or every alias (a CR3 load, a restore).
 */
final class AliasChanges {
    private final Map<Long, Long> toMake = new HashMap<>();
    /** Pages to alias to a device's page (its physical address). */
    private final Map<Long, Long> devicesToMake = new HashMap<>();
    private final Set<Long> toDrop = new HashSet<>();
    private boolean dropAll;

    void make(long page, long frame) {
        toMake.put(page, frame);
    }

    void makeDevice(long page, long deviceFrame) {
        devicesToMake.put(page, deviceFrame);
    }

    void drop(long page) {
        toMake.remove(page);
        devicesToMake.remove(page);
        toDrop.add(page);
    }

    void dropAll() {
        dropAll = true;
        toMake.clear();
        devicesToMake.clear();
    }

    boolean pending() {
        return dropAll || !toDrop.isEmpty() || !toMake.isEmpty() || !devicesToMake.isEmpty();
    }

    /** Applies what waited, drops first; new aliases only while the guest still pages. */
    void apply(RealPaging real, boolean paging) {
        if (dropAll) {
            real.dropAliases();
            dropAll = false;
            toDrop.clear();
        }
        for (long page : toDrop) {
            real.dropAlias(page);
        }
        toDrop.clear();
        if (paging) {
            toMake.forEach(real::alias);
            devicesToMake.forEach(real::aliasDevice);
        }
        toMake.clear();
        devicesToMake.clear();
    }
}
