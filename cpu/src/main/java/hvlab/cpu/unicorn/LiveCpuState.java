package hvlab.cpu.unicorn;

import hvlab.cpu.linux.LinuxCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The emulated CPU's state where Unicorn keeps it: QEMU's {@code CPUX86State} ("env"), a plain C
 * struct in the emulator's memory. {@code uc_context_save} is nothing but a {@code memcpy} of its
 * first bytes, so a saved context and the live struct have the same layout: every offset found in
 * a context blob (the #1883 latch, the error code, EIP) is also an offset into the live state.
 * Reading or writing a field there is a plain memory access from Java: no call across the FFM
 * boundary, no copy of kilobytes.
 *
 * <p>Unicorn does not say where the struct is. The handle ({@code uc_engine *}) points to Unicorn's
 * own struct, which holds a pointer to the CPU object, which contains the state. Neither offset is
 * public, so both are found once per process by search ({@link LiveCpuStateSearch}, about 90 ms).
 * For each engine, the two offsets lead to a candidate that must equal a freshly saved context,
 * byte for byte, before it is used; anything else (another Unicorn build, a layout that moved)
 * makes {@link #locate} return null, and the callers fall back to the public API.
 *
 * <p>Only the trap path uses this, and only inside hooks or while the engine is stopped: the state
 * belongs to the engine's thread, like every other call on the engine.
 */
final class LiveCpuState {
    /**
     * The way to the state found by {@link LiveCpuStateSearch}: {offset of the CPU pointer in
     * Unicorn's struct, offset of the state in the CPU object, offset of EIP in the state, offset
     * of the system flags, offset of EAX (the general registers follow, 8 bytes apart)}, or {} when there is none.
     */
    private static volatile long[] path;

    private final MemorySegment state;
    private final long eipOffset;
    private final long flagsOffset;
    private final long generalOffset;

    private LiveCpuState(MemorySegment state, long eipOffset, long flagsOffset, long generalOffset) {
        this.generalOffset = generalOffset;
        this.state = state;
        this.eipOffset = eipOffset;
        this.flagsOffset = flagsOffset;
    }

    /** The state's bytes, laid out as a context's data (after its header). */
    MemorySegment bytes() {
        return state;
    }

    /** EIP as the CPU holds it: what {@code uc_reg_read} returns, read with no call. */
    int eip() {
        return state.get(ValueLayout.JAVA_INT_UNALIGNED, eipOffset);
    }

    /**
     * General register {@code index} (0 EAX, 1 ECX ... 7 EDI, the hardware's order), as
     * {@code uc_reg_read} reads it: QEMU's {@code regs[index]}, whose low half is the 32-bit register.
     */
    int general(int index) {
        return state.get(ValueLayout.JAVA_INT_UNALIGNED, generalOffset + 8L * index);
    }

    /** Sets general register {@code index} as {@code uc_reg_write} does in 32-bit mode: the 64-bit word, zero-extended. */
    void setGeneral(int index, int value) {
        state.set(ValueLayout.JAVA_LONG_UNALIGNED, generalOffset + 8L * index, Integer.toUnsignedLong(value));
    }

    /**
     * EFLAGS as QEMU keeps it ({@code env->eflags}): every flag but the arithmetic ones, which it
     * keeps apart (the operands of the last flag-setting instruction, {@code cc_src}/{@code cc_op})
     * and computes only when asked. {@code uc_reg_read} computes them; inside an I/O hook, in the
     * middle of a block, that computation uses a stale operation and can return any bits, IOPL
     * and VM included. This word is exact everywhere.
     */
    int systemFlags() {
        return state.get(ValueLayout.JAVA_INT_UNALIGNED, flagsOffset) & ~hvlab.cpu.CpuBackend.ARITHMETIC_FLAGS;
    }

    /**
     * Sets EIP in place. Unlike {@code uc_reg_write}, this does not make Unicorn leave its execution
     * loop and enter it again (nor cancel a stop): the CPU simply fetches its next block from here.
     * That is right only where the CPU is about to look for its next block anyway: in the
     * interrupt hook, which Unicorn calls between blocks, or while the engine is stopped. Inside a
     * block (code and I/O hooks) the block would run on regardless: use the register API there.
     */
    void setEip(int eip) {
        state.set(ValueLayout.JAVA_INT_UNALIGNED, eipOffset, eip);
    }

    /**
     * The live state of {@code engine}, or null where it cannot be found and verified. Call while
     * the engine is stopped.
     */
    static LiveCpuState locate(UnicornEngine engine) {
        long[] known = path();
        try {
            return known.length == 0 ? null : at(engine, known);
        } catch (LinuxCallException | UnicornException e) {
            return null;
        }
    }

    /** The state {@code path} leads to in {@code engine}, if there the state is, byte for byte; else null. */
    static LiveCpuState at(UnicornEngine engine, long[] path) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment context = engine.allocateContext();
            try {
                int dataOffset = dataOffset(context);
                long dataBytes = dataBytes(context);
                engine.saveContext(context);
                long cpu = LiveCpuStateSearch.peek(scratch, engine.handle().address() + path[0], 8).get(ValueLayout.JAVA_LONG, 0);
                long state = cpu + path[1];
                MemorySegment seen = LiveCpuStateSearch.peekOrNull(scratch, state, dataBytes);
                if (cpu == 0 || seen == null || seen.mismatch(context.asSlice(dataOffset, dataBytes)) != -1) {
                    return null;
                }
                return new LiveCpuState(MemorySegment.ofAddress(state).reinterpret(dataBytes), path[2], path[3], path[4]);
            } finally {
                engine.freeContext(context);
            }
        }
    }

    private static long[] path() {
        long[] known = path;
        if (known == null) {
            synchronized (LiveCpuState.class) {
                if (path == null) {
                    path = LiveCpuStateSearch.findPath();
                }
                known = path;
            }
        }
        return known;
    }

    /**
     * Where a context's copy of the state starts: after its header. 2.0 has {@code size_t
     * context_size}, mode and arch (16 bytes); 2.1 adds {@code int snapshot_level}, and its
     * {@code char data[]} follows at 20, although the struct is padded to 24 and the allocation
     * counts from there: the allocation's size is no guide to where the data begins.
     */
    static int dataOffset(MemorySegment context) {
        return HEADER_BYTES;
    }

    /** How many bytes of state a context holds: its header's {@code context_size}. */
    static long dataBytes(MemorySegment context) {
        return context.get(ValueLayout.JAVA_LONG, 0);
    }

    private static final int HEADER_BYTES = UnicornEngine.VERSION_2_1 ? 20 : 16;

}
