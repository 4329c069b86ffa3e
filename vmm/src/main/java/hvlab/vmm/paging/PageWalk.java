package hvlab.vmm.paging;

/**
 * What walking the guest's page tables for one linear address gives: a translation, or the page
 * fault the hardware would raise (vector 14, with CR2 = the linear address and this error code).
 */
public sealed interface PageWalk {

    /**
     * The linear address maps to {@code physical}; the rights are those of the whole walk (a page
     * is writable only if its PDE and PTE both say so, user-reachable only if both say so).
     *
     * @param dirty the entry that maps the page already has its dirty flag set
     * @param large a 4 MiB page (a PDE with PS = 1), else a 4 KiB one
     */
    record Translation(long physical, boolean writable, boolean user, boolean global, boolean dirty, boolean large)
            implements PageWalk {
        public long pageSize() {
            return large ? 4L << 20 : 4096;
        }
    }

    /**
     * The #PF the guest takes. Error code (Intel SDM Vol. 3A, 4.7): bit 0 P (the page was present:
     * a protection violation, not a missing page), bit 1 W/R (a write), bit 2 U/S (at CPL 3), bit 3
     * RSVD (a reserved bit was set in an entry).
     */
    record Fault(long linear, int errorCode, String reason) implements PageWalk {
        public static final int PRESENT = 1;
        public static final int WRITE = 1 << 1;
        public static final int USER = 1 << 2;
        public static final int RESERVED = 1 << 3;
    }
}
