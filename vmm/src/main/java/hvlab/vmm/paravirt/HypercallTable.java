package hvlab.vmm.paravirt;

import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;
import hvlab.vmm.trap.HypercallHandler;
import hvlab.vmm.trap.PrivilegedInstructions;

import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

import static hvlab.vmm.paravirt.Hypercalls.EFAULT;
import static hvlab.vmm.paravirt.Hypercalls.EINVAL;
import static hvlab.vmm.paravirt.Hypercalls.ENOSYS;
import static hvlab.vmm.paravirt.Hypercalls.EOPNOTSUPP;
import static hvlab.vmm.paravirt.Hypercalls.EPERM;

/**
 * The VMM side of {@code int 0x82}: looks the number in EAX up in {@link Hypercall} and performs
 * the call. A paravirtual guest is written to ask instead of trying: where a trapped CLI or MOV
 * CR3 costs a #GP, a decode and an emulation, a hypercall says what it wants in registers, and
 * the VMM can answer "no" with an error code instead of a fault (Barham et al., "Xen and the Art
 * of Virtualization", SOSP 2003, section 2.1).
 *
 * <p>The rules every call follows, as Xen's do:
 * <ul>
 *   <li>an unknown number answers -ENOSYS, so a guest can probe for calls it is not sure of;</li>
 *   <li>from the guest's user tasks (virtual CPL 3) only the calls marked
 *       {@link Hypercall#allowedFromUser()} run; the rest answer -EPERM;</li>
 *   <li>every guest pointer is checked to lie in guest RAM (see {@link GuestPointers}); a bad one
 *       answers -EFAULT and changes nothing;</li>
 *   <li>the answer goes to EAX (GET_TIME also sets EDX) and the guest goes on after the INT.</li>
 * </ul>
 *
 * <p>Hypercalls exist only in {@code --mode paravirt}. In the other modes the VMM installs
 * {@link #disabled()}, so a paravirtual guest's probe sees -ENOSYS: there is no such interface.
 */
public final class HypercallTable implements HypercallHandler {
    /** CR4 bits a 32-bit guest may set, as for MOV to CR4 (trap.ControlRegisterInstructions). */
    private static final int CR4_WRITABLE = 0x7FF;
    private static final int CR0_ET = 0x10;
    /** The most bytes one CONSOLE_WRITE sends: far more than a line, far less than a time slice's work. */
    static final int CONSOLE_WRITE_MAX = 64 * 1024;

    private final VirtualCpu vcpu;
    private final GuestPointers pointers;
    private final PrivilegedInstructions.GdtListener gdtListener;
    private final IntConsumer console;
    private final LongSupplier virtualNanos;
    private final IntegrityHooks hooks;

    /**
     * @param vcpu         the virtual CPU the calls read and change
     * @param ramBytes     size of guest RAM: every guest pointer must lie below it
     * @param gdtListener  told of each GDT the guest loads, as for LGDT (the VMM rebuilds its shadow GDT)
     * @param console      receives each byte of CONSOLE_WRITE (the VM's console, as COM1's output)
     * @param virtualNanos virtual time since boot, in nanoseconds
     */
    public HypercallTable(VirtualCpu vcpu, long ramBytes, PrivilegedInstructions.GdtListener gdtListener,
                          IntConsumer console, LongSupplier virtualNanos) {
        this.vcpu = vcpu;
        this.pointers = new GuestPointers(ramBytes);
        this.gdtListener = gdtListener;
        this.console = console;
        this.virtualNanos = virtualNanos;
        this.hooks = new IntegrityHooks(pointers);
    }

    /** The handler for every mode but paravirt: no hypercall exists, each answers -ENOSYS. */
    public static HypercallHandler disabled() {
        return (state, nextEip) -> answer(state, nextEip, ENOSYS);
    }

    /** Every region the guest had the VMM measure or verify, oldest first. */
    public List<IntegrityHooks.Measurement> measurements() {
        return hooks.log();
    }

    @Override
    public Emulation call(GuestState state, long nextEip) {
        Hypercall call = Hypercall.byNumber(state.register(Register.EAX)).orElse(null);
        if (call == null) {
            return answer(state, nextEip, ENOSYS);
        }
        if (vcpu.privilegeLevel() != 0 && !call.allowedFromUser()) {
            return answer(state, nextEip, EPERM);
        }
        int ebx = state.register(Register.EBX);
        int ecx = state.register(Register.ECX);
        long address = GuestPointers.unsigned(ebx);
        long length = GuestPointers.unsigned(ecx);
        long buffer = GuestPointers.unsigned(state.register(Register.EDX));
        try {
            return switch (call) {
                case VERSION -> answer(state, nextEip, Hypercalls.MAGIC);
                case CONSOLE_WRITE -> answer(state, nextEip, consoleWrite(state, address, length));
                case GET_IF -> answer(state, nextEip, vcpu.interruptsEnabled() ? 1 : 0);
                case SET_IF -> answer(state, nextEip, swapInterruptFlag(true));
                case CLEAR_IF -> answer(state, nextEip, swapInterruptFlag(false));
                case LOAD_GDT -> answer(state, nextEip, loadGdt(state, address));
                case LOAD_IDT -> answer(state, nextEip, loadIdt(state, address));
                case READ_CR -> answer(state, nextEip, readControlRegister(ebx));
                case WRITE_CR -> answer(state, nextEip, writeControlRegister(ebx, ecx));
                case GET_TIME -> time(state, nextEip);
                case YIELD -> yieldCpu(state, nextEip);
                case SHUTDOWN -> new Emulation.Exit(new VmExit.DebugExit(ebx));
                case MEASURE -> again(state, nextEip, hooks.measure(state, address, length, buffer));
                case VERIFY -> again(state, nextEip, hooks.verify(state, address, length, buffer));
            };
        } catch (GuestPointers.BadPointer bad) {
            return answer(state, nextEip, EFAULT);
        }
    }

    /** The answer, or, for a call that must go on, the INT 0x82 again with the registers untouched. */
    private static Emulation again(GuestState state, long nextEip, int result) {
        return result == IntegrityHooks.AGAIN ? new Emulation.Resume(nextEip - 2) : answer(state, nextEip, result);
    }

    private static Emulation answer(GuestState state, long nextEip, int result) {
        state.setRegister(Register.EAX, result);
        return new Emulation.Resume(nextEip);
    }

    /**
     * The whole buffer is checked before the first byte goes out: a bad pointer fails the call
     * whole. Then at most {@link #CONSOLE_WRITE_MAX} bytes go out, and the answer says how many,
     * as write(2) may write less than asked: a guest that writes all of a 1 GiB RAM in one call
     * (an attack: a 1 GiB copy and seconds of work out of the deadline's reach) writes it a piece
     * per call, and its VM still ends on time.
     */
    private int consoleWrite(GuestState state, long address, long length) throws GuestPointers.BadPointer {
        pointers.check(address, length);
        byte[] bytes = pointers.read(state, address, Math.min(length, CONSOLE_WRITE_MAX));
        for (byte b : bytes) {
            console.accept(b & 0xFF);
        }
        return bytes.length;
    }

    /**
     * Returning the old value lets a guest nest critical sections (save, clear, ..., restore),
     * the pattern of Linux's local_irq_save. Xen needs no call at all for this: the flag is a
     * byte in memory shared with the hypervisor (vcpu_info.evtchn_upcall_mask). Ours costs a
     * trap, but still far less than a #GP and a decode.
     */
    private int swapInterruptFlag(boolean enabled) {
        int previous = vcpu.interruptsEnabled() ? 1 : 0;
        vcpu.setInterruptsEnabled(enabled);
        return previous;
    }

    /**
     * Like LGDT, but checked as Xen's set_gdt checks it: the table must be in guest RAM and must
     * not reach the entries the VMM keeps for itself (Xen: {@code entries >
     * FIRST_RESERVED_GDT_ENTRY} answers -EINVAL). LGDT cannot be refused; a hypercall can.
     */
    private int loadGdt(GuestState state, long descriptor) throws GuestPointers.BadPointer {
        TableRegister.Value table = readPseudoDescriptor(state, descriptor);
        if ((table.limit() + 1L) / 8 > ShadowGdt.GUEST_ENTRIES) {
            return EINVAL;
        }
        vcpu.setGdtr(table);
        gdtListener.gdtLoaded(table.base(), table.limit());
        return 0;
    }

    private int loadIdt(GuestState state, long descriptor) throws GuestPointers.BadPointer {
        vcpu.setIdtr(readPseudoDescriptor(state, descriptor));
        return 0;
    }

    /** The 6 bytes LGDT and LIDT read: a 16-bit limit, then a 32-bit base; the table itself must be in RAM. */
    private TableRegister.Value readPseudoDescriptor(GuestState state, long address) throws GuestPointers.BadPointer {
        int limit = pointers.read16(state, address);
        long base = GuestPointers.unsigned(pointers.read32(state, address + 2));
        pointers.check(base, limit + 1L);
        return TableRegister.Value.of(base, limit);
    }

    private int readControlRegister(int n) {
        return switch (n) {
            case 0 -> vcpu.cr0();
            case 3 -> vcpu.cr3();
            case 4 -> vcpu.cr4();
            default -> EINVAL;
        };
    }

    /**
     * The checks of MOV to CRn, with errors where the instruction has faults or VM exits. Reserved
     * CR4 bits, which raise #GP on the instruction, answer -EINVAL. Paging (CR0.PG) and real mode
     * (clearing CR0.PE), which end the VM on the instruction because this VMM does not emulate
     * them, answer -EOPNOTSUPP: the request is sound, this VMM just does not do it, and a
     * paravirtual guest can be told so and carry on.
     */
    private int writeControlRegister(int n, int value) {
        switch (n) {
            case 0 -> {
                if ((value & VirtualCpu.CR0_PG) != 0 || (value & VirtualCpu.CR0_PE) == 0) {
                    return EOPNOTSUPP;
                }
                vcpu.setCr0(value | CR0_ET);
            }
            case 3 -> vcpu.setCr3(value);
            case 4 -> {
                if ((value & ~CR4_WRITABLE) != 0) {
                    return EINVAL;
                }
                vcpu.setCr4(value);
            }
            default -> {
                return EINVAL;
            }
        }
        return 0;
    }

    /** 64 bits of nanoseconds do not fit EAX: EDX:EAX, as RDTSC returns its count. */
    private Emulation time(GuestState state, long nextEip) {
        long nanos = virtualNanos.getAsLong();
        state.setRegister(Register.EDX, (int) (nanos >>> 32));
        return answer(state, nextEip, (int) nanos);
    }

    /**
     * The paravirtual HLT (Xen's SCHEDOP_block): with interrupts enabled the virtual CPU sleeps
     * until the next one, and the VMM skips virtual time to it; with them disabled nothing could
     * wake it, so the call returns at once rather than hang the guest as HLT would.
     */
    private Emulation yieldCpu(GuestState state, long nextEip) {
        state.setRegister(Register.EAX, 0);
        return vcpu.interruptsEnabled() ? new Emulation.Halt(nextEip) : new Emulation.Resume(nextEip);
    }
}
