package hvlab.vmm.paging;

import hvlab.vmm.memory.GuestRam;

/**
 * Guest memory by virtual address, in one address space (one CR3): the one door to guest memory
 * ({@link GuestRam}, physical) behind the guest's own page tables. This is how the VMM reads an
 * operand at a linear address once paging is on, and how introspection reads a process's memory
 * as that process sees it (paper IV.C.9): through the guest's tables, not through the VMM's
 * shadows, which only hold what the guest happened to touch.
 */
public final class GuestVirtualMemory {
    private final GuestPageTables tables;
    private final GuestRam ram;
    private final long cr3;
    private final boolean largePages;

    /** A virtual address with no page behind it in this address space. */
    public static final class Unmapped extends RuntimeException {
        private final PageWalk.Fault fault;

        Unmapped(PageWalk.Fault fault) {
            super(String.format("0x%08x: %s", fault.linear(), fault.reason()), null, false, false);
            this.fault = fault;
        }

        public PageWalk.Fault fault() {
            return fault;
        }
    }

    public GuestVirtualMemory(GuestPageTables tables, long cr3, boolean largePages) {
        this.tables = tables;
        this.ram = tables.ram();
        this.cr3 = cr3;
        this.largePages = largePages;
    }

    /**
     * Up to {@code length} bytes from {@code linear}: all of them, or those before the first page
     * that is not mapped (or not RAM). For the VMM looking at code, where running into an
     * unmapped page ends the look rather than failing it.
     */
    public byte[] readAvailable(long linear, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long at = (linear + done) & 0xFFFFFFFFL;
            if (!(tables.translate(cr3, at, false, false, true, largePages) instanceof PageWalk.Translation t)) {
                break;
            }
            int inPage = (int) Math.min(length - done, 4096 - (at & 0xFFF));
            if (!ram.contains(t.physical(), inPage)) {
                break;
            }
            System.arraycopy(ram.readBytes(t.physical(), inPage), 0, out, done, inPage);
            done += inPage;
        }
        return done == length ? out : java.util.Arrays.copyOf(out, done);
    }

    /** {@code length} bytes from {@code linear}, page by page (contiguous in virtual memory, maybe not in physical). */
    public byte[] read(long linear, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long at = (linear + done) & 0xFFFFFFFFL;
            PageWalk walk = tables.translate(cr3, at, false, false, true, largePages);
            if (walk instanceof PageWalk.Fault fault) {
                throw new Unmapped(fault);
            }
            PageWalk.Translation t = (PageWalk.Translation) walk;
            int inPage = (int) Math.min(length - done, 4096 - (at & 0xFFF));
            System.arraycopy(ram.readBytes(t.physical(), inPage), 0, out, done, inPage);
            done += inPage;
        }
        return out;
    }
}
