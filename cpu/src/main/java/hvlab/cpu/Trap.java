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
     * raises it, which is what makes trap-and-emulate possible at all. {@code errorCode} is what
     * the CPU would push for the vectors that have one (a #GP or #NP names the selector at fault);
     * 0 for the others.
     */
    record Fault(int vector, int errorCode, long eip) implements Trap {
        public Fault(int vector, long eip) {
            this(vector, 0, eip);
        }
    }

    /** {@code int n}, {@code int3} or {@code into}: the guest asked for the interrupt itself; {@code nextEip} is past it. */
    record SoftwareInterrupt(int vector, long nextEip) implements Trap {}

    /** {@code cpuid}: the outcome {@link TrapOutcome#CONTINUE} means the VMM has written EAX..EDX itself. */
    record Cpuid(long eip) implements Trap {}

    /** An opcode the CPU does not know (#UD), at {@code eip}. */
    record InvalidOpcode(long eip) implements Trap {}

    /**
     * A load from device memory (see {@link CpuBackend#mapDevice}): {@code address} is
     * guest-physical, {@code size} 1, 2 or 4 bytes (the emulator splits wider accesses). The
     * outcome must carry the value the guest reads, as for {@link PortIn}.
     */
    record MmioRead(long address, int size) implements Trap {}

    /** A store to device memory (see {@link CpuBackend#mapDevice}); {@code value} holds {@code size} bytes. */
    record MmioWrite(long address, int size, int value) implements Trap {}

    /** An access to memory that is not mapped, or mapped without the right permission. */
    record MemoryFault(MemoryAccess access, long address, int size, boolean unmapped, long eip) implements Trap {}

    /** Execution reached an instruction the VMM asked to watch (see {@link CpuBackend#watchInstruction}). */
    record WatchedInstruction(long eip) implements Trap {}

    /**
     * SYSENTER or SYSCALL, the fast system-call instructions, somewhere in the block that starts
     * at {@code blockStart} (the emulator knows no more precise address at that point). The
     * emulator does not carry them out (Unicorn turns both into hooks), so the VMM decides what
     * they do: on a CPU whose CPUID does not advertise them, they raise #UD. Either instruction
     * ends its block. Unicorn 2.0.1 then sets EIP to {@code blockStart} plus the instruction's
     * length, which is wrong unless the instruction opens its block: the VMM must always stop
     * here and put EIP where it belongs.
     */
    record FastSystemCall(String mnemonic, long blockStart) implements Trap {}

    /**
     * The CPU has just translated the block of guest code at {@code address} ({@code size} bytes)
     * and is about to run it for the first time (see {@link CpuBackend#watchTranslations}): the
     * moment a binary translator scans code, whatever route execution took to get there.
     */
    record BlockTranslated(long address, int size) implements Trap {}
}
