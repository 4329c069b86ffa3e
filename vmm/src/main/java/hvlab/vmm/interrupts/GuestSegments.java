package hvlab.vmm.interrupts;

import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.trap.GuestState;

/**
 * Moves the guest between its privilege levels. The real CPU always runs the guest at CPL 3,
 * so selectors in real segment registers always carry RPL 3; the guest must see the RPL of its
 * virtual CPL instead. This class does the translation both ways and keeps the virtual CPL and
 * the shadow GDT's privilege view in step.
 */
final class GuestSegments {
    private final VirtualCpu vcpu;
    private final ShadowGdt gdt;

    GuestSegments(VirtualCpu vcpu, ShadowGdt gdt) {
        this.vcpu = vcpu;
        this.gdt = gdt;
    }

    /**
     * The guest's own descriptor for a selector, decoded; null when absent or outside its GDT.
     * Like the hardware, this reads the guest's table as it is now, not as it was at LGDT.
     */
    SegmentDescriptor descriptor(int selector, GuestState state) {
        long raw;
        if (!vcpu.hasOwnGdt()) {
            raw = gdt.guestDescriptor(selector);
        } else if ((selector & 4) != 0 || (selector | 7) > vcpu.gdtr().limit() || (selector & ~7) == 0) {
            raw = 0;
        } else {
            long entry = vcpu.gdtr().base() + (selector & ~7);
            raw = Integer.toUnsignedLong(state.read(entry, 4)) | ((long) state.read(entry + 4, 4) << 32);
        }
        return raw == 0 ? null : SegmentDescriptor.decode(raw);
    }

    /** A selector as the guest should see it in a frame: RPL = its virtual CPL. */
    int guestView(int realSelector) {
        return (realSelector & ~3) | vcpu.privilegeLevel();
    }

    /** Real EFLAGS with the guest's virtual IF and IOPL put back in. */
    int guestFlags(int realFlags) {
        int flags = realFlags & ~(0x200 | 0x3000);
        if (vcpu.interruptsEnabled()) flags |= 0x200;
        return flags | (vcpu.iopl() << 12);
    }

    /** Takes IF and IOPL from flags the guest supplied; the real flags keep IF set and IOPL 0. */
    int acceptFlags(int guestFlags, int oldCpl) {
        if (oldCpl == 0) {
            vcpu.setIopl((guestFlags >> 12) & 3);
        }
        if (oldCpl <= vcpu.iopl()) {
            vcpu.setInterruptsEnabled((guestFlags & 0x200) != 0);
        }
        return (guestFlags & ~0x3000) | 0x200 | 0x2;
    }

    /** Enters code segment {@code selector} at {@code eip} at privilege level {@code cpl}. */
    void enter(GuestState state, int selector, long eip, int cpl) {
        vcpu.setPrivilegeLevel(cpl);
        gdt.setView(cpl);
        state.setRegister(Register.CS, (selector & ~3) | 3);
        state.setRegister(Register.EIP, (int) eip);
    }

    void setStack(GuestState state, int selector, int esp) {
        state.setRegister(Register.SS, (selector & ~3) | 3);
        state.setRegister(Register.ESP, esp);
    }
}
