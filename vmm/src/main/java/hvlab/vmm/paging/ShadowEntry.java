package hvlab.vmm.paging;

/**
 * The entry the VMM puts in its shadow page table for a page the guest mapped: the translation of
 * the guest's tables, adjusted for what the real MMU must enforce on a deprivileged guest. This is
 * the classic software MMU virtualization of VMware and Xen before EPT (Adams and Agesen, "A
 * Comparison of Software and Hardware Techniques for x86 Virtualization", 2006).
 *
 * <ul>
 *   <li><b>Ring compression.</b> The guest kernel believes it runs at CPL 0 but really runs at
 *       CPL 3, where the MMU refuses supervisor pages. So the VMM keeps two shadows per guest
 *       address space: while the guest is in its kernel every page it may reach is marked user
 *       in the shadow; while it runs its own user code only the pages the guest marked user are.
 *       Switching shadows on every virtual privilege change keeps the guest's user code out of its
 *       kernel, as the guest intended.</li>
 *   <li><b>Dirty flags.</b> The real MMU sets dirty flags in the shadow, not in the guest's
 *       tables. So a page is mapped read-only until the guest first writes it: that write faults
 *       into the VMM, which sets the dirty flag in the guest's entry (as the processor would have)
 *       and makes the shadow entry writable.</li>
 *   <li><b>CR0.WP clear.</b> A guest kernel may then write read-only pages; the shadow gives it
 *       a writable mapping while it is in its kernel, never while its user code runs.</li>
 * </ul>
 */
public final class ShadowEntry {
    private ShadowEntry() {}

    /** The 32-bit shadow PTE for the 4 KiB page at {@code linear} of a translation, for a guest in its kernel or not. */
    public static int of(PageWalk.Translation t, long linear, boolean guestKernel, boolean writeProtect) {
        // The shadow maps 4 KiB pages only: a guest's 4 MiB page becomes the 4 KiB piece of it at linear.
        long frame = t.large() ? (t.physical() & 0xFFC00000L) | (linear & 0x3FF000) : t.physical() & ~0xFFFL;
        boolean reachable = guestKernel || t.user();
        if (!reachable) {
            return 0; // not present in this shadow: the access faults and the VMM gives the guest its #PF
        }
        boolean mayWrite = t.writable() || (guestKernel && !writeProtect);
        boolean writable = mayWrite && t.dirty();
        return (int) frame | GuestPageTables.P | GuestPageTables.US | (writable ? GuestPageTables.RW : 0);
    }
}
