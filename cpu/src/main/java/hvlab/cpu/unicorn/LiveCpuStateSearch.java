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
 * Finds where Unicorn keeps the live CPU state ({@link LiveCpuState}), once per process: the
 * offset of the CPU pointer in Unicorn's own struct, the distance from the CPU object to the
 * state, and where EIP and EFLAGS lie in it. Everything is found by experiment, as the #1883
 * latch is ({@link ExceptionLatchWorkaround}): write a register, save a context, see which word
 * changed; give the registers values nobody else would choose, and look for those bytes behind
 * each pointer. Every read of memory the search was not given goes through {@code /proc/self/mem},
 * where an address that is not mapped answers with an error instead of a crash.
 */
final class LiveCpuStateSearch {
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



    private LiveCpuStateSearch() {}

    /** The way to the live state, searched for in one engine and confirmed in two more; {} when not found. */
    static long[] findPath() {
        try (UnicornEngine engine = new UnicornEngine();
             UnicornEngine second = new UnicornEngine(); UnicornEngine third = new UnicornEngine()) {
            return search(engine, second, third);
        } catch (LinuxCallException | UnicornException e) {
            return new long[0];
        }
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
                long general = generalRegisters(engine, context);
                distinguish(engine);
                engine.saveContext(context);
                MemorySegment anchor = context.asSlice(LiveCpuState.dataOffset(context), 64);
                MemorySegment uc = peek(scratch, engine.handle().address(), UC_STRUCT_BYTES);
                MemorySegment area = scratch.allocate(SEARCH_BYTES, 8);
                MemorySegment whole = scratch.allocate(LiveCpuState.dataBytes(context), 8);
                for (long at = 0; eip >= 0 && flags >= 0 && general >= 0 && at + 8 <= UC_STRUCT_BYTES; at += 8) {
                    long pointer = uc.get(ValueLayout.JAVA_LONG, at);
                    if (pointer < PAGE || (pointer & 7) != 0 || pointer > 0x7FFF_FFFF_FFFFL) {
                        continue;
                    }
                    long within = searchBehind(area, whole, memory, pointer, anchor, context);
                    if (within < 0) {
                        continue;
                    }
                    long[] way = {at, within, eip, flags, general};
                    boolean everywhere = true;
                    for (UnicornEngine other : others) {
                        everywhere &= LiveCpuState.at(other, way) != null;
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
     * Where EAX lies in the state, with ECX, EDX, EBX, ESP, EBP, ESI and EDI after it, 8 bytes
     * apart (QEMU's {@code regs[]}, in the order the hardware encodes them); -1 if they do not lie so.
     */
    private static long generalRegisters(UnicornEngine engine, MemorySegment context) {
        long first = -1;
        for (int i = 0; i < Register.GENERAL_32.length; i++) {
            int id = NativeRegisterNumbers.numberOf(Register.GENERAL_32[i]);
            long at = offsetHolding(engine, context, id, new int[] {0x0BAD_0000 | i, 0x7EA0_0000 | i << 8});
            if (i == 0) {
                first = at;
            }
            if (at < 0 || at != first + 8L * i) {
                return -1;
            }
        }
        return first;
    }

    /**
     * Where a register lies in the state: the one int that holds each value written to it in turn
     * (its upper half 0: EIP and EFLAGS are 64-bit words in QEMU's x86-64 build), or -1.
     */
    private static long offsetHolding(UnicornEngine engine, MemorySegment context, int register, int[] values) {
        int header = LiveCpuState.dataOffset(context);
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
        MemorySegment data = context.asSlice(LiveCpuState.dataOffset(context), LiveCpuState.dataBytes(context));
        long readable = memory.read(area, pointer) ? SEARCH_BYTES : 0; // most pointers lead into a big mapping
        while (readable < SEARCH_BYTES && memory.read(area.asSlice(readable, PAGE), pointer + readable)) {
            readable += PAGE;
        }
        long first = anchor.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
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

    static MemorySegment peek(Arena arena, long address, long bytes) {
        try (Memory memory = new Memory()) {
            MemorySegment into = arena.allocate(bytes, 8);
            if (!memory.read(into, address)) {
                throw new UnicornException("reading the emulator's state", UnicornConstants.UC_ERR_READ_UNMAPPED);
            }
            return into;
        }
    }

    static MemorySegment peekOrNull(Arena arena, long address, long bytes) {
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
