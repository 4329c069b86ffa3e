package hvlab.vmm.bt;

import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.trap.GuestState;

/**
 * The guest's own segment descriptors, as the guest wrote them: with the DPLs of its design,
 * not the DPL 3 that ring compression puts in the shadow GDT the real CPU uses. LAR, LSL, VERR
 * and VERW must answer from these, or the guest learns that its kernel segments are ring 3.
 */
final class GuestDescriptors {
    /** The flat boot GDT of the guest ABI, as the guest sees it before it loads one of its own. */
    private static final long[] BOOT_GDT = new long[(BootLayout.GUEST_USER_DATA >> 3) + 1];

    static {
        BOOT_GDT[BootLayout.GUEST_KERNEL_CODE >> 3] = SegmentDescriptor.flat(true, 0).encode();
        BOOT_GDT[BootLayout.GUEST_KERNEL_DATA >> 3] = SegmentDescriptor.flat(false, 0).encode();
        BOOT_GDT[BootLayout.GUEST_USER_CODE >> 3] = SegmentDescriptor.flat(true, 3).encode();
        BOOT_GDT[BootLayout.GUEST_USER_DATA >> 3] = SegmentDescriptor.flat(false, 3).encode();
    }

    private static final int TYPE_LDT = 0x2;
    private static final int TABLE_INDICATOR = 4;

    private final VirtualCpu vcpu;

    GuestDescriptors(VirtualCpu vcpu) {
        this.vcpu = vcpu;
    }

    /**
     * The raw 8-byte descriptor {@code selector} names, or 0 when there is none: a null selector,
     * an index beyond the table's limit, or an LDT selector while no LDT is loaded. Like the
     * hardware, this reads the tables as they are now, not as they were when loaded.
     */
    long lookup(int selector, GuestState state) {
        if ((selector & TABLE_INDICATOR) != 0) {
            return fromLdt(selector, state);
        }
        if ((selector & ~3) == 0) {
            return 0;
        }
        if (!vcpu.hasOwnGdt()) {
            int index = selector >> 3;
            return index < BOOT_GDT.length ? BOOT_GDT[index] : 0;
        }
        return read(vcpu.gdtr().base(), vcpu.gdtr().limit(), selector, state);
    }

    /** The LDT is a system segment in the GDT (SDM Vol. 3, 3.5.1); LLDT recorded its selector. */
    private long fromLdt(int selector, GuestState state) {
        if (!vcpu.hasOwnGdt() || (vcpu.ldtSelector() & ~3) == 0) {
            return 0;
        }
        long raw = read(vcpu.gdtr().base(), vcpu.gdtr().limit(), vcpu.ldtSelector(), state);
        SegmentDescriptor ldt = SegmentDescriptor.decode(raw);
        if (raw == 0 || !ldt.system() || ldt.type() != TYPE_LDT) {
            return 0;
        }
        return read(ldt.base(), ldt.byteLimit(), selector, state);
    }

    private static long read(long base, long limit, int selector, GuestState state) {
        long offset = selector & 0xFFF8L;
        if (offset + 7 > limit) {
            return 0;
        }
        long entry = (base + offset) & 0xFFFFFFFFL;
        return Integer.toUnsignedLong(state.read(entry, 4)) | ((long) state.read(entry + 4, 4) << 32);
    }
}
