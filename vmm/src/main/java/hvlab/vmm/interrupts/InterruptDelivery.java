package hvlab.vmm.interrupts;

import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.memory.GuestFault;
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
 * If delivery itself raises an exception, the processor's rules decide what happens next (SDM
 * Vol. 3, 6.15): a software interrupt through a gate its caller may not use simply becomes that
 * #GP, delivered in its place; two contributory faults make a double fault (#DF); and a fault
 * while delivering #DF shuts the processor down (a triple fault), which ends the VM.
 */
public final class InterruptDelivery {
    private static final int INTERRUPT_GATE = 0xE;
    private static final int TRAP_GATE = 0xF;
    private static final int TASK_GATE = 0x5;
    private static final int CONFORMING = 0x4;
    private static final int CLEARED_ON_ENTRY = 0x100 | 0x4000 | 0x10000 | 0x20000; // TF, NT, RF, VM
    /** The real IOPL: always 0, whatever state the guest left the real flags in (the guest's is virtual). */
    private static final int REAL_IOPL = 0x3000;
    /** A nested exception can itself fail; past this many the guest's tables are hopeless. */
    private static final int MAX_NESTING = 4;

    private final VirtualCpu vcpu;
    private final GuestSegments segments;

    public InterruptDelivery(VirtualCpu vcpu, ShadowGdt gdt) {
        this.vcpu = vcpu;
        this.segments = new GuestSegments(vcpu, gdt);
    }

    /** Delivers {@code event}; returns null when the guest's handler is now running, else why the VM must end. */
    public VmExit deliver(GuestEvent event, GuestState state) {
        GuestEvent current = event;
        for (int depth = 0; depth < MAX_NESTING; depth++) {
            if (!vcpu.hasIdt()) {
                return new VmExit.Fault(current.vector(), current.instruction(), "the guest has no IDT to handle it");
            }
            GuestEvent nested;
            try {
                nested = attempt(current, state);
            } catch (UnsupportedGate e) {
                return new VmExit.NotEmulated(e.getMessage(), current.returnEip());
            } catch (GuestFault.OutsideRam e) {
                return new VmExit.MemoryFault(e.access().verb(), e.address(), current.returnEip(), true);
            } catch (GuestFault.Exception e) {
                nested = GuestEvent.exception(e.vector(), e.errorCode(), current.instruction());
            }
            if (nested == null) {
                vcpu.setHalted(false);
                return null;
            }
            if (current.vector() == ExceptionNames.DOUBLE_FAULT && current.source() == GuestEvent.Source.EXCEPTION) {
                return tripleFault(event, "delivering the double fault failed too (" + ExceptionNames.mnemonic(nested.vector()) + ")");
            }
            current = ExceptionClass.doubleFault(current, nested)
                    ? GuestEvent.exception(ExceptionNames.DOUBLE_FAULT, 0, current.instruction())
                    : nested;
        }
        return tripleFault(event, "exceptions kept arising while delivering it");
    }

    private static VmExit tripleFault(GuestEvent event, String why) {
        return new VmExit.Fault(ExceptionNames.DOUBLE_FAULT, event.returnEip(), "triple fault while delivering "
                + ExceptionNames.mnemonic(event.vector()) + ": " + why + " (a real CPU would shut down)");
    }

    /** One try at delivery: null on success, or the exception that delivery itself raised. */
    private GuestEvent attempt(GuestEvent event, GuestState state) {
        int vector = event.vector();
        // EXT (bit 0 of an error code, SDM 6.13): set when delivering something other than the
        // program's own INT n; IDT (bit 1): the error code names a gate.
        int ext = event.source() == GuestEvent.Source.SOFTWARE ? 0 : 1;
        int gateError = vector * 8 + 2 + ext;
        long idtBase = vcpu.idtr().base();
        if (vector * 8L + 7 > vcpu.idtr().limit()) {
            return gp(gateError, event);
        }
        int low = state.read(idtBase + vector * 8L, 4);
        int high = state.read(idtBase + vector * 8L + 4, 4);
        int type = (high >> 8) & 0x1F;
        int gateDpl = (high >> 13) & 3;
        boolean present = (high & 0x8000) != 0;
        if (type == TASK_GATE && present) {
            throw new UnsupportedGate("task gates are not supported (vector " + vector + ")");
        }
        if (type != INTERRUPT_GATE && type != TRAP_GATE && type != TASK_GATE) {
            return gp(gateError, event);
        }
        if (event.source() == GuestEvent.Source.SOFTWARE && gateDpl < vcpu.privilegeLevel()) {
            return gp(gateError, event);
        }
        if (!present) {
            return GuestEvent.exception(11, gateError, event.instruction());
        }
        int selector = low >>> 16;
        long handler = Integer.toUnsignedLong((low & 0xFFFF) | (high & 0xFFFF0000));
        SegmentDescriptor code = segments.descriptor(selector, state);
        if ((selector & ~3) == 0 || code == null || !code.isCode() || code.dpl() > vcpu.privilegeLevel()) {
            return gp((selector & 0xFFFC) | ext, event);
        }
        if (!code.present()) {
            return GuestEvent.exception(11, (selector & 0xFFFC) | ext, event.instruction());
        }
        int oldCpl = vcpu.privilegeLevel();
        // A conforming handler runs at the interrupted code's level (SDM 6.12.1): no stack switch.
        int newCpl = (code.type() & CONFORMING) != 0 ? oldCpl : code.dpl();
        int flags = segments.guestFlags(state.register(Register.EFLAGS));
        int cs = segments.guestView(state.register(Register.CS));
        GuestSegments.Stack current = segments.currentStack(state);
        GuestSegments.Stack stack = current;
        if (newCpl < oldCpl) {
            stack = segments.innerStack(state, newCpl);
            stack = stack.push(state, current.selector());
            stack = stack.push(state, current.esp());
        }
        stack = stack.push(state, flags);
        stack = stack.push(state, cs);
        stack = stack.push(state, (int) event.returnEip());
        if (event.errorCode() != GuestEvent.NO_ERROR_CODE) {
            stack = stack.push(state, event.errorCode());
        }
        if (type == INTERRUPT_GATE) {
            vcpu.setInterruptsEnabled(false);
        }
        state.setRegister(Register.EFLAGS, (state.register(Register.EFLAGS) & ~(CLEARED_ON_ENTRY | REAL_IOPL)) | 0x200);
        // Enter first: that switches the shadow GDT to the kernel's view, where the kernel's
        // stack segment is visible and so can be loaded.
        segments.enter(state, selector, code, handler, newCpl);
        if (newCpl < oldCpl) {
            segments.setStack(state, stack.selector(), stack.descriptor(), stack.esp());
        } else {
            state.setRegister(Register.ESP, stack.esp());
        }
        return null;
    }

    private static GuestEvent gp(int errorCode, GuestEvent during) {
        return GuestEvent.exception(ExceptionNames.GENERAL_PROTECTION, errorCode, during.instruction());
    }

    private static final class UnsupportedGate extends RuntimeException {
        UnsupportedGate(String message) {
            super(message, null, false, false);
        }
    }
}
