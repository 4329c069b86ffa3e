package hvlab.cpu.unicorn;

import hvlab.cpu.CpuException;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Works around Unicorn bug #1883 (open in 2.0.1).
 *
 * <p>QEMU remembers the exception being delivered in {@code env->old_exception}, so that a second
 * contributory fault raised <em>while delivering</em> the first becomes a double fault (#DF, SDM
 * Vol. 3, 6.15, "Interrupt 8"). Real delivery ends by clearing that field. When a Unicorn hook
 * handles the exception instead, nothing clears it: the guest's next #GP is reported as #DF and
 * the one after that as a triple fault, which stops the engine. A trap-and-emulate VMM takes a
 * #GP for every privileged instruction, so it would die on its third CLI.
 *
 * <p>The workaround: after each handled fault, save the CPU context, write -1 ("no exception in
 * flight") into the field, and restore the context. The field's offset is not public, so we
 * find it at start-up: run one deliberate #GP and look for the single 32-bit word of the
 * context that went from -1 to 13.
 */
final class ExceptionLatchWorkaround {
    private static final int GENERAL_PROTECTION = 13;
    private static final int NO_EXCEPTION = -1;
    private static final long CODE_ADDRESS = 0x1000;

    private static volatile long calibratedOffset = -1;

    private final UnicornEngine engine;
    private final MemorySegment context;
    private final long offset;

    ExceptionLatchWorkaround(UnicornEngine engine) {
        this.engine = engine;
        this.offset = offset();
        this.context = engine.allocateContext();
    }

    /** Clears the "exception in flight" latch; call from a hook that has just handled a fault. */
    void clearLatch() {
        engine.saveContext(context);
        context.set(ValueLayout.JAVA_INT_UNALIGNED, offset, NO_EXCEPTION);
        engine.restoreContext(context);
    }

    void free() {
        engine.freeContext(context);
    }

    /** The latch's offset in a context blob; found once per process, since it is a property of the library build. */
    static long offset() {
        long known = calibratedOffset;
        if (known < 0) {
            synchronized (ExceptionLatchWorkaround.class) {
                if (calibratedOffset < 0) {
                    calibratedOffset = calibrate();
                }
                known = calibratedOffset;
            }
        }
        return known;
    }

    private static long calibrate() {
        try (UnicornEngine scratch = new UnicornEngine()) {
            scratch.map(CODE_ADDRESS, 0x1000, UnicornConstants.UC_PROT_READ | UnicornConstants.UC_PROT_EXEC);
            // mov ax, 0x10 ; mov ds, ax ; hlt. With no GDT loaded, selector 0x10 lies beyond the
            // GDT limit, so the segment load raises #GP(0x10) at CPL 0: a real contributory fault.
            scratch.writeMemory(CODE_ADDRESS, new byte[] {0x66, (byte) 0xB8, 0x10, 0x00, (byte) 0x8E, (byte) 0xD8, (byte) 0xF4});

            MemorySegment before = scratch.allocateContext();
            MemorySegment after = scratch.allocateContext();
            scratch.saveContext(before);
            int[] seen = {-1};
            MemorySegment hook = upcall(scratch, (vector) -> {
                try {
                    seen[0] = vector;
                    scratch.saveContext(after);
                } catch (RuntimeException e) {
                    seen[0] = -2; // never let an exception escape an upcall: it would end the JVM
                }
                scratch.stop();
            });
            scratch.addHook(UnicornConstants.UC_HOOK_INTR, hook, 1, 0, 0);
            scratch.start(CODE_ADDRESS, CODE_ADDRESS + 7, 1_000_000);
            if (seen[0] != GENERAL_PROTECTION) {
                throw new CpuException("Unicorn bug #1883 calibration: expected #GP (13) from a bad segment load, got " + seen[0]);
            }
            long found = -1;
            int candidates = 0;
            long size = scratch.contextSize();
            for (long at = 0; at + 4 <= size; at += 4) {
                if (before.get(ValueLayout.JAVA_INT_UNALIGNED, at) == NO_EXCEPTION
                        && after.get(ValueLayout.JAVA_INT_UNALIGNED, at) == GENERAL_PROTECTION) {
                    found = at;
                    candidates++;
                }
            }
            scratch.freeContext(before);
            scratch.freeContext(after);
            if (candidates != 1) {
                throw new CpuException("Unicorn bug #1883 calibration found " + candidates
                        + " candidate offsets for the exception latch (need exactly 1); this libunicorn build is not supported");
            }
            return found;
        }
    }

    private interface VectorSink {
        void accept(int vector);
    }

    private static MemorySegment upcall(UnicornEngine engine, VectorSink sink) {
        try {
            var target = MethodHandles.lookup()
                    .findVirtual(VectorSink.class, "accept", MethodType.methodType(void.class, int.class))
                    .bindTo(sink);
            var adapted = MethodHandles.dropArguments(target, 0, MemorySegment.class);
            adapted = MethodHandles.dropArguments(adapted, 2, MemorySegment.class);
            return UnicornLibrary.LINKER.upcallStub(adapted, FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS), engine.arena());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

}
