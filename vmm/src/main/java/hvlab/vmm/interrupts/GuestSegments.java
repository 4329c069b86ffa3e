package hvlab.vmm.interrupts;

import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.SegmentCheck;
import hvlab.vmm.trap.GuestState;

/**
 * Moves the guest between its privilege levels. The real CPU always runs the guest at CPL 3,
 * so selectors in real segment registers always carry RPL 3; the guest must see the RPL of its
 * virtual CPL instead. This class does the translation both ways and keeps the virtual CPL and
 * the shadow GDT's privilege view in step.
 */
final class GuestSegments {
    /** CF PF AF ZF SF TF DF OF NT AC ID: the flags the guest may hand to the real CPU. */
    private static final int ORDINARY_FLAGS = 0x244DD5;
    private static final int IF = 0x200;
    private static final int RESERVED_ONE = 0x2;
    private static final Register[] DATA_SEGMENTS = {Register.ES, Register.DS, Register.FS, Register.GS};

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
        long raw = rawDescriptor(selector, state);
        return raw == 0 ? null : SegmentDescriptor.decode(raw);
    }

    private long rawDescriptor(int selector, GuestState state) {
        long raw;
        if (ShadowGdt.reserved(selector)) {
            raw = 0; // the VMM's own entries: beyond the guest's GDT, whatever its limit says
        } else if (!vcpu.hasOwnGdt()) {
            raw = gdt.guestDescriptor(selector);
        } else if ((selector & 4) != 0 || (selector | 7) > vcpu.gdtr().limit() || (selector & ~7) == 0) {
            raw = 0;
        } else {
            long entry = vcpu.gdtr().base() + (selector & ~7);
            raw = Integer.toUnsignedLong(state.read(entry, 4)) | ((long) state.read(entry + 4, 4) << 32);
        }
        return raw;
    }

    /** A selector as the guest should see it in a frame: RPL = its virtual CPL. */
    int guestView(int realSelector) {
        return (realSelector & ~3) | vcpu.privilegeLevel();
    }

    /** Real EFLAGS with the guest's virtual IF and IOPL put back in. */
    int guestFlags(int realFlags) {
        int flags = realFlags & ~(IF | 0x3000);
        if (vcpu.interruptsEnabled()) flags |= IF;
        return flags | (vcpu.iopl() << 12);
    }

    /**
     * Takes IF and IOPL from flags the guest supplied, with the privilege rules of IRET and POPF
     * (SDM Vol. 2, IRET): IOPL changes only at CPL 0, IF only at CPL <= IOPL. The value returned
     * is for the real CPU, and only ordinary flags reach it: IF stays set (the VMM needs its
     * interrupts), IOPL stays 0 (so CLI, STI and port I/O keep trapping), and VM, VIF, VIP and RF
     * never come from the guest, so no value it writes can put the real CPU into virtual-8086 mode.
     */
    int acceptFlags(int guestFlags, int oldCpl) {
        if (oldCpl == 0) {
            vcpu.setIopl((guestFlags >> 12) & 3);
        }
        if (oldCpl <= vcpu.iopl()) {
            vcpu.setInterruptsEnabled((guestFlags & IF) != 0);
        }
        return (guestFlags & ORDINARY_FLAGS) | IF | RESERVED_ONE;
    }

    /**
     * Enters code segment {@code selector} at {@code eip} at privilege level {@code cpl}.
     * {@code code} is the guest's descriptor as the caller checked it: the shadow entry is
     * copied from it, not read again, because the guest's table in memory may have changed in
     * between (the frame just pushed may have landed on it).
     */
    void enter(GuestState state, int selector, SegmentDescriptor code, long eip, int cpl) {
        vcpu.setPrivilegeLevel(cpl);
        gdt.setView(cpl);
        gdt.refresh(selector, code.encode());
        state.setRegister(Register.CS, (selector & ~3) | 3);
        state.setRegister(Register.EIP, (int) eip);
    }

    void setStack(GuestState state, int selector, SegmentDescriptor stack, int esp) {
        loadStackSegment(state, selector, stack);
        state.setRegister(Register.ESP, esp);
    }

    /** Loads SS with the ring-compressed form (RPL 3) of a stack selector whose descriptor the caller checked. */
    void loadStackSegment(GuestState state, int selector, SegmentDescriptor stack) {
        gdt.refresh(selector, stack.encode());
        state.setRegister(Register.SS, (selector & ~3) | 3);
    }

    /**
     * On a return to an outer privilege level the processor nulls every data segment register
     * whose segment the new level may not use (SDM Vol. 2, IRET and RET: "DPL < CPL, and not
     * conforming code"), so a user task never keeps the kernel's data segments loaded.
     */
    void dropInaccessibleDataSegments(GuestState state, int newCpl) {
        for (Register segment : DATA_SEGMENTS) {
            int selector = state.register(segment) & 0xFFFF;
            if ((selector & ~3) == 0) {
                continue;
            }
            SegmentDescriptor d = descriptor(selector, state);
            boolean conformingCode = d != null && d.isCode() && (d.type() & 0x4) != 0;
            if (d == null || (!conformingCode && d.dpl() < newCpl)) {
                state.setRegister(segment, 0);
            }
        }
    }

    /**
     * The stack a privilege change switches to: SS:ESP for level {@code cpl} from the guest's TSS
     * (SDM Vol. 3, 6.12.1), checked as the processor checks it; failures are #TS.
     */
    Stack innerStack(GuestState state, int cpl) {
        int tssSelector = vcpu.taskSelector();
        SegmentDescriptor tss = descriptor(tssSelector, state);
        int tsError = tssSelector & 0xFFFC;
        if (tss == null || !tss.system() || (tss.type() & 0x7) != 0x1 && (tss.type() & 0x7) != 0x3) {
            throw new GuestFault.Exception(10, tsError, "no valid TSS to find the kernel stack in");
        }
        long offset = 4 + 8L * cpl;
        if (offset + 7 > tss.byteLimit()) {
            throw new GuestFault.Exception(10, tsError, "the TSS is too short to hold the kernel stack");
        }
        int esp = state.read(tss.base() + offset, 4);
        int ss = state.read(tss.base() + offset + 4, 2) & 0xFFFF;
        SegmentDescriptor stack = descriptor(ss, state);
        boolean usable = stack != null && stack.isWritableData() && stack.dpl() == cpl && (ss & 3) == cpl;
        if ((ss & ~3) == 0 || !usable) {
            throw new GuestFault.Exception(10, ss & 0xFFFC, "the TSS names an unusable kernel stack segment");
        }
        if (!stack.present()) {
            throw new GuestFault.Exception(12, ss & 0xFFFC, "the kernel stack segment is not present");
        }
        return new Stack(ss, stack, esp);
    }

    /** A stack given by selector, descriptor and ESP: pushes are checked against this segment. */
    record Stack(int selector, SegmentDescriptor descriptor, int esp) {
        Stack push(GuestState state, int value) {
            int top = esp - 4;
            long linear = SegmentCheck.linear(Register.SS, descriptor, Integer.toUnsignedLong(top), 4, true);
            state.writeStack(linear, 4, value);
            return new Stack(selector, descriptor, top);
        }
    }

    /** The stack the guest is on now, with the descriptor the CPU loaded for it (the shadow's). */
    Stack currentStack(GuestState state) {
        int ss = state.register(Register.SS) & 0xFFFF;
        long raw = (ss & ~3) == 0 ? 0 : gdt.realDescriptor(ss);
        return new Stack(guestView(ss), raw == 0 ? null : SegmentDescriptor.decode(raw), state.register(Register.ESP));
    }
}
