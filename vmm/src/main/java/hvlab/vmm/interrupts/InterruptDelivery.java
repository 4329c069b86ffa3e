package hvlab.vmm.interrupts;

import hvlab.cpu.CpuException;
import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.trap.GuestState;

/**
 * Delivers interrupts and exceptions to the guest through its own IDT, doing in software what the
 * CPU does in microcode (SDM Vol. 3, 6.12.1). Unicorn never looks at the guest's IDT: every
 * interrupt reaches the VMM first, and the VMM builds the frame the hardware would have built.
 *
 * <ol>
 * <li>Find the gate: IDT base + 8 * vector, within the IDT limit, an interrupt or trap gate,
 *     present; an {@code int n} from a user task also needs gate DPL >= its CPL.</li>
 * <li>The gate's code segment gives the handler's privilege level. Going from a user task
 *     (virtual CPL 3) to the kernel (0) switches stacks to SS0:ESP0 from the guest's TSS and
 *     pushes the old SS and ESP first.</li>
 * <li>Push EFLAGS, CS, EIP (and an error code for the vectors that have one), as the guest must
 *     see them: IF and IOPL are the virtual ones, CS carries the virtual CPL.</li>
 * <li>An interrupt gate clears IF (virtually); a trap gate leaves it.</li>
 * </ol>
 * If delivery itself fails, the CPU tries a double fault (#DF), and if that fails too it shuts
 * down (a triple fault); so do we, ending the VM.
 */
public final class InterruptDelivery {
    private static final int INTERRUPT_GATE = 0xE;
    private static final int TRAP_GATE = 0xF;
    private static final int TASK_GATE = 0x5;
    private static final int CLEARED_ON_ENTRY = 0x100 | 0x4000 | 0x10000 | 0x20000; // TF, NT, RF, VM

    private final VirtualCpu vcpu;
    private final GuestSegments segments;

    public InterruptDelivery(VirtualCpu vcpu, ShadowGdt gdt) {
        this.vcpu = vcpu;
        this.segments = new GuestSegments(vcpu, gdt);
    }

    /** Delivers {@code event}; returns null when the guest's handler is now running, else why the VM must end. */
    public VmExit deliver(GuestEvent event, GuestState state) {
        if (!vcpu.hasIdt()) {
            return new VmExit.Fault(event.vector(), faultAddress(event), "the guest has no IDT to handle it");
        }
        GuestEvent nested;
        try {
            nested = attempt(event, state);
        } catch (UnsupportedGate e) {
            return new VmExit.NotEmulated(e.getMessage(), event.returnEip());
        } catch (CpuException e) {
            nested = GuestEvent.exception(ExceptionNames.DOUBLE_FAULT, 0, event.returnEip());
        }
        if (nested == null) {
            vcpu.setHalted(false);
            return null;
        }
        if (event.vector() == ExceptionNames.DOUBLE_FAULT) {
            return tripleFault(event, "delivering the double fault failed too");
        }
        GuestEvent doubleFault = GuestEvent.exception(ExceptionNames.DOUBLE_FAULT, 0, event.returnEip());
        try {
            return attempt(doubleFault, state) == null ? null : tripleFault(event, "the double-fault handler is unusable");
        } catch (CpuException | UnsupportedGate e) {
            return tripleFault(event, "the double-fault handler is unusable");
        }
    }

    private static VmExit tripleFault(GuestEvent event, String why) {
        return new VmExit.Fault(ExceptionNames.DOUBLE_FAULT, event.returnEip(), "triple fault while delivering "
                + ExceptionNames.mnemonic(event.vector()) + ": " + why + " (a real CPU would shut down)");
    }

    /** One try at delivery: null on success, or the exception that delivery itself raised. */
    private GuestEvent attempt(GuestEvent event, GuestState state) {
        int vector = event.vector();
        int gateError = vector * 8 + 2; // IDT bit set in the error code (SDM Vol. 3, 6.13)
        long idtBase = vcpu.idtr().base();
        if (vector * 8L + 7 > vcpu.idtr().limit()) {
            return gp(gateError, event);
        }
        int low = state.read(idtBase + vector * 8L, 4);
        int high = state.read(idtBase + vector * 8L + 4, 4);
        int type = (high >> 8) & 0x1F;
        int gateDpl = (high >> 13) & 3;
        boolean present = (high & 0x8000) != 0;
        if (type == TASK_GATE) {
            throw new UnsupportedGate("task gates are not supported (vector " + vector + ")");
        }
        if (type != INTERRUPT_GATE && type != TRAP_GATE) {
            return gp(gateError, event);
        }
        if (event.source() == GuestEvent.Source.SOFTWARE && gateDpl < vcpu.privilegeLevel()) {
            return gp(gateError, event);
        }
        if (!present) {
            return GuestEvent.exception(11, gateError, event.returnEip());
        }
        int selector = low >>> 16;
        long handler = Integer.toUnsignedLong((low & 0xFFFF) | (high & 0xFFFF0000));
        SegmentDescriptor code = segments.descriptor(selector, state);
        if (code == null || !code.isCode() || !code.present() || code.dpl() > vcpu.privilegeLevel()) {
            return gp(selector & 0xFFFC, event);
        }
        int newCpl = code.dpl();
        int oldCpl = vcpu.privilegeLevel();
        int flags = segments.guestFlags(state.register(Register.EFLAGS));
        int cs = segments.guestView(state.register(Register.CS));
        int esp = state.register(Register.ESP);
        int ss = segments.guestView(state.register(Register.SS));
        int newSs = ss;
        if (newCpl < oldCpl) {
            SegmentDescriptor tss = segments.descriptor(vcpu.taskSelector(), state);
            if (tss == null) {
                return GuestEvent.exception(10, vcpu.taskSelector() & 0xFFFC, event.returnEip()); // #TS
            }
            int newEsp = state.read(tss.base() + 4, 4); // ESP0
            newSs = state.read(tss.base() + 8, 4) & 0xFFFF; // SS0
            newEsp = push(state, newEsp, ss);
            esp = push(state, newEsp, esp);
        }
        esp = push(state, esp, flags);
        esp = push(state, esp, cs);
        esp = push(state, esp, (int) event.returnEip());
        if (event.errorCode() != GuestEvent.NO_ERROR_CODE) {
            esp = push(state, esp, event.errorCode());
        }
        if (type == INTERRUPT_GATE) {
            vcpu.setInterruptsEnabled(false);
        }
        state.setRegister(Register.EFLAGS, (state.register(Register.EFLAGS) & ~CLEARED_ON_ENTRY) | 0x200);
        segments.setStack(state, newSs, esp);
        segments.enter(state, selector, handler, newCpl);
        return null;
    }

    private static int push(GuestState state, int esp, int value) {
        int top = esp - 4;
        state.write(Integer.toUnsignedLong(top), 4, value);
        return top;
    }

    private static GuestEvent gp(int errorCode, GuestEvent during) {
        return GuestEvent.exception(ExceptionNames.GENERAL_PROTECTION, errorCode, during.returnEip());
    }

    private static long faultAddress(GuestEvent event) {
        return event.returnEip();
    }

    private static final class UnsupportedGate extends RuntimeException {
        UnsupportedGate(String message) {
            super(message);
        }
    }
}
