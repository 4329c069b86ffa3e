package hvlab.vmm.boot;

import java.util.function.LongUnaryOperator;

/**
 * The real GDT, kept by the VMM as a shadow of the guest's own (the technique VMware's and Xen's
 * early x86 monitors used; see also Adams and Agesen, ASPLOS 2006).
 *
 * <p>Ring compression: the guest's kernel and its user tasks both run at real CPL 3, so every
 * code and data segment the guest defines is copied with its DPL raised to 3, or the CPU would
 * refuse to load it. What the guest loses that way, privilege between its own kernel and its
 * users, the VMM gives back with a <em>privilege view</em>: a guest code segment is present in
 * the shadow only while the guest's virtual CPL equals that segment's DPL. A user task that jumps
 * to kernel code, or a kernel IRET to user code, then raises #NP, and the VMM steps in. System
 * descriptors (TSS, LDT, gates) are never present in the shadow: the real CPU never uses them,
 * because the VMM emulates LTR, LLDT and interrupt delivery.
 *
 * <p>The last two entries belong to the VMM ({@link BootLayout#VMM_CODE}, {@link BootLayout#VMM_DATA}).
 */
public final class ShadowGdt {
    /** Entries the guest may use: everything below the VMM's two. */
    public static final int GUEST_ENTRIES = (BootLayout.VMM_CODE >> 3);

    private final VmmRegion region;
    private long[] guestDescriptors = new long[0];
    private int view;

    ShadowGdt(VmmRegion region) {
        this.region = region;
    }

    /**
     * Copies the guest's GDT ({@code limit + 1} bytes at {@code base}) into the shadow.
     * {@code read} returns the 8-byte descriptor at a linear address.
     */
    public void load(long base, int limit, LongUnaryOperator read) {
        int count = Math.min((limit + 1) / 8, GUEST_ENTRIES);
        long[] descriptors = new long[count];
        for (int i = 1; i < count; i++) {
            descriptors[i] = read.applyAsLong(base + 8L * i);
        }
        for (int i = count; i < guestDescriptors.length; i++) {
            region.writeDescriptorRaw(i, 0);
        }
        guestDescriptors = descriptors;
        apply(view);
    }

    /** The guest's own descriptor for {@code selector}, or 0 if the selector is beyond its GDT. */
    public long guestDescriptor(int selector) {
        int index = selector >> 3;
        return index > 0 && index < guestDescriptors.length ? guestDescriptors[index] : 0;
    }

    /** Shows the GDT as a guest running at virtual privilege level {@code cpl} must see it. */
    public void setView(int cpl) {
        if (cpl != view) {
            view = cpl;
            apply(cpl);
        }
    }

    public int view() {
        return view;
    }

    private void apply(int cpl) {
        for (int i = 1; i < guestDescriptors.length; i++) {
            region.writeDescriptorRaw(i, shadowOf(guestDescriptors[i], cpl));
        }
    }

    /** The real descriptor for a guest descriptor at a given view. Pure; see the class comment. */
    static long shadowOf(long guest, int cpl) {
        if (guest == 0) {
            return 0;
        }
        SegmentDescriptor d = SegmentDescriptor.decode(guest);
        if (d.system()) {
            return 0;
        }
        boolean present = d.present() && (!d.isCode() || d.dpl() == cpl);
        return new SegmentDescriptor(d.base(), d.limit(), d.type() | 1, false, 3, present, d.defaultBig(), d.granularity4K()).encode();
    }
}
