package hvlab.cpu.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Does this kernel keep soft-dirty bits? The older way of asking Linux which pages a process
 * wrote (CRIU's incremental dumps use it), measured here and not used by the VMM.
 *
 * <p>How it works: writing {@code 4} to {@code /proc/self/clear_refs} clears the soft-dirty bit of
 * every page table entry of the process and write-protects them all; the first store to a page
 * then faults and the kernel sets the bit again. {@code /proc/self/pagemap} holds one 64-bit
 * entry per virtual page, bit 55 being that bit. It needs a kernel built with
 * {@code CONFIG_MEM_SOFT_DIRTY}; without it the write to {@code clear_refs} still succeeds and bit
 * 55 simply never comes on, so only a test like this one tells.
 *
 * <p>Why the VMM would not use it even where it works: the reset is for the whole process. Every
 * VM of the host lives in this process, so clearing for one VM clears the bits another VM has
 * not harvested yet (they must all be read first), and a store by a running VM between reading
 * the pagemap and clearing is lost for good: a missed page, a corrupt snapshot. Only stopping
 * every VM of the process around each clear makes it safe. It also write-protects the whole JVM
 * heap each time, which then faults page by page. {@link WriteProtectWatch} is the per-range,
 * atomic successor.
 *
 * <p>Running the probe clears the soft-dirty bits of this process (a harmless reset if nothing
 * else here uses them).
 */
public final class SoftDirtyProbe {
    private static final long SOFT_DIRTY = 1L << 55;

    private SoftDirtyProbe() {}

    /** Null if soft-dirty bits work in this process, else why not. */
    public static String unavailable() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = LinuxCalls.mapAnonymous(LinuxCalls.PAGE, arena);
            page.set(JAVA_LONG, 0, 1L);
            int pagemap = LinuxCalls.open("/proc/self/pagemap", LinuxCalls.O_RDONLY | LinuxCalls.O_CLOEXEC);
            try {
                clearAll();
                boolean clearedShows = (entry(pagemap, page, arena) & SOFT_DIRTY) != 0;
                page.set(JAVA_LONG, 0, 2L);
                boolean writtenShows = (entry(pagemap, page, arena) & SOFT_DIRTY) != 0;
                if (clearedShows || !writtenShows) {
                    return "the kernel keeps no soft-dirty bits (bit 55 of the pagemap entry was "
                            + (clearedShows ? 1 : 0) + " after the reset and " + (writtenShows ? 1 : 0)
                            + " after a write; CONFIG_MEM_SOFT_DIRTY is off)";
                }
                return null;
            } finally {
                LinuxCalls.close(pagemap);
            }
        } catch (LinuxCallException e) {
            return e.getMessage();
        }
    }

    /** Clears the soft-dirty bit of every page of the process. */
    private static void clearAll() {
        int clearRefs = LinuxCalls.open("/proc/self/clear_refs", LinuxCalls.O_WRONLY | LinuxCalls.O_CLOEXEC);
        try {
            LinuxCalls.write(clearRefs, new byte[] {'4'}, "write 4 to /proc/self/clear_refs");
        } finally {
            LinuxCalls.close(clearRefs);
        }
    }

    /** The pagemap entry of the virtual page {@code page} starts in. */
    private static long entry(int pagemap, MemorySegment page, Arena arena) {
        MemorySegment entry = arena.allocate(JAVA_LONG);
        LinuxCalls.pread(pagemap, entry, page.address() / LinuxCalls.PAGE * 8, "read /proc/self/pagemap");
        return entry.get(JAVA_LONG, 0);
    }
}
