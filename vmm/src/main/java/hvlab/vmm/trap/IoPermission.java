package hvlab.vmm.trap;

import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;

/**
 * May the guest, at its current privilege level, use these I/O ports? The protected-mode rule
 * (SDM Vol. 1, 19.5): code at CPL <= IOPL may use every port; code at a less privileged level
 * may use a port only if the I/O permission bitmap in its TSS grants it. The bitmap lies at the
 * offset the TSS holds at 0x66, one bit per port, 0 meaning allowed; an access of several bytes
 * needs every one of its ports allowed, and any bit beyond the TSS's limit counts as denied.
 *
 * <p>Unicorn does not make this check (its hooks see every IN and OUT), so the VMM makes it,
 * against the guest's IOPL and the guest's own TSS: a user task can drive only the devices its
 * kernel granted it. Pure logic over a {@link GuestState}.
 */
public final class IoPermission {
    private static final int TSS_IO_MAP_BASE = 0x66;
    private static final int MIN_TSS_LIMIT = 103;

    private final VirtualCpu vcpu;

    public IoPermission(VirtualCpu vcpu) {
        this.vcpu = vcpu;
    }

    public boolean allowed(int port, int size, GuestState state) {
        if (vcpu.privilegeLevel() <= vcpu.iopl()) {
            return true;
        }
        SegmentDescriptor tss = taskSegment(state);
        if (tss == null || tss.byteLimit() < MIN_TSS_LIMIT) {
            return false;
        }
        long limit = tss.byteLimit();
        int mapBase = state.read(tss.base() + TSS_IO_MAP_BASE, 2) & 0xFFFF;
        long first = mapBase + (port >> 3);
        if (first + 1 > limit) { // the processor always reads two bytes of the map
            return false;
        }
        int bits = state.read(tss.base() + first, 2) & 0xFFFF;
        int mask = ((1 << size) - 1) << (port & 7);
        return (bits & mask) == 0;
    }

    /** The guest's current TSS (what its LTR loaded), read from its GDT as it is now; null if none. */
    private SegmentDescriptor taskSegment(GuestState state) {
        int selector = vcpu.taskSelector();
        if ((selector & ~3) == 0 || !vcpu.hasOwnGdt() || (selector | 7) > vcpu.gdtr().limit()) {
            return null;
        }
        long entry = vcpu.gdtr().base() + (selector & ~7);
        long raw = Integer.toUnsignedLong(state.read(entry, 4)) | ((long) state.read(entry + 4, 4) << 32);
        SegmentDescriptor d = SegmentDescriptor.decode(raw);
        boolean tss32 = d.system() && (d.type() == 0x9 || d.type() == 0xB);
        return tss32 && d.present() ? d : null;
    }
}
