package hvlab.vmm.paging;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.boot.BootLayout;

/**
 * The page tables the real MMU walks while a paging guest runs: the VMM's, built from the guest's
 * own tables one page at a time. They live in a pool of VMM memory at {@link #POOL} in the
 * machine's physical address space, above guest RAM and below the VMM region. No shadow entry
 * ever maps the pool, so the guest, whatever it writes into its own tables, has no linear address
 * that reaches it: the guest's tables are data, these are the truth.
 *
 * <p>There are two roots, one per {@link View}: while the guest is in its kernel (virtual CPL 0)
 * and while it runs its user code (ring compression, see {@link ShadowEntry}). Each maps the
 * VMM region at its own linear address, supervisor-only and read-only: the real CPU reads the
 * real GDT and TSS and runs the trampoline there at CPL 0, the guest at CPL 3 cannot touch it.
 * That region sits in the last 4 MiB of the address space, the "hypervisor hole" of the guest
 * ABI (as Xen keeps the top of a 32-bit guest's address space for itself).
 *
 * <p>Page tables come from a fixed pool, handed out in order and all taken back at once when the
 * shadow is dropped: the memory the VMM spends on shadows is bounded whatever the guest maps.
 * When the pool runs dry the whole shadow is dropped and refilled on demand, as a TLB forgets.
 */
public final class ShadowPageTables implements AutoCloseable {
    /** Physical address of the pool: free of guest RAM (at most 1 GiB) and of the 0xFE000000 APIC range. */
    public static final long POOL = 0xFF000000L;
    public static final int POOL_PAGES = 256;
    static final int PAGE = 4096;
    /** The directory entry that covers the VMM region: the hole's 4 MiB. */
    public static final int HOLE_ENTRY = (int) (BootLayout.VMM_REGION >>> 22);
    public static final long HOLE_START = (long) HOLE_ENTRY << 22;

    /** Which of the guest's privilege levels a root is for. */
    public enum View { KERNEL, USER }

    private static final int P = GuestPageTables.P;
    private static final int RW = GuestPageTables.RW;
    private static final int US = GuestPageTables.US;
    /** Pool pages 0-1: the roots; 2-3: each root's table for the hole; the rest: tables on demand. */
    private static final int FIRST_FREE = 4;

    private final GuestMemory pool = new GuestMemory((long) POOL_PAGES * PAGE);
    private static final byte[] ZERO_PAGE = new byte[PAGE];
    /** A hole table as it starts: the VMM region mapped for the real CPU's own reads (supervisor, read-only). */
    private static final byte[] HOLE_TABLE = holeTable();
    /** The next pool page to hand out. */
    private int nextFree = FIRST_FREE;
    private long tablesAllocated;
    private long drops;

    public ShadowPageTables() {
        dropAll();
    }

    /** The memory to map at {@link #POOL}. */
    public GuestMemory pool() {
        return pool;
    }

    /** The physical address of the root for {@code view}: what the real CR3 holds. */
    public static long root(View view) {
        return POOL + (long) view.ordinal() * PAGE;
    }

    /** Empties both shadows (their tables go back to the pool) and maps the VMM region again. */
    public void dropAll() {
        for (View view : View.values()) {
            pool.write(root(view) - POOL, ZERO_PAGE);
            pool.write(holeTable(view) - POOL, HOLE_TABLE);
            pool.write32(root(view) - POOL + HOLE_ENTRY * 4L, (int) holeTable(view) | P | RW | US);
        }
        nextFree = FIRST_FREE;
        drops++;
    }

    private static byte[] holeTable() {
        byte[] image = new byte[PAGE];
        for (long linear = BootLayout.VMM_REGION; linear < BootLayout.VMM_REGION + BootLayout.VMM_REGION_SIZE; linear += PAGE) {
            int at = (int) ((linear >>> 12) & 0x3FF) * 4;
            int entry = (int) linear | P;
            for (int b = 0; b < 4; b++) {
                image[at + b] = (byte) (entry >>> (8 * b));
            }
        }
        return image;
    }

    private static long holeTable(View view) {
        return POOL + (2L + view.ordinal()) * PAGE;
    }

    /**
     * Puts {@code entry} (a 4 KiB shadow PTE from {@link ShadowEntry}) in {@code view}'s shadow for
     * the page at {@code linear}. Returns false if the pool had no table left: the caller drops
     * the shadows and tries again. Never touches the VMM region's entries.
     */
    public boolean install(View view, long linear, int entry) {
        if (inVmmRegion(linear)) {
            throw new IllegalArgumentException(String.format("0x%08x is the VMM's region", linear));
        }
        long directoryEntry = root(view) - POOL + ((linear >>> 22) & 0x3FF) * 4;
        int pde = pool.read32(directoryEntry);
        if ((pde & P) == 0) {
            if (nextFree == POOL_PAGES) {
                return false;
            }
            int page = nextFree++;
            pool.write((long) page * PAGE, ZERO_PAGE);
            tablesAllocated++;
            pde = (int) (POOL + (long) page * PAGE) | P | RW | US;
            pool.write32(directoryEntry, pde);
        }
        pool.write32((pde & 0xFFFFF000L) - POOL + ((linear >>> 12) & 0x3FF) * 4, entry);
        return true;
    }

    /** The entry {@code view}'s shadow holds for {@code linear}'s page, 0 if none. */
    public int entry(View view, long linear) {
        int pde = pool.read32(root(view) - POOL + ((linear >>> 22) & 0x3FF) * 4);
        if ((pde & P) == 0) {
            return 0;
        }
        return pool.read32((pde & 0xFFFFF000L) - POOL + ((linear >>> 12) & 0x3FF) * 4);
    }

    /** Forgets {@code linear}'s page in both views (INVLPG). The VMM region stays mapped. */
    public void drop(long linear) {
        if (inVmmRegion(linear)) {
            return;
        }
        for (View view : View.values()) {
            int pde = pool.read32(root(view) - POOL + ((linear >>> 22) & 0x3FF) * 4);
            if ((pde & P) != 0) {
                pool.write32((pde & 0xFFFFF000L) - POOL + ((linear >>> 12) & 0x3FF) * 4, 0);
            }
        }
    }

    public static boolean inVmmRegion(long linear) {
        return linear >= BootLayout.VMM_REGION && linear < BootLayout.VMM_REGION + BootLayout.VMM_REGION_SIZE;
    }

    /** Is this physical address inside the pool? Shadow entries must never point here. */
    public static boolean inPool(long physical) {
        return physical >= POOL && physical < POOL + (long) POOL_PAGES * PAGE;
    }

    /** Tables handed out since the VM started, and how many times everything was dropped. */
    public long tablesAllocated() {
        return tablesAllocated;
    }

    public long drops() {
        return drops;
    }

    /** Tables in use now (the two roots and the hole's tables not counted). */
    public int tablesInUse() {
        return nextFree - FIRST_FREE;
    }

    @Override
    public void close() {
        pool.close();
    }
}
