package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.CpuException;
import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.cpu.MemoryAccess;
import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.TrapCounters;
import hvlab.vmm.TrapKind;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.devices.IoBus;
import hvlab.vmm.interrupts.GuestEvent;
import hvlab.vmm.interrupts.InterruptDelivery;
import hvlab.vmm.interrupts.IretEmulation;
import hvlab.vmm.interrupts.StackSegmentLoad;
import hvlab.vmm.paravirt.Hypercalls;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The VMM's exit handler: every {@link Trap} the CPU raises comes here, is counted, and is turned
 * into an effect on the virtual machine, much as a hardware VMM's VM-exit handler switches on the
 * exit reason (Intel SDM Vol. 3C, 27 "VM exits").
 *
 * <p>Three outcomes are possible for the guest: the VMM emulates what it did and it goes on; the
 * VMM reflects an exception into the guest's own IDT, as the real CPU would have; or the VM ends
 * (the first {@link VmExit} recorded wins, and the dispatcher answers STOP).
 */
public final class TrapDispatcher implements TrapHandler {
    private static final int MAX_INSTRUCTION_BYTES = 15;
    private static final int SEGMENT_NOT_PRESENT = 11;
    private static final int DECODE_CACHE_LIMIT = 4096;

    private final CpuBackend cpu;
    private final GuestState state;
    private final Disassembler disassembler;
    private final VirtualCpu vcpu;
    private final PrivilegedInstructions privileged;
    private final IretEmulation iret;
    private final InterruptDelivery delivery;
    private final StackSegmentLoad stackSegmentLoad;
    private final IoBus io;
    private final VirtualCpuid cpuid = new VirtualCpuid();
    private final TrapCounters counters;
    private HypercallHandler hypercalls = (state, next) -> {
        state.setRegister(Register.EAX, Hypercalls.ENOSYS);
        return new Emulation.Resume(next);
    };
    private WatchedInstructionHandler watched = (eip, state) ->
            new Emulation.Exit(new VmExit.CpuError(String.format("unexpected watched instruction at %#x", eip)));
    private final PortIoInstructions portIo;
    private final Map<Long, Instruction> ioSites = new HashMap<>();
    private final Set<Long> discoveryHints = new LinkedHashSet<>();
    private final Map<Long, Instruction> decoded = new HashMap<>();
    private CodeGuard codeGuard = CodeGuard.NONE;
    private VmExit exit;
    private boolean waitingForInterrupt;

    public TrapDispatcher(CpuBackend cpu, Disassembler disassembler, VirtualCpu vcpu, PrivilegedInstructions privileged,
                          IretEmulation iret, InterruptDelivery delivery, StackSegmentLoad stackSegmentLoad,
                          IoBus io, TrapCounters counters) {
        this.cpu = cpu;
        this.state = new CpuGuestState(cpu);
        this.disassembler = disassembler;
        this.vcpu = vcpu;
        this.privileged = privileged;
        this.iret = iret;
        this.delivery = delivery;
        this.stackSegmentLoad = stackSegmentLoad;
        this.io = io;
        this.counters = counters;
        this.portIo = new PortIoInstructions(vcpu, io);
    }

    /** An I/O instruction the CPU will stop at (it must also be watched on the CPU). */
    public void addIoSite(Instruction instruction) {
        ioSites.put(instruction.address(), instruction);
    }

    public boolean isIoSite(long eip) {
        return ioSites.containsKey(eip);
    }

    /**
     * Where the CPU was when port I/O reached the VMM through the emulator's own I/O hook, i.e.
     * at an instruction the scan missed (recorded only while I/O is emulated at watched sites). Only the start of the translated block is known there;
     * the VMM decodes forward from it to find the instruction and watch it from then on.
     */
    public Set<Long> takeDiscoveryHints() {
        Set<Long> hints = new LinkedHashSet<>(discoveryHints);
        discoveryHints.clear();
        return hints;
    }

    public void setHypercallHandler(HypercallHandler handler) {
        this.hypercalls = handler;
    }

    /** Protection faults on pages of translated code (see {@code bt.CodePageGuard}). */
    public interface CodeGuard {
        CodeGuard NONE = new CodeGuard() {
            public boolean onWrite(long address) { return false; }
            public boolean onFetch(long address) { return false; }
        };

        boolean onWrite(long address);

        boolean onFetch(long address);
    }

    public void setCodeGuard(CodeGuard guard) {
        this.codeGuard = guard;
    }

    public void setWatchedInstructionHandler(WatchedInstructionHandler handler) {
        this.watched = handler;
    }

    /** Ends the VM with {@code exit} (the first one recorded wins). Devices call this too. */
    public void exit(VmExit exit) {
        if (this.exit == null) {
            this.exit = exit;
        }
    }

    public VmExit exit() {
        return exit;
    }

    /** True after a HLT with interrupts enabled, until an interrupt is delivered. */
    public boolean waitingForInterrupt() {
        return waitingForInterrupt;
    }

    public GuestState guestState() {
        return state;
    }

    /** Delivers an interrupt or exception to the guest now (the CPU must be stopped, or inside a trap). */
    public boolean deliver(GuestEvent event) {
        VmExit failed = delivery.deliver(event, state);
        if (failed != null) {
            exit(failed);
            return false;
        }
        counters.count(TrapKind.INTERRUPT);
        waitingForInterrupt = false;
        return true;
    }

    /** Set HV_TRACE=1 to see every trap on stderr: the VMM's view of the guest, one line each. */
    private static final boolean TRACE = System.getenv("HV_TRACE") != null;

    @Override
    public TrapOutcome onTrap(Trap trap) {
        if (TRACE) {
            System.err.printf("[trap] %s vcpl=%d if=%b esp=%08x%n", trap, vcpu.privilegeLevel(), vcpu.interruptsEnabled(), cpu.read(Register.ESP));
        }
        TrapOutcome outcome;
        try {
            outcome = dispatch(trap);
        } catch (CpuException e) {
            // The VMM could not read or write guest memory it needed (an IDT, a stack, an
            // instruction): on real hardware this is a fault during a fault.
            exit(new VmExit.Fault(ExceptionNames.DOUBLE_FAULT, Integer.toUnsignedLong(cpu.read(Register.EIP)),
                    "the VMM could not access guest memory: " + e.getMessage()));
            outcome = TrapOutcome.STOP;
        }
        return exit != null || waitingForInterrupt ? TrapOutcome.STOP : outcome;
    }

    private TrapOutcome dispatch(Trap trap) {
        return switch (trap) {
            case Trap.PortIn in -> {
                counters.count(TrapKind.IO);
                if (!ioSites.isEmpty()) {
                    discoveryHints.add(Integer.toUnsignedLong(cpu.read(Register.EIP)));
                }
                yield TrapOutcome.value(io.read(in.port(), in.size()));
            }
            case Trap.PortOut out -> {
                counters.count(TrapKind.IO);
                if (!ioSites.isEmpty()) {
                    discoveryHints.add(Integer.toUnsignedLong(cpu.read(Register.EIP)));
                }
                io.write(out.port(), out.size(), out.value());
                yield TrapOutcome.CONTINUE;
            }
            case Trap.Fault fault when fault.vector() == ExceptionNames.GENERAL_PROTECTION
                    || fault.vector() == SEGMENT_NOT_PRESENT -> protectionFault(fault);
            case Trap.Fault fault -> reflect(GuestEvent.exception(fault.vector(), 0, fault.eip()), TrapKind.FAULT);
            case Trap.SoftwareInterrupt soft when soft.vector() == Hypercalls.VECTOR -> {
                counters.count(TrapKind.HYPERCALL);
                yield apply(hypercalls.call(state, soft.nextEip()));
            }
            case Trap.SoftwareInterrupt soft ->
                    reflect(GuestEvent.software(soft.vector(), soft.nextEip()), null);
            case Trap.Cpuid c -> {
                counters.count(TrapKind.CPUID);
                int[] answer = cpuid.answer(cpu.read(Register.EAX), cpu.read(Register.ECX));
                cpu.write(Register.EAX, answer[0]);
                cpu.write(Register.EBX, answer[1]);
                cpu.write(Register.ECX, answer[2]);
                cpu.write(Register.EDX, answer[3]);
                yield TrapOutcome.CONTINUE;
            }
            case Trap.InvalidOpcode invalid ->
                    reflect(GuestEvent.exception(ExceptionNames.INVALID_OPCODE, 0, invalid.eip()), TrapKind.FAULT);
            // Translated code being written, or rewritten code about to run: stop, let the VMM
            // change the page's protection (and rescan it), and retry the instruction.
            case Trap.MemoryFault fault when !fault.unmapped() && fault.access() == MemoryAccess.WRITE
                    && codeGuard.onWrite(fault.address()) -> TrapOutcome.STOP;
            case Trap.MemoryFault fault when !fault.unmapped() && fault.access() == MemoryAccess.FETCH
                    && codeGuard.onFetch(fault.address()) -> TrapOutcome.STOP;
            case Trap.MemoryFault fault -> {
                counters.count(TrapKind.FAULT);
                exit(new VmExit.MemoryFault(fault.access().verb(), fault.address(), fault.eip(), fault.unmapped()));
                yield TrapOutcome.STOP;
            }
            case Trap.WatchedInstruction w when ioSites.containsKey(w.eip()) -> {
                counters.count(TrapKind.IO);
                yield apply(portIo.emulate(ioSites.get(w.eip()), state));
            }
            case Trap.WatchedInstruction w -> {
                counters.count(TrapKind.TRANSLATED);
                yield apply(watched.onWatched(w.eip(), state));
            }
        };
    }

    /** #GP or #NP at CPL 3: a privileged instruction, an IRET to a guest selector, or the guest's own fault. */
    private TrapOutcome protectionFault(Trap.Fault fault) {
        Instruction instruction = decodeAt(fault.eip());
        if (instruction == null) {
            return reflect(GuestEvent.exception(fault.vector(), 0, fault.eip()), TrapKind.FAULT);
        }
        if (IretEmulation.isIret(instruction)) {
            counters.count(TrapKind.PRIVILEGED);
            return apply(iret.emulate(instruction, state));
        }
        if (fault.vector() == ExceptionNames.GENERAL_PROTECTION && StackSegmentLoad.isStackSegmentLoad(instruction)) {
            counters.count(TrapKind.PRIVILEGED);
            return apply(stackSegmentLoad.emulate(instruction, state));
        }
        if (fault.vector() == ExceptionNames.GENERAL_PROTECTION && PrivilegedInstructions.isPrivileged(instruction)) {
            counters.count(TrapKind.PRIVILEGED);
            return apply(privileged.emulate(instruction, state));
        }
        return reflect(GuestEvent.exception(fault.vector(), 0, fault.eip()), TrapKind.FAULT);
    }

    private TrapOutcome apply(Emulation emulation) {
        return switch (emulation) {
            case Emulation.Resume resume -> {
                cpu.write(Register.EIP, (int) resume.nextEip());
                yield TrapOutcome.CONTINUE;
            }
            case Emulation.Raise raise -> reflect(GuestEvent.exception(raise.vector(), raise.errorCode(), raise.eip()), TrapKind.FAULT);
            case Emulation.Halt halt -> {
                cpu.write(Register.EIP, (int) halt.nextEip());
                vcpu.setHalted(true);
                waitingForInterrupt = true;
                yield TrapOutcome.STOP;
            }
            case Emulation.Exit end -> {
                exit(end.exit());
                yield TrapOutcome.STOP;
            }
        };
    }

    /** Hands an exception or software interrupt to the guest's IDT; without one, the VM ends. */
    private TrapOutcome reflect(GuestEvent event, TrapKind countAs) {
        if (countAs != null) {
            counters.count(countAs);
        }
        if (event.source() == GuestEvent.Source.EXCEPTION && !vcpu.hasIdt()) {
            exit(new VmExit.Fault(event.vector(), event.returnEip(), detailFor(event)));
            return TrapOutcome.STOP;
        }
        if (event.source() == GuestEvent.Source.SOFTWARE && !vcpu.hasIdt()) {
            exit(new VmExit.Fault(event.vector(), interruptInstructionAddress(event),
                    "software interrupt, and the guest has no IDT to handle it"));
            return TrapOutcome.STOP;
        }
        return deliver(event) ? TrapOutcome.CONTINUE : TrapOutcome.STOP;
    }

    private String detailFor(GuestEvent event) {
        if (event.vector() == ExceptionNames.INVALID_OPCODE) {
            return "invalid opcode";
        }
        if (event.vector() == ExceptionNames.GENERAL_PROTECTION) {
            Instruction insn = decodeAt(event.returnEip());
            String what = insn == null ? "an undecodable instruction" : "'" + insn.text() + "'";
            return what + " raised a general protection fault, and the guest has no IDT to handle it";
        }
        return "the guest has no IDT to handle it";
    }

    /**
     * Decodes the instruction at {@code eip}. Decoding is the dearest step of a trap (Capstone
     * with detail on), and a guest traps at the same few places again and again, so decoded
     * instructions are kept by address; a kept one is used only while the bytes in memory are
     * still the bytes it was decoded from (guests may rewrite their code).
     */
    private Instruction decodeAt(long eip) {
        Instruction known = decoded.get(eip);
        if (known != null) {
            try {
                if (java.util.Arrays.equals(cpu.readMemory(eip, known.size()), known.bytes())) {
                    return known;
                }
            } catch (CpuException unreadable) {
                // decode afresh below
            }
        }
        Instruction fresh = decodeFromMemory(eip);
        if (fresh != null && decoded.size() < DECODE_CACHE_LIMIT) {
            decoded.put(eip, fresh);
        }
        return fresh;
    }

    private Instruction decodeFromMemory(long eip) {
        for (int length = MAX_INSTRUCTION_BYTES; length > 0; length--) {
            try {
                return disassembler.decode(cpu.readMemory(eip, length), eip);
            } catch (CpuException unreadable) {
                // Near the end of mapped memory fewer than 15 bytes may be readable.
            }
        }
        return null;
    }

    /** INT n is CD ib (two bytes), INT3 and INTO one byte: find the instruction that raised it. */
    private long interruptInstructionAddress(GuestEvent event) {
        long next = event.returnEip();
        try {
            byte[] two = cpu.readMemory(next - 2, 2);
            if ((two[0] & 0xFF) == 0xCD && (two[1] & 0xFF) == event.vector()) {
                return next - 2;
            }
        } catch (CpuException unreadable) {
            // fall through
        }
        return next - 1;
    }
}
