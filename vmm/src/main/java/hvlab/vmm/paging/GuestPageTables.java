package hvlab.vmm.paging;

import hvlab.vmm.memory.GuestRam;

/**
 * The guest's own page tables, walked as the processor walks them: 32-bit paging, Intel SDM Vol.
 * 3A, section 4.3. The tables are guest data in guest RAM, read (and their accessed and dirty flags
 * written) only through the {@link GuestRam} door, so a guest whose CR3 or entries point outside
 * its RAM gets a fault of its own and never a read of VMM memory.
 *
 * <p>A linear address is split 10/10/12: bits 31-22 pick one of 1,024 entries in the page
 * directory (at CR3), bits 21-12 one of 1,024 entries in that entry's page table, bits 11-0 the
 * byte in the 4 KiB page. With CR4.PSE a directory entry with PS = 1 maps a 4 MiB page itself.
 *
 * <p>The VMM needs this walk for three things: to emulate an instruction whose operands are at
 * linear addresses (the door reads physical memory); to build its shadow page tables, which the
 * real MMU walks in place of these; and, later, for introspection, which reads a process's
 * memory by its virtual addresses.
 */
public final class GuestPageTables {
    static final int P = 1;
    static final int RW = 1 << 1;
    static final int US = 1 << 2;
    static final int A = 1 << 5;
    static final int D = 1 << 6;
    static final int PS = 1 << 7;
    static final int G = 1 << 8;
    /** In a 4 MiB PDE, bits 21-13 would hold physical address bits 32 and up (PSE-36): reserved on a 32-bit machine. */
    static final int LARGE_RESERVED = 0x003FE000;

    private final GuestRam ram;
    private final boolean setsFlags;

    /** Tables walked for the guest's own accesses: the accessed and dirty flags are set as the MMU sets them. */
    public GuestPageTables(GuestRam ram) {
        this(ram, true);
    }

    /**
     * @param setsFlags false for an observer (introspection, a debugger): it must leave no trace in
     *                  the guest, and an accessed flag it set is one the guest's own page
     *                  replacement would read
     */
    public GuestPageTables(GuestRam ram, boolean setsFlags) {
        this.ram = ram;
        this.setsFlags = setsFlags;
    }

    GuestRam ram() {
        return ram;
    }

    /**
     * Translates {@code linear} for one access, as the MMU would, and sets the accessed flags of the
     * entries used and, for a write, the dirty flag of the one that maps the page (SDM 4.8). Flags
     * are set only when the access succeeds.
     *
     * @param user the access is made at (virtual) CPL 3
     * @param writeProtect CR0.WP: when clear, the kernel may write pages marked read-only
     * @param largePages CR4.PSE: when clear, PS in a directory entry is ignored
     */
    public PageWalk translate(long cr3, long linear, boolean write, boolean user, boolean writeProtect, boolean largePages) {
        int code = (write ? PageWalk.Fault.WRITE : 0) | (user ? PageWalk.Fault.USER : 0);
        long pdeAddress = (cr3 & 0xFFFFF000L) + ((linear >>> 22) & 0x3FF) * 4;
        int pde = ram.read(pdeAddress, 4);
        if ((pde & P) == 0) {
            return new PageWalk.Fault(linear, code, "no page table: directory entry " + ((linear >>> 22) & 0x3FF) + " not present");
        }
        if (largePages && (pde & PS) != 0) {
            if ((pde & LARGE_RESERVED) != 0) {
                return new PageWalk.Fault(linear, code | PageWalk.Fault.PRESENT | PageWalk.Fault.RESERVED,
                        "reserved bits set in a 4 MiB directory entry");
            }
            String denied = denied(pde, write, user, writeProtect);
            if (denied != null) {
                return new PageWalk.Fault(linear, code | PageWalk.Fault.PRESENT, denied);
            }
            if (setsFlags) {
                ram.writeTableEntry(pdeAddress, pde | A | (write ? D : 0));
            }
            return new PageWalk.Translation((pde & 0xFFC00000L) | (linear & 0x3FFFFF), (pde & RW) != 0, (pde & US) != 0,
                    (pde & G) != 0, write || (pde & D) != 0, true);
        }
        long pteAddress = (pde & 0xFFFFF000L) + ((linear >>> 12) & 0x3FF) * 4;
        int pte = ram.read(pteAddress, 4);
        if ((pte & P) == 0) {
            return new PageWalk.Fault(linear, code, "page not present");
        }
        int rights = pde & pte; // both levels must allow a write, or a user access
        String denied = denied(rights, write, user, writeProtect);
        if (denied != null) {
            return new PageWalk.Fault(linear, code | PageWalk.Fault.PRESENT, denied);
        }
        int updated = setsFlags ? pte | A | (write ? D : 0) : pte;
        if (setsFlags && (pde & A) == 0) {
            ram.writeTableEntry(pdeAddress, pde | A);
        }
        if (updated != pte) {
            ram.writeTableEntry(pteAddress, updated);
        }
        return new PageWalk.Translation((pte & 0xFFFFF000L) | (linear & 0xFFF), (rights & RW) != 0, (rights & US) != 0,
                (pte & G) != 0, (updated & D) != 0, false);
    }

    /**
     * The translation of {@code linear} for a shadow entry kept across a CR3 load (see {@link
     * ShadowContexts}): the walk of a supervisor read, leaving no trace, or null if it faults or
     * if an entry it uses has its accessed flag clear (the guest cleared it: the page must fault
     * so that the flag is set again, as a fresh walk of the processor's would).
     */
    PageWalk.Translation stillAccessed(long cr3, long linear, boolean writeProtect, boolean largePages) {
        if (setsFlags) {
            throw new IllegalStateException("only an observer's walk leaves no trace");
        }
        if (!(translate(cr3, linear, false, false, writeProtect, largePages) instanceof PageWalk.Translation t)) {
            return null;
        }
        int pde = ram.read((cr3 & 0xFFFFF000L) + ((linear >>> 22) & 0x3FF) * 4, 4);
        if ((pde & A) == 0) {
            return null;
        }
        return t.large() || (ram.read((pde & 0xFFFFF000L) + ((linear >>> 12) & 0x3FF) * 4, 4) & A) != 0 ? t : null;
    }

    /** Why the rights in {@code entry} forbid the access (SDM 4.6), or null if they allow it. */
    private static String denied(int entry, boolean write, boolean user, boolean writeProtect) {
        if (user && (entry & US) == 0) {
            return "a user access to a supervisor page";
        }
        if (write && (entry & RW) == 0 && (user || writeProtect)) {
            return user ? "a user write to a read-only page" : "a kernel write to a read-only page with CR0.WP set";
        }
        return null;
    }
}
