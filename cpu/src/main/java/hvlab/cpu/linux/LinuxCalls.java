package hvlab.cpu.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The Linux system calls the cpu module makes for itself (memory mappings, {@code /proc} files,
 * {@code ioctl}), through the C library. Each call that fails throws {@link LinuxCallException}
 * with the call's name and {@code errno}, which the linker captures right after the call, before
 * anything else in the JVM can overwrite it.
 *
 * <p>{@code open}, {@code ioctl} and {@code syscall} are variadic in C: on x86-64 a variadic
 * callee expects AL to hold the number of vector registers used, which is why those handles are
 * linked with {@link Linker.Option#firstVariadicArg}.
 */
public final class LinuxCalls {
    public static final long PAGE = 4096;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_POPULATE = 0x8000;
    private static final int MAP_NORESERVE = 0x4000;
    private static final long MAP_FAILED = -1L;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_NONBLOCK = 0x800;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MMAP = call("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = call("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MPROTECT = call("mprotect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle OPEN = call("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), 2);
    private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = call("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = call("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle IOCTL = call("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    private static final MethodHandle SYSCALL1 = call("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LinuxCalls() {}

    /**
     * {@code size} bytes of fresh anonymous memory, private to this process and page aligned,
     * unmapped when {@code owner} closes. Its pages are zero and cost nothing until first touched:
     * the kernel fills a page in on the first access.
     */
    public static MemorySegment mapAnonymous(long size, Arena owner) {
        return mapAnonymous(size, owner, false);
    }

    /**
     * As above; with {@code populate} ({@code MAP_POPULATE}) the kernel gives every page at once,
     * in one pass, instead of one page fault at a time on first touch: for memory that will be
     * written whole right away (a copy of RAM), where thousands of faults would cost more.
     */
    public static MemorySegment mapAnonymous(long size, Arena owner, boolean populate) {
        MemorySegment at = mmap(size, PROT_READ | PROT_WRITE, populate ? MAP_POPULATE : 0);
        return at.reinterpret(size, owner, unmapped -> munmap(unmapped.address(), size));
    }

    /**
     * Address space only: an anonymous mapping the kernel neither populates nor counts against
     * its overcommit limit ({@code MAP_NORESERVE}), for gigabytes that must exist but will not be
     * touched. A page touched anyway costs one zeroed page, as usual.
     */
    public static MemorySegment reserveAnonymous(long size, Arena owner) {
        MemorySegment at = mmap(size, PROT_READ | PROT_WRITE, MAP_NORESERVE);
        return at.reinterpret(size, owner, unmapped -> munmap(unmapped.address(), size));
    }

    /** As {@link #mapAnonymous} but never unmapped (for code the whole process shares), with protection {@code prot}. */
    public static MemorySegment mmap(long size, int prot) {
        return mmap(size, prot, 0);
    }

    private static MemorySegment mmap(long size, int prot, int extraFlags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            MemorySegment at = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, prot,
                    MAP_PRIVATE | MAP_ANONYMOUS | extraFlags, -1, 0L);
            if (at.address() == MAP_FAILED) {
                throw failed("mmap", state);
            }
            return at.reinterpret(size);
        } catch (Throwable t) {
            throw rethrow("mmap", t);
        }
    }

    public static void mprotect(MemorySegment range, int prot) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            check("mprotect", (int) MPROTECT.invokeExact(state, range, range.byteSize(), prot), state);
        } catch (Throwable t) {
            throw rethrow("mprotect", t);
        }
    }

    /** Unmaps while an arena closes: nothing can be done about a failure then, and the mapping only costs address space. */
    private static void munmap(long address, long size) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) MUNMAP.invokeExact(a.allocate(CALL_STATE), MemorySegment.ofAddress(address), size);
        } catch (Throwable ignored) {
            // see above
        }
    }

    public static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            return check("open " + path, (int) OPEN.invokeExact(state, a.allocateFrom(path), flags), state);
        } catch (Throwable t) {
            throw rethrow("open", t);
        }
    }

    public static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            check("close", (int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw rethrow("close", t);
        }
    }

    public static void write(int fd, byte[] bytes, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            long n = (long) WRITE.invokeExact(state, fd, a.allocateFrom(JAVA_BYTE, bytes), (long) bytes.length);
            if (n != bytes.length) {
                throw failed(what, state);
            }
        } catch (Throwable t) {
            throw rethrow(what, t);
        }
    }

    /** Reads exactly {@code into.byteSize()} bytes at {@code offset}. */
    public static void pread(int fd, MemorySegment into, long offset, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            long n = (long) PREAD.invokeExact(state, fd, into, into.byteSize(), offset);
            if (n != into.byteSize()) {
                throw failed(what, state);
            }
        } catch (Throwable t) {
            throw rethrow(what, t);
        }
    }

    /**
     * {@code ioctl(fd, request, argument)}; returns what the driver returned (never negative).
     * {@code state} is a {@link #newCallState call-state segment} the caller keeps, so that a call
     * made often allocates nothing.
     */
    public static int ioctl(int fd, long request, MemorySegment argument, MemorySegment state, String what) {
        try {
            return check(what, (int) IOCTL.invokeExact(state, fd, request, argument), state);
        } catch (Throwable t) {
            throw rethrow(what, t);
        }
    }

    /** Room for the errno a call leaves, for {@link #ioctl}. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** A raw system call with one argument, for calls the C library has no wrapper for. */
    public static long syscall(long number, long argument, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            long result = (long) SYSCALL1.invokeExact(state, number, argument);
            if (result < 0) {
                throw failed(what, state);
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(what, t);
        }
    }

    // ---- errno -------------------------------------------------------------------------------

    private static int check(String what, int result, MemorySegment state) {
        if (result < 0) {
            throw failed(what, state);
        }
        return result;
    }

    private static LinuxCallException failed(String what, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return new LinuxCallException(what, errno, describe(errno));
    }

    private static RuntimeException rethrow(String what, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(what + " could not be called", t);
    }

    private static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor, int firstVariadic) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(firstVariadic));
    }
}
