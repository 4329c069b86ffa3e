package hvlab.cpu;

import java.time.Duration;

/**
 * One x86 CPU (32-bit protected mode) that the VMM drives: map memory into its physical
 * address space, read and write its registers, run it until a trap handler stops it.
 *
 * <p>The interface speaks the VMM's language, not the emulator's: whichever engine sits behind
 * it, a trap arrives as a {@link Trap} record and registers are named by {@link Register}.
 *
 * <p>There is deliberately no way to write memory through the CPU. The CPU's view of memory
 * includes what the VMM keeps for itself (the real GDT, the trampoline), and a VMM that wrote
 * there on a guest's behalf would be a confused deputy. The VMM reaches guest RAM through the
 * {@link GuestMemory} it mapped, which holds guest RAM and nothing else.
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

    /**
     * Makes [{@code address}, {@code address + size}) device memory (memory-mapped I/O, as the
     * local APIC's page at 0xFEE00000): no RAM behind it, every guest load there becomes a
     * {@link Trap.MmioRead} and every store a {@link Trap.MmioWrite}, in the middle of the
     * instruction, as port I/O does. Both ends must be 4 KiB aligned; call before the first run.
     * Fetching instructions from device memory is a {@link Trap.MemoryFault}.
     */
    default void mapDevice(long address, long size) {
        mapDevice(address, size, address);
    }

    /**
     * As {@link #mapDevice(long, long)}, but the traps name {@code deviceAddress} onwards: the
     * range is an alias of device memory elsewhere, as a shadow MMU needs when the guest's page
     * tables map a linear page to a device frame and the emulator only ever uses linear =
     * physical. Remove it with {@link #unmap}.
     */
    void mapDevice(long address, long size, long deviceAddress);

    /** Removes a mapping made by {@link #map}, whole; call only while the CPU is stopped. */
    void unmap(long address, long size);

    /** Changes what the guest may do with an already mapped range (whole mappings, see {@link #map}). */
    void protect(long address, long size, Protection protection);

    int read(Register register);

    void write(Register register, int value);

    /**
     * EFLAGS without its arithmetic flags (CF, PF, AF, ZF, SF, OF): IF, IOPL, VM and the other
     * system flags, which the VMM's invariants are about. An emulator may keep the arithmetic
     * flags apart and compute them on demand (QEMU does); the system flags are then cheaper to
     * read, and exact even where the arithmetic ones are stale (inside an I/O hook).
     */
    default int readSystemFlags() {
        return read(Register.EFLAGS) & ~ARITHMETIC_FLAGS;
    }

    /** CF, PF, AF, ZF, SF, OF (SDM Vol. 1, 3.4.3.1). */
    int ARITHMETIC_FLAGS = 0x8D5;

    TableRegister.Value read(TableRegister register);

    void write(TableRegister register, TableRegister.Value value);

    FpuState readFpu();

    void writeFpu(FpuState state);

    /**
     * Forgets any translation of the guest code in [{@code address}, {@code address + length}):
     * call after the VMM itself wrote guest memory, which the CPU does not notice as it notices
     * the guest's own stores, so that code there runs as it now is.
     */
    void invalidateTranslations(long address, long length);

    void setTrapHandler(TrapHandler handler);

    /**
     * APIC virtualization the software way: reads of the 4-byte device register at {@code
     * deviceAddress} are answered {@code value} by the CPU itself, with no trap, until the next
     * call changes the value (-1 as the address answers none). Intel's APICv does the same with a
     * virtual-APIC page: the registers a guest reads most are served from memory the VMM keeps,
     * and writes still exit. Where a backend cannot, nothing changes: the device answers through
     * its trap. Call with the CPU stopped or from a trap handler.
     */
    default void answerReads(long deviceAddress, int value) {
    }

    /** How many reads {@link #answerReads} answered without a trap. */
    default long readsAnswered() {
        return 0;
    }

    /**
     * Does the CPU's page walk take the frame a page table entry names, as a processor does?
     * Unicorn 2.1 does; 2.0.1 checks the entry's rights and then translates linear = physical,
     * which the shadow MMU must work around (DESIGN.md sections 10, 17 and 18).
     */
    default boolean pageWalkTranslates() {
        return false;
    }

    /**
     * Runs from {@code eip} until a trap handler answers {@link TrapOutcome.Stop}, {@link #requestStop}
     * is called, or {@code slice} has passed ({@link Duration#ZERO} means no limit). Every way of
     * stopping leaves the CPU at an exact instruction boundary, so the guest can be resumed (or
     * saved) as if it had never stopped. An exception thrown by the trap handler is rethrown from
     * here once the CPU has stopped.
     */
    RunResult run(long eip, Duration slice);

    /**
     * Asks the CPU to stop at its next instruction boundary: the running {@link #run} (or, if none
     * is running, the next one) returns {@link RunResult.Cause#REQUESTED}. Safe to call from any thread.
     */
    void requestStop();

    /**
     * How many blocks of code have started to run on this CPU (a block the CPU stops in front of
     * is counted when it runs). With EIP it names one exact point in the instruction stream, the
     * same on every run of the same code from the same state: what deterministic replay stops at.
     */
    long blocksRun();

    /**
     * Makes {@link #run} stop (as at the end of a slice) once exactly {@code blocks} blocks have
     * run, before the next one starts; -1 for no such stop. The stop holds at that count until
     * this is called again. Call between runs.
     */
    void stopAtBlocksRun(long blocks);

    /**
     * Delivers a {@link Trap.WatchedInstruction} each time the instruction at {@code eip} is
     * about to run. Costs nothing for other instructions: this is how binary translation
     * instruments one sensitive instruction without changing the guest's bytes.
     */
    void watchInstruction(long eip);

    void unwatchInstruction(long eip);

    /**
     * Delivers a {@link Trap.BlockTranslated} for every block of code starting in
     * [{@code begin}, {@code end}) that the CPU translates from now on, before it first runs.
     * Call it before the guest's first instruction: blocks translated earlier are not reported.
     */
    void watchTranslations(long begin, long end);

    /**
     * Single-step mode, for a debugger: while on, each {@link #run} executes at most one guest
     * instruction (an instruction that traps counts once, with its emulation), or none when a trap
     * handler stops the CPU before it. Exact, and slow (the emulator counts every instruction), so
     * a debugger turns it on for a step and off before it lets the guest run on.
     */
    default void setSingleStep(boolean on) {
        if (on) {
            throw new UnsupportedOperationException("this CPU cannot single-step");
        }
    }

    @Override
    void close();
}
