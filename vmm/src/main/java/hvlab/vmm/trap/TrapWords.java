package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.interrupts.GuestEvent;

/**
 * Puts a trap and the VMM's answer into words for the trap log: the guest's side ("cli",
 * "out dx, al") and the VMM's ("emulated", "delivered #GP to the guest's handler"). Pure: it is
 * given the decoded instruction, and tested with made-up traps.
 */
public final class TrapWords {
    private TrapWords() {}

    /** What the guest did: the decoded instruction where there is one, else what reached the VMM. */
    public static String guestSide(Trap trap, Instruction instruction) {
        String arrived = switch (trap) {
            case Trap.PortIn in -> String.format("in %s port %#x", width(in.size()), in.port());
            case Trap.PortOut out -> String.format("out %#x to port %#x", out.value() & mask(out.size()), out.port());
            case Trap.MmioRead load -> String.format("load %s at device memory %#x", width(load.size()), load.address());
            case Trap.MmioWrite store -> String.format("store %#x to device memory %#x", store.value() & mask(store.size()), store.address());
            case Trap.Fault fault -> ExceptionNames.mnemonic(fault.vector())
                    + (fault.errorCode() != 0 ? String.format("(%#x)", fault.errorCode()) : "");
            case Trap.SoftwareInterrupt soft -> String.format("int %#x", soft.vector());
            case Trap.Cpuid cpuid -> "cpuid";
            case Trap.InvalidOpcode ud -> "#UD";
            case Trap.MemoryFault mf -> String.format("%s of %s address %#x", mf.access(), mf.unmapped() ? "unmapped" : "protected", mf.address());
            case Trap.WatchedInstruction watched -> "watched instruction";
            case Trap.FastSystemCall fast -> fast.mnemonic();
            case Trap.BlockTranslated block -> String.format("new code translated at %#x (%d bytes)", block.address(), block.size());
        };
        if (instruction == null || trap instanceof Trap.BlockTranslated || trap instanceof Trap.PortIn || trap instanceof Trap.PortOut
                || trap instanceof Trap.MmioRead || trap instanceof Trap.MmioWrite) {
            return arrived;
        }
        return instruction.text() + (trap instanceof Trap.Fault ? "  [" + arrived + "]" : "");
    }

    /** What the VMM did about it. */
    public static String vmmSide(Trap trap, TrapOutcome outcome) {
        return switch (outcome) {
            case TrapOutcome.Continue c -> trap instanceof Trap.PortOut ? "to the device" : "emulated";
            case TrapOutcome.ContinueWith with -> String.format("guest reads %#x", with.value())
                    + (with.thenStop() == null ? "" : "; then " + stop(with.thenStop()));
            case TrapOutcome.Stop stop -> stop(stop.reason());
            default -> outcome.toString();
        };
    }

    private static String stop(hvlab.cpu.StopReason reason) {
        return switch (reason) {
            case VmStop.End end -> "the VM ends: " + end.exit().describe();
            case VmStop.WaitForInterrupt w -> "vCPU sleeps until an interrupt";
            case VmStop.Deliver deliver -> "delivered " + event(deliver.event()) + " to the guest's handler";
            case VmStop.Instrument i -> "new code scanned for sensitive instructions";
            case VmStop.InterruptWindow w -> "emulated; a pending interrupt is delivered next";
            default -> reason.toString();
        };
    }

    private static String event(GuestEvent event) {
        return switch (event.source()) {
            case EXCEPTION -> ExceptionNames.mnemonic(event.vector());
            case SOFTWARE -> String.format("int %#x", event.vector());
            case EXTERNAL -> String.format("interrupt vector %#x", event.vector());
        };
    }

    private static String width(int size) {
        return switch (size) {
            case 1 -> "byte";
            case 2 -> "word";
            default -> "dword";
        };
    }

    private static int mask(int size) {
        return size >= 4 ? -1 : (1 << (8 * size)) - 1;
    }
}
