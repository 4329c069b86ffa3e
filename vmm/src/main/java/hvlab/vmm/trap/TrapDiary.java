package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Instruction;
import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.TrapKind;
import hvlab.vmm.TrapLog;
import hvlab.vmm.TrapRecord;
import hvlab.vmm.VmExit;
import hvlab.vmm.interrupts.GuestEvent;
import hvlab.vmm.memory.GuestFault;

import java.util.function.LongSupplier;

/**
 * Writes the trap log from the dispatcher's side: every trap and every delivered event is
 * offered to the {@link TrapLog}, and only the ones it samples are put into words (decoding an
 * instruction costs microseconds; the trap path must not pay it a million times a second).
 */
final class TrapDiary {
    private final TrapLog log;
    private final LongSupplier virtualNanos;
    private final InstructionCache instructions;
    private final CpuBackend cpu;

    TrapDiary(TrapLog log, LongSupplier virtualNanos, InstructionCache instructions, CpuBackend cpu) {
        this.log = log;
        this.virtualNanos = virtualNanos;
        this.instructions = instructions;
        this.cpu = cpu;
    }

    /** A trap the dispatcher answered with {@code answer}, counted as {@code kind} (null: not counted). */
    void afterTrap(Trap trap, TrapOutcome answer, TrapKind kind) {
        if (!log.wantsNextTrap()) {
            return;
        }
        long eip = switch (trap) {
            case Trap.Fault f -> f.eip();
            case Trap.Cpuid c -> c.eip();
            case Trap.InvalidOpcode u -> u.eip();
            case Trap.MemoryFault m -> m.eip();
            case Trap.WatchedInstruction w -> w.eip();
            case Trap.SoftwareInterrupt soft -> soft.nextEip();
            case Trap.FastSystemCall fast -> fast.blockStart();
            case Trap.BlockTranslated block -> block.address();
            // Inside an I/O hook Unicorn may not have written EIP back yet: near, not exact.
            case Trap.PortIn in -> Integer.toUnsignedLong(cpu.read(Register.EIP));
            case Trap.PortOut out -> Integer.toUnsignedLong(cpu.read(Register.EIP));
            case Trap.MmioRead load -> Integer.toUnsignedLong(cpu.read(Register.EIP));
            case Trap.MmioWrite store -> Integer.toUnsignedLong(cpu.read(Register.EIP));
        };
        boolean exact = trap instanceof Trap.Fault || trap instanceof Trap.Cpuid || trap instanceof Trap.InvalidOpcode
                || trap instanceof Trap.WatchedInstruction || trap instanceof Trap.MemoryFault;
        Instruction instruction = null;
        if (exact) {
            try {
                instruction = instructions.at(eip);
            } catch (GuestFault unreadable) {
                // no code there to show
            }
        }
        log.keep(new TrapRecord(log.lastSeq(), virtualNanos.getAsLong(), eip, kind == null ? "stop" : kind.label(),
                TrapWords.guestSide(trap, instruction), TrapWords.vmmSide(trap, answer)));
    }

    /** An interrupt or exception delivered through the guest's IDT ({@code failed}: why it could not be). */
    void afterDelivery(GuestEvent event, VmExit failed) {
        if (!log.wantsNextTrap()) {
            return;
        }
        String what = switch (event.source()) {
            case EXTERNAL -> String.format("IRQ, vector %#x", event.vector());
            case SOFTWARE -> String.format("int %#x", event.vector());
            case EXCEPTION -> ExceptionNames.mnemonic(event.vector());
        };
        log.keep(new TrapRecord(log.lastSeq(), virtualNanos.getAsLong(), event.returnEip(), TrapKind.INTERRUPT.label(), what,
                failed == null ? "via the guest's IDT" : "delivery failed: " + failed.describe()));
    }
}
