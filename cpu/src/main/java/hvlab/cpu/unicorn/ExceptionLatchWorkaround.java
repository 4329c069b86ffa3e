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
 *
 * <p>The same saved context also holds the fault's <em>error code</em> ({@code env->error_code}),
 * which Unicorn's interrupt hook does not pass on. A #GP, #NP, #SS or #TS names the selector that
 * caused it in its error code (SDM Vol. 3, 6.13), and a VMM that reflects the fault to its guest
 * must push that code. Its offset is calibrated the same way: two deliberate faults with two
 * different selectors, and the one word that holds each fault's error code in turn.
 *
 * <p>Cost. A context is the CPU state whole (several kilobytes), so the plain workaround copies it
 * out and back on every trap: two calls into Unicorn and two big copies, about a sixth of a #GP
 * trap. A saved context is a byte-for-byte copy of the live state, so the same offsets point into
 * the live state itself: where {@link LiveCpuState} finds it, the latch is cleared by writing one
 * int there, and the error code read from there. Where it cannot be found, the copies remain.
 */
final class ExceptionLatchWorkaround {
    private static final int GENERAL_PROTECTION = 13;
    private static final int NO_EXCEPTION = -1;
    private static final long CODE_ADDRESS = 0x1000;

    private static volatile long[] calibrated;

    private final UnicornEngine engine;
    private final MemorySegment context;
    private final long offset;
    private final long errorCodeOffset;
    /** The live CPU state, or null: then every clear goes through a context copy. */
    private final MemorySegment live;
    private final long liveOffset;
    private final long liveErrorCodeOffset;

    /** @param live the engine's live CPU state, or null where it was not found */
    ExceptionLatchWorkaround(UnicornEngine engine, LiveCpuState live) {
        this.engine = engine;
        this.offset = offset();
        this.errorCodeOffset = calibration()[1];
        this.context = engine.allocateContext();
        this.live = live == null ? null : live.bytes();
        int header = LiveCpuState.dataOffset(context);
        this.liveOffset = offset - header;
        this.liveErrorCodeOffset = errorCodeOffset - header;
    }

    /** Does this engine clear the latch in place (one int written) rather than through a context copy? */
    boolean inPlace() {
        return live != null;
    }

    /** Clears the "exception in flight" latch; call from a hook that has just handled a fault. */
    void clearLatch() {
        if (live != null) {
            live.set(ValueLayout.JAVA_INT_UNALIGNED, liveOffset, NO_EXCEPTION);
            return;
        }
        engine.saveContext(context);
        context.set(ValueLayout.JAVA_INT_UNALIGNED, offset, NO_EXCEPTION);
        engine.restoreContext(context);
    }

    /**
     * Clears the latch, as {@link #clearLatch()}, and returns the error code of the fault being
     * handled (meaningful for the vectors that have one). One context copy serves both.
     */
    int clearLatchAndReadErrorCode() {
        if (live != null) {
            live.set(ValueLayout.JAVA_INT_UNALIGNED, liveOffset, NO_EXCEPTION);
            return live.get(ValueLayout.JAVA_INT_UNALIGNED, liveErrorCodeOffset);
        }
        engine.saveContext(context);
        int errorCode = context.get(ValueLayout.JAVA_INT_UNALIGNED, errorCodeOffset);
        context.set(ValueLayout.JAVA_INT_UNALIGNED, offset, NO_EXCEPTION);
        engine.restoreContext(context);
        return errorCode;
    }

    void free() {
        engine.freeContext(context);
    }

    /** The latch's offset in a context blob; found once per process, since it is a property of the library build. */
    static long offset() {
        return calibration()[0];
    }

    /** The error code's offset in a context blob. */
    static long errorCodeOffset() {
        return calibration()[1];
    }

    private static long[] calibration() {
        long[] known = calibrated;
        if (known == null) {
            synchronized (ExceptionLatchWorkaround.class) {
                if (calibrated == null) {
                    long latch = -1;
                    // RPL 3 in the selector, none in the error code (it holds the index and table
                    // bits only), so the register the selector was loaded from does not look alike.
                    int[] selectors = {0x13, 0x1B};
                    java.util.Set<Long> candidates = null;
                    for (int selector : selectors) {
                        Observation seen = observe(selector);
                        latch = seen.latch;
                        if (candidates == null) {
                            candidates = seen.holding;
                        } else {
                            candidates.retainAll(seen.holding);
                        }
                    }
                    if (candidates.size() != 1) {
                        throw new CpuException("Unicorn fault error-code calibration found " + candidates.size()
                                + " candidate offsets (need exactly 1); this libunicorn build is not supported");
                    }
                    calibrated = new long[] {latch, candidates.iterator().next()};
                }
                known = calibrated;
            }
        }
        return known;
    }

    /** What one deliberate #GP(selector) changed: the latch's offset, and every word that then held the selector. */
    private record Observation(long latch, java.util.Set<Long> holding) {}

    private static Observation observe(int selector) {
        try (UnicornEngine scratch = new UnicornEngine()) {
            scratch.map(CODE_ADDRESS, 0x1000, UnicornConstants.UC_PROT_READ | UnicornConstants.UC_PROT_EXEC);
            // mov ax, sel ; mov ds, ax ; hlt. With no GDT loaded, the selector lies beyond the
            // GDT limit, so the segment load raises #GP(sel) at CPL 0: a real contributory fault.
            scratch.writeMemory(CODE_ADDRESS, new byte[] {0x66, (byte) 0xB8, (byte) selector, 0x00, (byte) 0x8E, (byte) 0xD8, (byte) 0xF4});

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
            java.util.Set<Long> holding = new java.util.HashSet<>();
            long size = scratch.contextSize();
            for (long at = 0; at + 4 <= size; at += 4) {
                int was = before.get(ValueLayout.JAVA_INT_UNALIGNED, at);
                int is = after.get(ValueLayout.JAVA_INT_UNALIGNED, at);
                if (was == NO_EXCEPTION && is == GENERAL_PROTECTION) {
                    found = at;
                    candidates++;
                }
                int errorCode = selector & 0xFFFC;
                if (is == errorCode && was != errorCode) {
                    holding.add(at);
                }
            }
            scratch.freeContext(before);
            scratch.freeContext(after);
            if (candidates != 1) {
                throw new CpuException("Unicorn bug #1883 calibration found " + candidates
                        + " candidate offsets for the exception latch (need exactly 1); this libunicorn build is not supported");
            }
            return new Observation(found, holding);
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
