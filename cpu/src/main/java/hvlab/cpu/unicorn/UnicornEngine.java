package hvlab.cpu.unicorn;

import hvlab.cpu.Protection;
import hvlab.cpu.TableRegister;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static hvlab.cpu.unicorn.UnicornConstants.UC_ARCH_X86;
import static hvlab.cpu.unicorn.UnicornConstants.UC_MODE_32;

/**
 * A typed handle on one {@code uc_engine}: each method is one Unicorn call, errors become
 * {@link UnicornException}. An engine is used by one thread at a time, except {@link #stop}.
 */
final class UnicornEngine implements AutoCloseable {
    /** Layout of {@code uc_x86_mmr}: u16 selector, u64 base at 8, u32 limit at 16, u32 flags at 20. */
    static final long MMR_SIZE = 24;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MemorySegment scratch;
    /** Where {@link AbortGuard} jumps back to if Unicorn aborts during a run of this engine. */
    private final MemorySegment jumpBuffer;
    private boolean aborted;

    UnicornEngine() {
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        check("uc_open", invokeInt(() -> (int) UnicornLibrary.OPEN.invokeExact(UC_ARCH_X86, UC_MODE_32, out)));
        handle = out.get(ValueLayout.ADDRESS, 0);
        scratch = arena.allocate(64, 8);
        jumpBuffer = arena.allocate(AbortGuard.JUMP_BUFFER_BYTES, 16);
    }

    static String describe(int error) {
        try {
            MemorySegment text = (MemorySegment) UnicornLibrary.STRERROR.invokeExact(error);
            return text.reinterpret(256).getString(0) + " (UC_ERR " + error + ")";
        } catch (Throwable t) {
            return "Unicorn error " + error;
        }
    }

    static String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment minor = a.allocate(ValueLayout.JAVA_INT);
            int ignored = (int) UnicornLibrary.VERSION.invokeExact(major, minor);
            return major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Is the loaded library Unicorn 2.1 or later (a page walk that translates, a longer context header)? */
    static final boolean VERSION_2_1 = atLeast(2, 1);

    private static boolean atLeast(int major, int minor) {
        String[] parts = version().split("\\.");
        int have = Integer.parseInt(parts[0]), haveMinor = Integer.parseInt(parts[1]);
        return have > major || (have == major && haveMinor >= minor);
    }

    MemorySegment handle() {
        return handle;
    }

    Arena arena() {
        return arena;
    }

    void mapPointer(long address, long size, int perms, MemorySegment memory) {
        check("uc_mem_map_ptr", invokeInt(() -> (int) UnicornLibrary.MEM_MAP_PTR.invokeExact(handle, address, size, perms, memory)));
    }

    void map(long address, long size, int perms) {
        check("uc_mem_map", invokeInt(() -> (int) UnicornLibrary.MEM_MAP.invokeExact(handle, address, size, perms)));
    }

    /**
     * {@code uc_mmio_map} (Unicorn 2.0.0 on): the range has no memory, the callbacks answer each
     * access with the offset into the range. Unicorn gives them 1, 2 or 4 bytes at a time, aligned
     * to their size: QEMU splits a wider access, and turns an unaligned one into a read of zero
     * (or a dropped write) without calling them.
     */
    void mapIo(long address, long size, MemorySegment read, MemorySegment readData, MemorySegment write, MemorySegment writeData) {
        check("uc_mmio_map", invokeInt(() -> (int) UnicornLibrary.MMIO_MAP.invokeExact(handle, address, size, read, readData, write, writeData)));
    }

    void unmap(long address, long size) {
        check("uc_mem_unmap", invokeInt(() -> (int) UnicornLibrary.MEM_UNMAP.invokeExact(handle, address, size)));
    }

    void protect(long address, long size, int perms) {
        check("uc_mem_protect", invokeInt(() -> (int) UnicornLibrary.MEM_PROTECT.invokeExact(handle, address, size, perms)));
    }

    byte[] readMemory(long address, int length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buffer = a.allocate(Math.max(1, length));
            check("uc_mem_read", invokeInt(() -> (int) UnicornLibrary.MEM_READ.invokeExact(handle, address, buffer, (long) length)));
            return buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    void writeMemory(long address, byte[] bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buffer = a.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            check("uc_mem_write", invokeInt(() -> (int) UnicornLibrary.MEM_WRITE.invokeExact(handle, address, buffer, (long) bytes.length)));
        }
    }

    /** Reads a register of up to 64 bits (Unicorn writes only as many bytes as the register is wide). */
    long readRegister(int id) {
        scratch.set(ValueLayout.JAVA_LONG, 0, 0L);
        int error;
        try {
            error = (int) UnicornLibrary.REG_READ.invokeExact(handle, id, scratch);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        check("uc_reg_read", error);
        return scratch.get(ValueLayout.JAVA_LONG, 0);
    }

    void writeRegister(int id, long value) {
        scratch.set(ValueLayout.JAVA_LONG, 0, value);
        int error;
        try {
            error = (int) UnicornLibrary.REG_WRITE.invokeExact(handle, id, scratch);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        check("uc_reg_write", error);
    }

    /** Reads a register wider than 64 bits (x87 80-bit, XMM 128-bit) as its raw little-endian bytes. */
    byte[] readWide(int id, int bytes) {
        scratch.fill((byte) 0);
        check("uc_reg_read", invokeInt(() -> (int) UnicornLibrary.REG_READ.invokeExact(handle, id, scratch)));
        return scratch.asSlice(0, bytes).toArray(ValueLayout.JAVA_BYTE);
    }

    void writeWide(int id, byte[] value) {
        scratch.fill((byte) 0);
        MemorySegment.copy(value, 0, scratch, ValueLayout.JAVA_BYTE, 0, value.length);
        check("uc_reg_write", invokeInt(() -> (int) UnicornLibrary.REG_WRITE.invokeExact(handle, id, scratch)));
    }

    /** Reads a {@code uc_x86_mmr} (GDTR, IDTR, LDTR, TR) as {selector, base, limit, flags}. */
    long[] readTableRegister(int id) {
        scratch.asSlice(0, MMR_SIZE).fill((byte) 0);
        check("uc_reg_read", invokeInt(() -> (int) UnicornLibrary.REG_READ.invokeExact(handle, id, scratch)));
        return new long[] {
            Short.toUnsignedInt(scratch.get(ValueLayout.JAVA_SHORT, 0)),
            scratch.get(ValueLayout.JAVA_LONG, 8),
            Integer.toUnsignedLong(scratch.get(ValueLayout.JAVA_INT, 16)),
            Integer.toUnsignedLong(scratch.get(ValueLayout.JAVA_INT, 20))
        };
    }

    void writeTableRegister(int id, int selector, long base, int limit, int flags) {
        scratch.asSlice(0, MMR_SIZE).fill((byte) 0);
        scratch.set(ValueLayout.JAVA_SHORT, 0, (short) selector);
        scratch.set(ValueLayout.JAVA_LONG, 8, base);
        scratch.set(ValueLayout.JAVA_INT, 16, limit);
        scratch.set(ValueLayout.JAVA_INT, 20, flags);
        check("uc_reg_write", invokeInt(() -> (int) UnicornLibrary.REG_WRITE.invokeExact(handle, id, scratch)));
    }

    /**
     * Starts emulation at {@code begin}; {@code timeoutMicros} 0 means none. Returns Unicorn's
     * error code unchecked, or {@link AbortGuard#ABORTED} if Unicorn aborted: then this engine
     * is retired and never runs again.
     */
    int start(long begin, long until, long timeoutMicros) {
        return start(begin, until, timeoutMicros, 0);
    }

    /**
     * As {@link #start(long, long, long)}, stopping after {@code count} instructions (0: no
     * limit). Unicorn counts with a code hook on every instruction, first in its hook list: exact,
     * and about 13 times slower while it is installed (it stays until a start with count 0).
     */
    int start(long begin, long until, long timeoutMicros, long count) {
        if (aborted) {
            return AbortGuard.ABORTED;
        }
        int result = AbortGuard.available()
                ? invokeInt(() -> AbortGuard.start(handle, begin, until, timeoutMicros, count, jumpBuffer))
                : invokeInt(() -> (int) UnicornLibrary.EMU_START.invokeExact(handle, begin, until, timeoutMicros, count));
        if (result == AbortGuard.ABORTED) {
            aborted = true;
        }
        return result;
    }

    /** Did Unicorn abort in this engine? Its translator was left half way: it must not run, nor be closed. */
    boolean aborted() {
        return aborted;
    }

    void stop() {
        invokeInt(() -> (int) UnicornLibrary.EMU_STOP.invokeExact(handle));
    }

    /** Adds a hook and returns its handle; {@code instruction} is the x86 instruction id for UC_HOOK_INSN, else ignored. */
    long addHook(int type, MemorySegment callback, long begin, long end, int instruction) {
        return addHook(type, callback, MemorySegment.NULL, begin, end, instruction);
    }

    /** As {@link #addHook(int, MemorySegment, long, long, int)}, with the {@code user_data} pointer Unicorn passes to the callback. */
    long addHook(int type, MemorySegment callback, MemorySegment userData, long begin, long end, int instruction) {
        MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
        int err = invokeInt(() -> type == UnicornConstants.UC_HOOK_INSN
                ? (int) UnicornLibrary.HOOK_ADD_INSN.invokeExact(handle, out, type, callback, userData, begin, end, instruction)
                : (int) UnicornLibrary.HOOK_ADD.invokeExact(handle, out, type, callback, userData, begin, end));
        check("uc_hook_add", err);
        return out.get(ValueLayout.JAVA_LONG, 0);
    }

    void deleteHook(long hook) {
        check("uc_hook_del", invokeInt(() -> (int) UnicornLibrary.HOOK_DEL.invokeExact(handle, hook)));
    }

    /** Drops translated code for [begin, end): hooks added afterwards then see those instructions. */
    void removeTranslationCache(long begin, long end) {
        check("uc_ctl(remove cache)", invokeInt(() ->
                (int) UnicornLibrary.CTL_TWO_LONGS.invokeExact(handle, UnicornConstants.UC_CTL_REMOVE_CACHE, begin, end)));
    }

    /** Drops all translated code. */
    void flushTranslationCache() {
        check("uc_ctl(tb flush)", invokeInt(() ->
                (int) UnicornLibrary.CTL_TWO_LONGS.invokeExact(handle, UnicornConstants.UC_CTL_TB_FLUSH, 0L, 0L)));
    }

    /** Allocates a {@code uc_context}; its whole blob (header and CPU state) is {@link #contextSize()} bytes. */
    MemorySegment allocateContext() {
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        check("uc_context_alloc", invokeInt(() -> (int) UnicornLibrary.CONTEXT_ALLOC.invokeExact(handle, out)));
        return out.get(ValueLayout.ADDRESS, 0).reinterpret(contextSize());
    }

    long contextSize() {
        try {
            return (long) UnicornLibrary.CONTEXT_SIZE.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    void saveContext(MemorySegment context) {
        check("uc_context_save", invokeInt(() -> (int) UnicornLibrary.CONTEXT_SAVE.invokeExact(handle, context)));
    }

    void restoreContext(MemorySegment context) {
        check("uc_context_restore", invokeInt(() -> (int) UnicornLibrary.CONTEXT_RESTORE.invokeExact(handle, context)));
    }

    void freeContext(MemorySegment context) {
        invokeInt(() -> (int) UnicornLibrary.CONTEXT_FREE.invokeExact(context));
    }

    @Override
    public void close() {
        if (!aborted) {
            invokeInt(() -> (int) UnicornLibrary.CLOSE.invokeExact(handle));
        } // else leaked on purpose: uc_close would walk a translator state left half way
        arena.close();
    }

    /** Unicorn's register id for one of the system-table registers. */
    static int tableRegisterId(TableRegister register) {
        return switch (register) {
            case GDTR -> UnicornConstants.UC_X86_REG_GDTR;
            case IDTR -> UnicornConstants.UC_X86_REG_IDTR;
            case LDTR -> UnicornConstants.UC_X86_REG_LDTR;
            case TR -> UnicornConstants.UC_X86_REG_TR;
        };
    }

    /** Unicorn's UC_PROT bits for a protection. */
    static int protectionBits(Protection p) {
        return (p.read() ? UnicornConstants.UC_PROT_READ : 0) | (p.write() ? UnicornConstants.UC_PROT_WRITE : 0)
                | (p.execute() ? UnicornConstants.UC_PROT_EXEC : 0);
    }

    /**
     * An upcall stub calling {@code target.method} (found through the caller's {@code lookup}, so
     * it may be private), living as long as this engine.
     */
    MemorySegment upcall(java.lang.invoke.MethodHandles.Lookup lookup, Object target, String method, FunctionDescriptor descriptor) {
        try {
            var handle = lookup.findVirtual(target.getClass(), method, descriptor.toMethodType()).bindTo(target);
            return UnicornLibrary.LINKER.upcallStub(handle, descriptor, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no hook method " + method, e);
        }
    }

    static void check(String call, int error) {
        if (error != UnicornConstants.UC_ERR_OK) {
            throw new UnicornException(call, error);
        }
    }

    @FunctionalInterface
    private interface IntCall {
        int call() throws Throwable;
    }

    private static int invokeInt(IntCall call) {
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
