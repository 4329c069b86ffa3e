package hvlab.cpu;

import java.time.Duration;

/**
 * One x86 CPU (32-bit protected mode) that the VMM drives: map memory into its physical
 * address space, read and write its registers, run it until a trap handler stops it.
 *
 * <p>The interface speaks the VMM's language, not the emulator's: whichever engine sits behind
 * it, a trap arrives as a {@link Trap} record and registers are named by {@link Register}.
 */
public interface CpuBackend extends AutoCloseable {

    /** Makes {@code memory} appear at guest-physical {@code address}; guest accesses read and write it directly. */
    void map(long address, GuestMemory memory, Protection protection);

    /**
     * Maps {@code size} bytes of {@code memory}, from {@code offset}, at guest-physical {@code address}.
     * Map separately what must later get its own protection: Unicorn cannot split a mapping of
     * foreign memory, so {@link #protect} works on whole mappings only.
     */
    void map(long address, GuestMemory memory, long offset, long size, Protection protection);

    /** Changes what the guest may do with an already mapped range (whole mappings, see {@link #map}). */
    void protect(long address, long size, Protection protection);

    int read(Register register);

    void write(Register register, int value);

    TableRegister.Value read(TableRegister register);

    void write(TableRegister register, TableRegister.Value value);

    /** Reads guest-physical memory through the CPU's view (works for every mapped range). */
    byte[] readMemory(long address, int length);

    void writeMemory(long address, byte[] bytes);

    void setTrapHandler(TrapHandler handler);

    /**
     * Runs from {@code eip} until a trap handler answers {@link TrapOutcome#STOP}, {@link #requestStop}
     * is called, or {@code slice} has passed ({@link Duration#ZERO} means no limit).
     * An exception thrown by the trap handler is rethrown from here once the CPU has stopped.
     */
    RunResult run(long eip, Duration slice);

    /** Asks a running CPU to stop soon. Safe to call from any thread. */
    void requestStop();

    /**
     * Delivers a {@link Trap.WatchedInstruction} each time the instruction at {@code eip} is
     * about to run. Costs nothing for other instructions: this is how binary translation
     * instruments one sensitive instruction without changing the guest's bytes.
     */
    void watchInstruction(long eip);

    void unwatchInstruction(long eip);

    /** The complete CPU state (registers, descriptor caches, flags), for snapshots and migration. */
    byte[] saveState();

    void restoreState(byte[] state);

    @Override
    void close();
}
