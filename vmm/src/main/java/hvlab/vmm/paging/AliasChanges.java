package hvlab.vmm.paging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Changes to the emulator's memory map that the shadow MMU decided on inside a trap and that wait
 * for the CPU to stop (see {@link CpuPaging}: on Unicorn 2.0.1 the memory map does the
 * translation, and only mapping a page that had nothing is safe while the CPU runs). A run of frames to
 * move to linear pages, a device page to alias, placeholders to drop, frames whose translated
 * code must go (the VMM wrote them), or everything back as at power-on (a restore).
 */
final class AliasChanges {
    /** Linear page to {frame, pages}: a run of frames to show from there. */
    private final Map<Long, long[]> moves = new LinkedHashMap<>();
    /** Pages to alias to a frame, the frame staying where it is (see {@link RealPaging#alias}). */
    private final Map<Long, Long> aliases = new LinkedHashMap<>();
    /** Pages to alias to a device's page (its physical address). */
    private final Map<Long, Long> devices = new LinkedHashMap<>();
    /** Frame ranges written by the VMM: {from, length} pairs. */
    private final List<long[]> codeWritten = new ArrayList<>();
    /** Alias pages to take away: their frame holds code now, which must have one place. */
    private final List<Long> unaliases = new ArrayList<>();
    private boolean dropPlaceholders;
    private boolean dropAliases;
    private boolean identity;

    void move(long page, long frame, long pages) {
        moves.put(page, new long[] {frame, pages});
    }

    void alias(long page, long frame) {
        aliases.put(page, frame);
    }

    void makeDevice(long page, long deviceFrame) {
        devices.put(page, deviceFrame);
    }

    void unalias(long page) {
        unaliases.add(page);
    }

    /** Every alias goes (too many of them: each is one of QEMU's RAM blocks). */
    void dropAliases() {
        dropAliases = true;
    }

    void codeWritten(long frame, long length) {
        codeWritten.add(new long[] {frame, length});
    }

    void dropPlaceholders() {
        dropPlaceholders = true;
    }

    /** Every change still waiting is stale: RAM goes back to its own addresses. */
    void identity() {
        identity = true;
        moves.clear();
        aliases.clear();
        devices.clear();
        codeWritten.clear();
        unaliases.clear();
    }

    boolean pending() {
        return identity || dropPlaceholders || dropAliases || !moves.isEmpty() || !aliases.isEmpty() || !devices.isEmpty()
                || !codeWritten.isEmpty() || !unaliases.isEmpty();
    }

    /** Applies what waited; moves and aliases only while the guest still pages. */
    void apply(RealPaging real, boolean paging, LongConsumer vacated) {
        if (identity) {
            real.identity();
            identity = false;
        }
        for (long[] range : codeWritten) {
            real.dropCode(range[0], range[1]); // before any move: the code is found where it is now
        }
        codeWritten.clear();
        for (long page : unaliases) {
            real.unalias(page, vacated);
        }
        unaliases.clear();
        if (dropAliases) {
            real.dropAliases(vacated);
            dropAliases = false;
        }
        if (dropPlaceholders) {
            real.dropPlaceholders();
            dropPlaceholders = false;
        }
        if (paging) {
            moves.forEach((page, run) -> real.move(page, run[0], run[1], vacated));
            aliases.forEach((page, frame) -> real.alias(page, frame, 1, vacated));
            devices.forEach((page, frame) -> real.aliasDevice(page, frame, vacated));
        }
        moves.clear();
        aliases.clear();
        devices.clear();
    }
}
