package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.TrapCounters;
import hvlab.vmm.TrapKind;
import hvlab.vmm.VmExit;
import hvlab.vmm.devices.IoBus;
import hvlab.vmm.paravirt.Hypercalls;

/**
 * The VMM's exit handler: every {@link Trap} the CPU raises comes here, is counted, and is
 * turned into an effect on the virtual machine, much as a hardware VMM's VM-exit handler
 * switches on the exit reason (Intel SDM Vol. 3C, 27 "VM exits").
 *
 * <p>The first {@link VmExit} recorded ends the VM; the dispatcher then answers STOP.
 */
public final class TrapDispatcher implements TrapHandler {
    private static final int MAX_INSTRUCTION_BYTES = 15;

    private final CpuBackend cpu;
    private final Disassembler disassembler;
    private final PrivilegedInstructions privileged;
    private final IoBus io;
    private final VirtualCpuid cpuid = new VirtualCpuid();
    private final Hypercalls hypercalls;
    private final TrapCounters counters;
    private VmExit exit;

    public TrapDispatcher(CpuBackend cpu, Disassembler disassembler, PrivilegedInstructions privileged, IoBus io,
                          Hypercalls hypercalls, TrapCounters counters) {
        this.cpu = cpu;
        this.disassembler = disassembler;
        this.privileged = privileged;
        this.io = io;
        this.hypercalls = hypercalls;
        this.counters = counters;
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

    @Override
    public TrapOutcome onTrap(Trap trap) {
        TrapOutcome outcome = switch (trap) {
            case Trap.PortIn in -> {
                counters.count(TrapKind.IO);
                yield TrapOutcome.value(io.read(in.port(), in.size()));
            }
            case Trap.PortOut out -> {
                counters.count(TrapKind.IO);
                io.write(out.port(), out.size(), out.value());
                yield TrapOutcome.CONTINUE;
            }
            case Trap.Fault fault when fault.vector() == ExceptionNames.GENERAL_PROTECTION -> generalProtection(fault.eip());
            case Trap.Fault fault -> {
                counters.count(TrapKind.FAULT);
                exit(new VmExit.Fault(fault.vector(), fault.eip(), "the guest has no IDT to handle it"));
                yield TrapOutcome.STOP;
            }
            case Trap.SoftwareInterrupt soft when soft.vector() == Hypercalls.VECTOR -> hypercall();
            case Trap.SoftwareInterrupt soft -> {
                counters.count(TrapKind.FAULT);
                exit(new VmExit.Fault(soft.vector(), interruptInstructionAddress(soft),
                        "software interrupt, and the guest has no IDT to handle it"));
                yield TrapOutcome.STOP;
            }
            case Trap.Cpuid c -> {
                counters.count(TrapKind.CPUID);
                int[] answer = cpuid.answer(cpu.read(Register.EAX), cpu.read(Register.ECX));
                cpu.write(Register.EAX, answer[0]);
                cpu.write(Register.EBX, answer[1]);
                cpu.write(Register.ECX, answer[2]);
                cpu.write(Register.EDX, answer[3]);
                yield TrapOutcome.CONTINUE;
            }
            case Trap.InvalidOpcode invalid -> {
                counters.count(TrapKind.FAULT);
                exit(new VmExit.Fault(ExceptionNames.INVALID_OPCODE, invalid.eip(), "invalid opcode"));
                yield TrapOutcome.STOP;
            }
            case Trap.MemoryFault fault -> {
                counters.count(TrapKind.FAULT);
                exit(new VmExit.MemoryFault(fault.access().verb(), fault.address(), fault.eip(), fault.unmapped()));
                yield TrapOutcome.STOP;
            }
            case Trap.WatchedInstruction watched -> {
                exit(new VmExit.CpuError(String.format("unexpected watched instruction at %#x", watched.eip())));
                yield TrapOutcome.STOP;
            }
        };
        return exit != null ? TrapOutcome.STOP : outcome;
    }

    private TrapOutcome generalProtection(long eip) {
        Instruction instruction = decodeAt(eip);
        if (instruction == null) {
            counters.count(TrapKind.FAULT);
            exit(new VmExit.Fault(ExceptionNames.GENERAL_PROTECTION, eip, "undecodable instruction"));
            return TrapOutcome.STOP;
        }
        boolean isPrivileged = PrivilegedInstructions.isPrivileged(instruction);
        counters.count(isPrivileged ? TrapKind.PRIVILEGED : TrapKind.FAULT);
        return switch (privileged.emulate(instruction)) {
            case Emulation.Resume resume -> {
                cpu.write(Register.EIP, (int) resume.nextEip());
                yield TrapOutcome.CONTINUE;
            }
            case Emulation.Exit end -> {
                exit(end.exit());
                yield TrapOutcome.STOP;
            }
        };
    }

    private TrapOutcome hypercall() {
        counters.count(TrapKind.HYPERCALL);
        int number = cpu.read(Register.EAX);
        int[] args = {cpu.read(Register.EBX), cpu.read(Register.ECX), cpu.read(Register.EDX),
                cpu.read(Register.ESI), cpu.read(Register.EDI)};
        cpu.write(Register.EAX, hypercalls.call(number, args));
        return TrapOutcome.CONTINUE;
    }

    private Instruction decodeAt(long eip) {
        try {
            return disassembler.decode(cpu.readMemory(eip, MAX_INSTRUCTION_BYTES), eip);
        } catch (RuntimeException unreadable) {
            // Near the end of mapped memory fewer than 15 bytes may be readable.
            for (int length = MAX_INSTRUCTION_BYTES - 1; length > 0; length--) {
                try {
                    return disassembler.decode(cpu.readMemory(eip, length), eip);
                } catch (RuntimeException stillUnreadable) {
                    // try a shorter read
                }
            }
            return null;
        }
    }

    /** INT n is CD ib (two bytes), INT3 and INTO one byte: find the instruction that raised it. */
    private long interruptInstructionAddress(Trap.SoftwareInterrupt soft) {
        long next = soft.nextEip();
        try {
            byte[] two = cpu.readMemory(next - 2, 2);
            if ((two[0] & 0xFF) == 0xCD && (two[1] & 0xFF) == soft.vector()) {
                return next - 2;
            }
        } catch (RuntimeException unreadable) {
            // fall through
        }
        return next - 1;
    }
}
