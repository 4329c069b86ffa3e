package hvlab.cpu.unicorn;

import hvlab.cpu.NativeLibraries;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the functions of {@code libunicorn.so.2} that we use, straight from
 * {@code unicorn/unicorn.h}. Everything here is raw; {@link UnicornEngine} gives it types.
 */
final class UnicornLibrary {
    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = NativeLibraries.load("libunicorn.so.2", "libunicorn2");

    static final MethodHandle VERSION = fn("uc_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle OPEN = fn("uc_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle CLOSE = fn("uc_close", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle ERRNO = fn("uc_errno", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle STRERROR = fn("uc_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final MethodHandle REG_READ = fn("uc_reg_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    static final MethodHandle REG_WRITE = fn("uc_reg_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    static final MethodHandle REG_READ_BATCH = fn("uc_reg_read_batch",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle REG_WRITE_BATCH = fn("uc_reg_write_batch",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle MEM_READ = fn("uc_mem_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
    static final MethodHandle MEM_WRITE = fn("uc_mem_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
    static final MethodHandle MEM_MAP = fn("uc_mem_map", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle MEM_MAP_PTR = fn("uc_mem_map_ptr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS));
    static final MethodHandle MMIO_MAP = fn("uc_mmio_map",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle MEM_UNMAP = fn("uc_mem_unmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    static final MethodHandle MEM_PROTECT = fn("uc_mem_protect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle MEM_REGIONS = fn("uc_mem_regions", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle FREE = fn("uc_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle EMU_START = fn("uc_emu_start",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    /** The address of {@code uc_emu_start} itself, for native code that calls it (see {@link AbortGuard}). */
    static final MemorySegment EMU_START_SYMBOL = symbol("uc_emu_start");
    static final MethodHandle EMU_STOP = fn("uc_emu_stop", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** The address of {@code uc_emu_stop} itself, for native code that calls it (see {@link BlockBoundaryStop}). */
    static final MemorySegment EMU_STOP_SYMBOL = symbol("uc_emu_stop");
    /** uc_hook_add is variadic: seven fixed arguments, then (for instruction hooks) the instruction id. */
    static final MethodHandle HOOK_ADD = fn("uc_hook_add",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
    static final MethodHandle HOOK_ADD_INSN = LINKER.downcallHandle(symbol("uc_hook_add"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT),
            Linker.Option.firstVariadicArg(7));
    static final MethodHandle HOOK_DEL = fn("uc_hook_del", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    /** uc_ctl is variadic too; the translation-cache removal takes two 64-bit addresses. */
    static final MethodHandle CTL_TWO_LONGS = LINKER.downcallHandle(symbol("uc_ctl"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    static final MethodHandle CONTEXT_ALLOC = fn("uc_context_alloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle CONTEXT_SAVE = fn("uc_context_save", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle CONTEXT_RESTORE = fn("uc_context_restore", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle CONTEXT_SIZE = fn("uc_context_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MethodHandle CONTEXT_FREE = fn("uc_context_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private UnicornLibrary() {}

    /** An exported symbol of the library, if it has one by that name. */
    static java.util.Optional<MemorySegment> find(String name) {
        return LIB.find(name);
    }

    private static MemorySegment symbol(String name) {
        return LIB.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libunicorn.so.2 has no " + name));
    }

    private static MethodHandle fn(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }
}
