package hvlab.cpu.unicorn;

import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Register;
import hvlab.cpu.linux.LinuxCallException;
import hvlab.cpu.linux.LinuxCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

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
 * public, so both are found once per process by search: give the registers values nobody else
 * would choose, save a context, and look for those very bytes behind each pointer the handle's
 * struct holds; the way found must lead to the state of two more engines as well. Every read of
 * the search goes through {@code /proc/self/mem}, where an address that is not mapped answers
 * with an error instead of a crash. For each later engine, the two
 * offsets lead to a candidate that must again equal a freshly saved context, byte for byte,
 * before it is used; anything else (another Unicorn build, a layout that moved) makes
 * {@link #locate} return null, and the callers fall back to the public API.
 *
 * <p>Only the trap path uses this, and only inside hooks or while the engine is stopped: the state
 * belongs to the engine's thread, like every other call on the engine.
 */
final class LiveCpuState {
    private static final int UC_STRUCT_BYTES = 4096;
    /** How far past the CPU object's start the state may lie (QEMU's CPUState alone is over 32 KiB). */
    private static final int SEARCH_BYTES = 96 * 1024;
    private static final int PAGE = 4096;
    private static final int[] DISTINCTIVE = {
        NativeRegisterNumbers.numberOf(Register.EAX), NativeRegisterNumbers.numberOf(Register.ECX),
        NativeRegisterNumbers.numberOf(Register.EDX), NativeRegisterNumbers.numberOf(Register.EBX),
        NativeRegisterNumbers.numberOf(Register.ESI), NativeRegisterNumbers.numberOf(Register.EDI)
    };

    private static final int EIP = NativeRegisterNumbers.numberOf(Register.EIP);
    private static final int[] PROBE_EIPS = {0x1357_2468, 0x2468_1357};
    private static final int EFLAGS = NativeRegisterNumbers.numberOf(Register.EFLAGS);
    /** IOPL 3 and IF, then IOPL 1 and DF: system flags only, which QEMU keeps as given (no arithmetic flag). */
    private static final int[] PROBE_FLAGS = {0x3202, 0x1402};

    /**
     * {offset of the CPU pointer in Unicorn's struct, offset of the state in the CPU object, offset
     * of EIP in the state, offset of the system flags in the state}, or {} when not found.
     */
    private static volatile long[] path;

    private final MemorySegment state;
    private final long eipOffset;
    private final long flagsOffset;

    private LiveCpuState(MemorySegment state, long eipOffset, long flagsOffset) {
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
    private static LiveCpuState at(UnicornEngine engine, long[] path) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment context = engine.allocateContext();
            try {
                int dataOffset = dataOffset(context);
                long dataBytes = context.byteSize() - dataOffset;
                engine.saveContext(context);
                long cpu = peek(scratch, engine.handle().address() + path[0], 8).get(ValueLayout.JAVA_LONG, 0);
                long state = cpu + path[1];
                MemorySegment seen = peekOrNull(scratch, state, dataBytes);
                if (cpu == 0 || seen == null || seen.mismatch(context.asSlice(dataOffset)) != -1) {
                    return null;
                }
                return new LiveCpuState(MemorySegment.ofAddress(state).reinterpret(dataBytes), path[2], path[3]);
            } finally {
                engine.freeContext(context);
            }
        }
    }

    /** Where a context's copy of the state starts: after its header ({@code size_t context_size}, mode, arch). */
    static int dataOffset(MemorySegment context) {
        return (int) (context.byteSize() - context.get(ValueLayout.JAVA_LONG, 0));
    }

    private static long[] path() {
        long[] known = path;
        if (known == null) {
            synchronized (LiveCpuState.class) {
                if (path == null) {
                    try (UnicornEngine engine = new UnicornEngine();
                         UnicornEngine second = new UnicornEngine(); UnicornEngine third = new UnicornEngine()) {
                        path = search(engine, second, third);
                    } catch (LinuxCallException | UnicornException e) {
                        path = new long[0];
                    }
                }
                known = path;
            }
        }
        return known;
    }

    /** Gives the general registers random values, so the state's first bytes are found nowhere else. */
    private static void distinguish(UnicornEngine engine) {
        Random random = new Random();
        for (int register : DISTINCTIVE) {
            engine.writeRegister(register, Integer.toUnsignedLong(random.nextInt() | 0x01010101));
        }
    }

    /**
     * Follows the pointers in the first bytes of {@code engine}'s struct, in order, and looks for
     * the state behind each. Many lead into the heap somewhere before it; only one is the struct's
     * own pointer to the CPU, and only that one leads to the state of every engine: the first way
     * that also holds for {@code others} is the one, {offset in the struct, distance behind the
     * pointer, EIP's offset}. None ({}) if no way holds.
     */
    private static long[] search(UnicornEngine engine, UnicornEngine... others) {
        try (Arena scratch = Arena.ofConfined(); Memory memory = new Memory()) {
            MemorySegment context = engine.allocateContext();
            try {
                long eip = offsetHolding(engine, context, EIP, PROBE_EIPS);
                long flags = offsetHolding(engine, context, EFLAGS, PROBE_FLAGS);
                distinguish(engine);
                engine.saveContext(context);
                MemorySegment anchor = context.asSlice(dataOffset(context), 64);
                MemorySegment uc = peek(scratch, engine.handle().address(), UC_STRUCT_BYTES);
                MemorySegment area = scratch.allocate(SEARCH_BYTES, 8);
                MemorySegment whole = scratch.allocate(context.byteSize() - dataOffset(context), 8);
                for (long at = 0; eip >= 0 && flags >= 0 && at + 8 <= UC_STRUCT_BYTES; at += 8) {
                    long pointer = uc.get(ValueLayout.JAVA_LONG, at);
                    if (pointer < PAGE || (pointer & 7) != 0 || pointer > 0x7FFF_FFFF_FFFFL) {
                        continue;
                    }
                    long within = searchBehind(area, whole, memory, pointer, anchor, context);
                    if (within < 0) {
                        continue;
                    }
                    long[] way = {at, within, eip, flags};
                    boolean everywhere = true;
                    for (UnicornEngine other : others) {
                        everywhere &= at(other, way) != null;
                    }
                    if (everywhere) {
                        return way;
                    }
                }
                return new long[0];
            } finally {
                engine.freeContext(context);
            }
        }
    }

    /**
     * Where a register lies in the state: the one int that holds each value written to it in turn
     * (its upper half 0: EIP and EFLAGS are 64-bit words in QEMU's x86-64 build), or -1.
     */
    private static long offsetHolding(UnicornEngine engine, MemorySegment context, int register, int[] values) {
        int header = dataOffset(context);
        Set<Long> holding = null;
        for (int value : values) {
            engine.writeRegister(register, value);
            engine.saveContext(context);
            Set<Long> now = new HashSet<>();
            for (long at = header; at + 8 <= context.byteSize(); at += 4) {
                if (context.get(ValueLayout.JAVA_INT_UNALIGNED, at) == value && context.get(ValueLayout.JAVA_INT_UNALIGNED, at + 4) == 0) {
                    now.add(at - header);
                }
            }
            if (holding == null) {
                holding = now;
            } else {
                holding.retainAll(now);
            }
        }
        return holding.size() == 1 ? holding.iterator().next() : -1;
    }

    /** Is {@code address} in one of the search's own buffers? They hold copies of the state, and lie in the heap too. */
    private static boolean ours(long address, MemorySegment... buffers) {
        for (MemorySegment buffer : buffers) {
            if (address >= buffer.address() && address < buffer.address() + buffer.byteSize()) {
                return true;
            }
        }
        return false;
    }

    /** The first offset behind {@code pointer} where the context's data lies whole, or -1; copies of our own do not count. */
    private static long searchBehind(MemorySegment area, MemorySegment whole, Memory memory, long pointer, MemorySegment anchor,
                                     MemorySegment context) {
        MemorySegment data = context.asSlice(dataOffset(context));
        long readable = memory.read(area, pointer) ? SEARCH_BYTES : 0; // most pointers lead into a big mapping
        while (readable < SEARCH_BYTES && memory.read(area.asSlice(readable, PAGE), pointer + readable)) {
            readable += PAGE;
        }
        long first = anchor.get(ValueLayout.JAVA_LONG, 0);
        for (long at = 0; at + anchor.byteSize() <= readable; at += 8) {
            if (area.get(ValueLayout.JAVA_LONG, at) == first && area.asSlice(at, anchor.byteSize()).mismatch(anchor) == -1
                    && !ours(pointer + at, context, area, whole)) {
                if (memory.read(whole, pointer + at) && whole.mismatch(data) == -1) {
                    return at;
                }
            }
        }
        return -1;
    }

    private static MemorySegment peek(Arena arena, long address, long bytes) {
        try (Memory memory = new Memory()) {
            MemorySegment into = arena.allocate(bytes, 8);
            if (!memory.read(into, address)) {
                throw new UnicornException("reading the emulator's state", UnicornConstants.UC_ERR_READ_UNMAPPED);
            }
            return into;
        }
    }

    private static MemorySegment peekOrNull(Arena arena, long address, long bytes) {
        try (Memory memory = new Memory()) {
            MemorySegment into = arena.allocate(bytes, 8);
            return memory.read(into, address) ? into : null;
        }
    }

    /** This process's memory as a file: a read of an address that is not mapped fails instead of crashing. */
    private static final class Memory implements AutoCloseable {
        private final int fd = LinuxCalls.open("/proc/self/mem", LinuxCalls.O_RDONLY | LinuxCalls.O_CLOEXEC);

        boolean read(MemorySegment into, long address) {
            try {
                LinuxCalls.pread(fd, into, address, "reading the emulator's memory");
                return true;
            } catch (LinuxCallException unmapped) {
                return false;
            }
        }

        @Override
        public void close() {
            LinuxCalls.close(fd);
        }
    }
}
