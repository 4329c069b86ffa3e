package hvlab.cpu;

/**
 * Something the guest did that the CPU hands to the VMM instead of finishing by itself: the
 * equivalent of a VM exit on hardware with virtualization support.
 *
 * <p>The VMM answers each trap with a {@link TrapOutcome}. Handling is meant to be a pure
 * function from a trap (plus the virtual CPU state) to an outcome, so tests can feed made-up
 * traps with no emulator at all.
 */
public sealed interface Trap {

    /** {@code in} from an I/O port: the outcome must carry the value the guest reads. */
    record PortIn(int port, int size) implements Trap {}

    /** {@code out} to an I/O port. */
    record PortOut(int port, int size, int value) implements Trap {}

    /**
     * A processor exception (SDM Vol. 3, 6.3): the CPU could not finish the instruction at
     * {@code eip}. The most important one is #GP (13): at CPL 3 every privileged instruction
     * raises it, which is what makes trap-and-emulate possible at all.
     */
    record Fault(int vector, long eip) implements Trap {}

    /** {@code int n}, {@code int3} or {@code into}: the guest asked for the interrupt itself; {@code nextEip} is past it. */
    record SoftwareInterrupt(int vector, long nextEip) implements Trap {}

    /** {@code cpuid}: the outcome {@link TrapOutcome#CONTINUE} means the VMM has written EAX..EDX itself. */
    record Cpuid(long eip) implements Trap {}

    /** An opcode the CPU does not know (#UD), at {@code eip}. */
    record InvalidOpcode(long eip) implements Trap {}

    /** An access to memory that is not mapped, or mapped without the right permission. */
    record MemoryFault(MemoryAccess access, long address, int size, boolean unmapped, long eip) implements Trap {}

    /** Execution reached an instruction the VMM asked to watch (see {@link CpuBackend#watchInstruction}). */
    record WatchedInstruction(long eip) implements Trap {}
}
