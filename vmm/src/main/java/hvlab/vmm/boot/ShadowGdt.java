package hvlab.vmm.boot;

import java.util.function.LongUnaryOperator;

/**
 * The real GDT, kept by the VMM as a shadow of the guest's own (the technique VMware's and Xen's
 * early x86 monitors used; see also Adams and Agesen, ASPLOS 2006).
 *
 * <p>Ring compression: the guest's kernel and its user tasks both run at real CPL 3, so every
 * code and data segment the guest defines is copied with its DPL raised to 3, or the CPU would
 * refuse to load it. What the guest loses that way, privilege between its own kernel and its
 * users, the VMM gives back with a <em>privilege view</em>: the shadow shows a segment only where
 * the guest's hardware would let the current virtual privilege level use it.
 * <ul>
 *   <li>A code segment is present only while the virtual CPL equals its DPL (or, for a
 *       conforming one, is at least its DPL: conforming code runs at its caller's level). A user
 *       task that jumps to kernel code, or a kernel IRET to user code, then faults, and the VMM
 *       steps in.</li>
 *   <li>A data segment is present only while the virtual CPL is at most its DPL (SDM Vol. 3,
 *       5.7: a data segment's DPL must be at least the CPL). A user task cannot load the kernel's
 *       data segments, as on hardware; the kernel sees every data segment.</li>
 * </ul>
 * System descriptors (TSS, LDT, gates) are never present in the shadow: the real CPU never uses
 * them, because the VMM emulates LTR, LLDT and interrupt delivery.
 *
 * <p>Every code segment is readable in the shadow. Unicorn checks a CS the VMM loads (after an
 * emulated IRET or interrupt) as it checks a data segment register, and refuses an
 * execute-only one, which a real CPU runs happily. The cost is a small deviation: a guest may
 * read its execute-only code through a CS override without the #GP it would get on hardware.
 *
 * <p>The last three entries belong to the VMM ({@link BootLayout#VMM_TSS}, {@link BootLayout#VMM_CODE},
 * {@link BootLayout#VMM_DATA}); the guest can never name them with a descriptor of its own.
 */
public final class ShadowGdt {
    private static final int ACCESSED = 0x1;
    /** Code type bit 1: readable. Unicorn loads CS only from a readable code segment (see shadowOf). */
    private static final int READABLE = 0x2;
    private static final int CONFORMING = 0x4;

    /** Entries the guest may use: everything below the VMM's three. */
    public static final int GUEST_ENTRIES = (BootLayout.VMM_TSS >> 3);

    /** What the shadow holds: the guest's descriptors as copied at its last LGDT, and the current view. */
    public record State(long[] guestDescriptors, int view) {
        public State {
            guestDescriptors = guestDescriptors.clone();
        }

        @Override
        public long[] guestDescriptors() {
            return guestDescriptors.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof State s && view == s.view && java.util.Arrays.equals(guestDescriptors, s.guestDescriptors);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(guestDescriptors) * 31 + view;
        }
    }

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
        replace(descriptors);
    }

    private void replace(long[] descriptors) {
        for (int i = descriptors.length; i < guestDescriptors.length; i++) {
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

    /**
     * Does {@code selector} name one of the VMM's own entries? The guest's GDT ends below them
     * whatever limit its LGDT gave, so to the guest such a selector lies beyond its table.
     */
    public static boolean reserved(int selector) {
        return ((selector & 0xFFFF) >> 3) >= GUEST_ENTRIES;
    }

    /**
     * The VMM is about to load {@code selector} into a real segment register after checking the
     * guest's descriptor {@code guest} as it is in guest memory now. The shadow was copied at the
     * last LGDT, and the guest may have rewritten its table since (a real CPU reads the table at
     * every load), so the entry is copied again first: the real CPU then loads what the VMM
     * checked, never a stale copy it would refuse (Unicorn fails the register write, which would
     * leave the emulation half done).
     */
    public void refresh(int selector, long guest) {
        int index = (selector & 0xFFFF) >> 3;
        if (index == 0 || index >= guestDescriptors.length) {
            return;
        }
        guestDescriptors[index] = guest;
        region.writeDescriptorRaw(index, shadowOf(guest, view));
    }

    /** The descriptor the real CPU finds for {@code selector}: the shadow entry (0 if none). */
    public long realDescriptor(int selector) {
        int index = (selector & 0xFFFF) >> 3;
        return region.readDescriptor(index);
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

    public State save() {
        return new State(guestDescriptors, view);
    }

    public void restore(State state) {
        view = state.view();
        replace(state.guestDescriptors());
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
        boolean visible = d.isCode() ? (conforming(d) ? d.dpl() <= cpl : d.dpl() == cpl) : d.dpl() >= cpl;
        boolean present = d.present() && visible;
        int type = d.type() | ACCESSED | (d.isCode() ? READABLE : 0);
        return new SegmentDescriptor(d.base(), d.limit(), type, false, 3, present, d.defaultBig(), d.granularity4K()).encode();
    }

    private static boolean conforming(SegmentDescriptor code) {
        return (code.type() & CONFORMING) != 0;
    }
}
