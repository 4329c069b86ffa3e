package hvlab.vmm.paging;

import hvlab.vmm.memory.GuestRam;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shadow entries of the last few address spaces, kept across CR3 loads so that switching
 * back to a process does not cost one hidden page fault for every page it touches again.
 *
 * <p>A CR3 load empties the TLB, and the shadow is the VMM's TLB: emptying it is the simple,
 * correct answer ({@link ShadowMmu}). Its price is a refill by hidden faults, each a trip into the
 * VMM, and xv6 loads CR3 twice on every switch (the scheduler runs on the kernel's own page
 * directory). A process that walks 7,000 pages of heap (usertests' memory test) paid 7,000
 * faults per timer tick.
 *
 * <p>What is kept is only <em>which</em> pages each address space had in its shadow, never the
 * entries themselves: when the guest loads a CR3 it had before, each page is translated again
 * through the guest's tables as they are now, and gets an entry only if that walk gives one and
 * the emulator still shows the frame there. So a guest that changed its tables while another
 * address space ran sees its change, as after a TLB flush on hardware. A page whose accessed flag
 * the guest cleared is left to fault, so that the flag is set again as the processor would.
 * Like shadow page table caches in VMware and KVM, but checked at each switch instead of
 * kept coherent by write-protecting the guest's tables.
 */
final class ShadowContexts {
    /** Address spaces remembered: the kernel's and a few processes'. */
    static final int CONTEXTS = 4;
    /** Pages recorded per address space; one that touched more is refilled by faults instead. */
    static final int MAX_PAGES = 16384;

    /** CR3 to the pages its shadow held, each {@code linear | view} (page-aligned, so the low bit is free). */
    private final Map<Long, long[]> byCr3 = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
            return size() > CONTEXTS;
        }
    };
    private long[] pages = new long[1024];
    private int count;
    private boolean overflowed;

    /** An entry was installed in the shadow of the address space loaded now. */
    void installed(ShadowPageTables.View view, long linear) {
        if (overflowed) {
            return;
        }
        if (count == MAX_PAGES) {
            overflowed = true;
            return;
        }
        if (count == pages.length) {
            pages = Arrays.copyOf(pages, pages.length * 2);
        }
        pages[count++] = (linear & ~0xFFFL) | view.ordinal();
    }

    /** The shadow was emptied: nothing installed since. */
    void emptied() {
        count = 0;
        overflowed = false;
    }

    /**
     * The guest leaves address space {@code cr3}: remembers the pages whose entries are still in
     * {@code shadows} (an INVLPG took the others away).
     */
    void leave(long cr3, ShadowPageTables shadows) {
        if (overflowed || cr3 < 0) {
            byCr3.remove(cr3);
            return;
        }
        long[] kept = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (shadows.entry(view(pages[i]), linear(pages[i])) != 0) {
                kept[n++] = pages[i];
            }
        }
        byCr3.put(cr3, Arrays.copyOf(kept, n));
    }

    /**
     * The guest loads {@code cr3} again: puts back the entries of the pages remembered for it, each
     * translated again through the guest's tables as they are now, without a trace, and only where
     * that walk gives an entry with its accessed flags set and the emulator still shows the frame
     * at the page. The others fault and are filled as usual. Returns how many came back.
     */
    int restore(long cr3, ShadowPageTables shadows, GuestPageTables observer, GuestRam ram, FramePlacement placement,
                boolean writeProtect, boolean largePages) {
        int kept = 0;
        for (long page : take(cr3)) {
            ShadowPageTables.View view = view(page);
            long linear = linear(page);
            PageWalk.Translation t = observer.stillAccessed(cr3, linear, writeProtect, largePages);
            int entry = t == null ? 0 : ShadowEntry.of(t, linear, view == ShadowPageTables.View.KERNEL, writeProtect);
            long frame = entry & 0xFFFFF000L;
            if (entry == 0 || !ram.contains(frame, 4096) || !placement.shows(linear, frame)) {
                continue; // gone, changed or moved
            }
            if (!shadows.install(view, linear, entry)) {
                break; // the pool is full: the rest fault as usual
            }
            installed(view, linear);
            kept++;
        }
        return kept;
    }

    /** The pages remembered for {@code cr3}, forgotten here; empty if none. */
    private long[] take(long cr3) {
        long[] kept = byCr3.remove(cr3);
        return kept == null ? new long[0] : kept;
    }

    /** Forgets every address space (a restore, the pool running dry). */
    void clear() {
        byCr3.clear();
        emptied();
    }

    int remembered() {
        return byCr3.size();
    }

    static ShadowPageTables.View view(long page) {
        return ShadowPageTables.View.values()[(int) (page & 1)];
    }

    static long linear(long page) {
        return page & ~0xFFFL;
    }
}
