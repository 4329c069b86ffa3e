package hvlab.cpu.unicorn;

import hvlab.cpu.CpuException;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A page of machine code made at run time: written while writable, then made executable with
 * {@code mprotect} (writable or executable, never both) and kept for the life of the process.
 * The few native routines hvlab needs ({@link BlockBoundaryStop}, {@link AbortGuard}) are a
 * handful of instructions each, so they live here as bytes instead of in a C library to build.
 */
final class NativeCode {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int PROT_EXEC = 4;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long PAGE = 4096;

    private NativeCode() {}

    /** A C library function by name, from the process's default lookup (libc). */
    static MemorySegment libc(String name) {
        return Linker.nativeLinker().defaultLookup().find(name)
                .orElseThrow(() -> new CpuException("the C library has no " + name));
    }

    /** An executable page holding {@code bytes} at its start; the rest of the page is zero. */
    static MemorySegment executable(byte[] bytes) {
        Linker linker = Linker.nativeLinker();
        MethodHandle mmap = linker.downcallHandle(libc("mmap"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle mprotect = linker.downcallHandle(libc("mprotect"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        try {
            MemorySegment page = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, PAGE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            if (page.address() == -1L || page.address() == 0) {
                throw new CpuException("mmap failed: cannot make native code");
            }
            page = page.reinterpret(PAGE);
            MemorySegment.copy(bytes, 0, page, ValueLayout.JAVA_BYTE, 0, bytes.length);
            int error = (int) mprotect.invokeExact(page, PAGE, PROT_READ | PROT_EXEC);
            if (error != 0) {
                throw new CpuException("mprotect failed: cannot make native code executable");
            }
            return page; // never unmapped: every engine of the process shares it
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new CpuException("cannot make native code", t);
        }
    }
}
