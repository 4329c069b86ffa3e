package hvlab.cpu.unicorn;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Stops a running Unicorn CPU at an exact instruction boundary, from any thread: the way a VMM
 * preempts a guest that never traps.
 *
 * <h2>Why this is hard on Unicorn</h2>
 * A hardware VMM arms the VMX preemption timer (or takes an external interrupt), and the CPU
 * leaves the guest between two instructions. Unicorn's {@code uc_emu_stop} from another thread
 * is not like that: Unicorn looks for the stop request at the start of each translated block and
 * after every guest load and store, and a stop found after a store leaves the block with EIP
 * reset to the block's start, so the instructions before the store run a second time when the
 * guest resumes (unicorn issues #1105, #1565). {@code uc_emu_start}'s instruction count is exact
 * but costs a hook on every instruction (13 times slower).
 *
 * <h2>What works</h2>
 * One {@code UC_HOOK_BLOCK} hook, which Unicorn calls at the start of every block <em>before</em>
 * the block's own stop check and before any of its instructions. Its callback is a few machine
 * instructions, not a Java upcall (an upcall on every block costs ten times the guest's speed):
 * <pre>
 *   ; void on_block(uc_engine *uc, uint64_t address, uint32_t size, Cell *cell)
 *   ;   SysV AMD64: rdi = uc, rsi = address, edx = size, rcx = cell
 *   ;   Cell: +0 int32 stop flag, +8 the address of uc_emu_stop, +16 where the last stop was taken,
 *   ;         +24 blocks executed, +32 the count at which to stop (-1: never)
 *   on_block:
 *       cmp  dword [rcx], 0        ; 83 39 00            a stop asked for?
 *       jne  .stop                 ; 75 0F
 *       mov  rax, [rcx + 24]       ; 48 8B 41 18
 *       cmp  rax, [rcx + 32]       ; 48 3B 41 20         reached the count to stop at?
 *       je   .stop                 ; 74 05
 *       inc  qword [rcx + 24]      ; 48 FF 41 18         one more block runs
 *       ret                        ; C3
 *   .stop:
 *       mov  dword [rcx], 0        ; C7 01 00 00 00 00   take the request
 *       mov  [rcx + 16], rsi       ; 48 89 71 10         note the block's (linear) address
 *       jmp  qword [rcx + 8]       ; FF 61 08            tail call uc_emu_stop(uc): rdi is still uc
 * </pre>
 * Other threads only write the flag. When it is set, the next block to start stops the engine
 * before its first instruction, so every register describes one exact boundary, and EIP
 * belongs at the start of that block. Unicorn does not always put it there: a block entered
 * through a chained jump from the one before has not written EIP yet, and when any code hook
 * exists (binary translation watches instructions with them) Unicorn leaves EIP as it was
 * rather than take it from the block, so it points somewhere earlier and the guest would
 * resume in the wrong place (lost and repeated instructions, measured). So the stub notes the
 * block's address, and the backend sets EIP from it ({@link #takenAt}). With the
 * flag clear the cost is a few instructions per block (measured 1.0-1.2x on loops that touch
 * memory).
 *
 * <h2>Counting blocks: a point in the instruction stream</h2>
 * The stub also counts the blocks that start to run (a block the stop holds back is not
 * counted; it is counted when it runs). Together with EIP, that count names one exact point in
 * the guest's execution, the same on every run of the same guest from the same state, because
 * Unicorn cuts code into blocks the same way each time. Deterministic replay needs exactly that
 * (ReVirt, Dunlap et al. 2002, counted branches with the CPU's performance counters for the same
 * reason): {@link #stopAtCount} makes the CPU stop before the block that would make the count
 * pass a recorded value, so a replay can stop where the recording's slice timer stopped. Only one such hook may exist: a second block hook makes Unicorn walk a
 * hook list for every block.
 *
 * <p>The machine code is made executable once per process ({@link MachineCode}).
 */
final class BlockBoundaryStop implements AutoCloseable {
    private static final byte[] CODE = {
        (byte) 0x83, 0x39, 0x00,                 // cmp dword [rcx], 0
        0x75, 0x0F,                              // jne .stop
        0x48, (byte) 0x8B, 0x41, 0x18,           // mov rax, [rcx + 24]
        0x48, 0x3B, 0x41, 0x20,                  // cmp rax, [rcx + 32]
        0x74, 0x05,                              // je .stop
        0x48, (byte) 0xFF, 0x41, 0x18,           // inc qword [rcx + 24]
        (byte) 0xC3,                             // ret
        (byte) 0xC7, 0x01, 0x00, 0x00, 0x00, 0x00, // .stop: mov dword [rcx], 0
        0x48, (byte) 0x89, 0x71, 0x10,           // mov [rcx + 16], rsi
        (byte) 0xFF, 0x61, 0x08                  // jmp qword [rcx + 8]
    };
    private static final long CELL_SIZE = 40;
    private static final long FLAG = 0;
    private static final long STOP_FUNCTION = 8;
    private static final long TAKEN_AT = 16;
    private static final long BLOCKS = 24;
    private static final long STOP_AT = 32;
    private static final long NOT_TAKEN = -1;
    /** No count to stop at: the counter would need 2^64 blocks to reach it. */
    static final long NEVER = -1;
    private static final VarHandle FLAG_HANDLE = JAVA_INT.varHandle();

    private final MemorySegment cell;

    /** A stop cell for one engine, allocated in the engine's arena so it lives as long as the engine. */
    BlockBoundaryStop(UnicornEngine engine) {
        cell = engine.arena().allocate(CELL_SIZE, 8);
        cell.set(JAVA_INT, FLAG, 0);
        cell.set(ADDRESS, STOP_FUNCTION, UnicornLibrary.EMU_STOP_SYMBOL);
        cell.set(JAVA_LONG, TAKEN_AT, NOT_TAKEN);
        cell.set(JAVA_LONG, BLOCKS, 0);
        cell.set(JAVA_LONG, STOP_AT, NEVER);
        engine.addHook(UnicornConstants.UC_HOOK_BLOCK, callback(), cell, 1, 0, 0);
    }

    /** Asks the CPU to stop before the next block it starts. Safe from any thread, at any time. */
    void request() {
        FLAG_HANDLE.setVolatile(cell, FLAG, 1);
    }

    /** Withdraws a request that has not been taken yet. */
    void clear() {
        FLAG_HANDLE.setVolatile(cell, FLAG, 0);
    }

    /** Forgets where the last stop was taken; call before each run. */
    void forgetTaken() {
        cell.set(JAVA_LONG, TAKEN_AT, NOT_TAKEN);
    }

    /** The linear address of the block the CPU stopped before, or -1 if no stop was taken since {@link #forgetTaken}. */
    long takenAt() {
        return cell.get(JAVA_LONG, TAKEN_AT);
    }

    /** How many blocks have started to run since the engine was made (or since {@link #setCount}). */
    long count() {
        return cell.get(JAVA_LONG, BLOCKS);
    }

    /** Sets the block count, for a CPU whose state is restored from a capture. Only while stopped. */
    void setCount(long blocks) {
        cell.set(JAVA_LONG, BLOCKS, blocks);
    }

    /**
     * Stops the CPU before the block that would run while the count equals {@code blocks}, that
     * is, once exactly {@code blocks} blocks have run ({@link #NEVER}: no such stop). The stop
     * is taken again on every start until the count to stop at changes. Only while stopped.
     */
    void stopAtCount(long blocks) {
        cell.set(JAVA_LONG, STOP_AT, blocks);
    }

    /** The count the CPU stops at ({@link #NEVER}: none). */
    long stopAt() {
        return cell.get(JAVA_LONG, STOP_AT);
    }

    @Override
    public void close() {
        clear();
    }

    /** The executable copy of {@link #CODE}, made once per process. */
    private static MemorySegment callback() {
        return Stub.ADDRESS;
    }

    /** The executable copy of the code, made when first asked for, once per process (the JVM's lazy class initialization). */
    private static final class Stub {
        static final MemorySegment ADDRESS = MachineCode.executable(CODE, "preemption stub");
    }

    /** For tests: the stub's bytes. */
    static byte[] machineCode() {
        return CODE.clone();
    }
}
