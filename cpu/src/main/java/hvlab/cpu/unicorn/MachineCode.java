package hvlab.cpu.unicorn;

import hvlab.cpu.CpuException;
import hvlab.cpu.linux.LinuxCallException;
import hvlab.cpu.linux.LinuxCalls;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Hook callbacks written as a few bytes of x86-64 machine code instead of Java upcalls, for the
 * hooks Unicorn calls so often (every block, every store) that a trip into Java would cost more
 * than the work. The bytes go into a page of their own, mapped writable, then switched to
 * read-and-execute: never writable and executable at once (W^X), the rule that keeps injected
 * data from running as code. The routines ({@link BlockBoundaryStop}, {@link PageWriteHook},
 * {@link AbortGuard}) are a handful of instructions each, so they live here as bytes instead of
 * in a C library to build.
 */
final class MachineCode {
    private MachineCode() {}

    /** A C library function by name, from the process's default lookup (libc). */
    static MemorySegment libc(String name) {
        return Linker.nativeLinker().defaultLookup().find(name)
                .orElseThrow(() -> new CpuException("the C library has no " + name));
    }

    /** An executable copy of {@code code}, never unmapped: engines of the whole process share it. */
    static MemorySegment executable(byte[] code, String what) {
        try {
            MemorySegment page = LinuxCalls.mmap(LinuxCalls.PAGE, LinuxCalls.PROT_READ | LinuxCalls.PROT_WRITE);
            MemorySegment.copy(code, 0, page, ValueLayout.JAVA_BYTE, 0, code.length);
            LinuxCalls.mprotect(page, LinuxCalls.PROT_READ | LinuxCalls.PROT_EXEC);
            return page;
        } catch (LinuxCallException e) {
            throw new CpuException("cannot make the " + what + ": " + e.getMessage(), e);
        }
    }
}
