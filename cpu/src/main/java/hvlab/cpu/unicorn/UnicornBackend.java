package hvlab.cpu.unicorn;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.CpuException;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.RunResult;
import hvlab.cpu.TableRegister;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static hvlab.cpu.unicorn.UnicornConstants.*;

/**
 * A {@link CpuBackend} on the Unicorn emulator (QEMU's TCG underneath), 32-bit x86.
 *
 * <p>Unicorn calls our hooks from inside {@code uc_emu_start}; each hook turns what happened into
 * a {@link Trap}, asks the {@link TrapHandler}, and acts on the {@link TrapOutcome}. A throwable
 * must never escape an upcall (it would end the JVM), so hooks catch everything, stop the engine,
 * and {@link #run} rethrows once {@code uc_emu_start} has returned.
 */
public final class UnicornBackend implements CpuBackend {
    /** An address 32-bit code can never reach, so {@code uc_emu_start} runs until stopped. */
    private static final long NEVER = -1L;

    private final UnicornEngine engine = new UnicornEngine();
    private final ExceptionLatchWorkaround latch = new ExceptionLatchWorkaround(engine);
    private final UnicornTrapHooks hooks = new UnicornTrapHooks(engine, latch);
    {
        hooks.outsideStop = this::stopEngineQuietly;
    }
    private final Map<Long, Long> watchHooks = new HashMap<>();
    private final Map<Long, MemorySegment> pointerMappings = new HashMap<>();
    private volatile boolean externalStop;
    private boolean closed;


    /** Unicorn's version as "major.minor". */
    public static String version() {
        return UnicornEngine.version();
    }

    @Override
    public void map(long address, GuestMemory memory, Protection protection) {
        map(address, memory, 0, memory.size(), protection);
    }

    @Override
    public void map(long address, GuestMemory memory, long offset, long size, Protection protection) {
        MemorySegment slice = memory.segment().asSlice(offset, size);
        engine.mapPointer(address, size, UnicornEngine.protectionBits(protection), slice);
        pointerMappings.put(address, slice);
    }

    /**
     * Unicorn 2.0.1 refuses {@code uc_mem_protect} on memory mapped with {@code uc_mem_map_ptr}
     * (UC_ERR_NOMEM), so a whole mapping of ours changes protection by being mapped again.
     */
    @Override
    public void protect(long address, long size, Protection protection) {
        MemorySegment slice = pointerMappings.get(address);
        if (slice == null || slice.byteSize() != size) {
            engine.protect(address, size, UnicornEngine.protectionBits(protection));
            return;
        }
        engine.unmap(address, size);
        engine.mapPointer(address, size, UnicornEngine.protectionBits(protection), slice);
    }

    @Override
    public int read(Register register) {
        return (int) engine.readRegister(NativeRegisterNumbers.numberOf(register));
    }

    @Override
    public void write(Register register, int value) {
        engine.writeRegister(NativeRegisterNumbers.numberOf(register), Integer.toUnsignedLong(value));
    }

    @Override
    public TableRegister.Value read(TableRegister register) {
        long[] v = engine.readTableRegister(UnicornEngine.tableRegisterId(register));
        return new TableRegister.Value((int) v[0], v[1], (int) v[2], (int) v[3]);
    }

    @Override
    public void write(TableRegister register, TableRegister.Value value) {
        engine.writeTableRegister(UnicornEngine.tableRegisterId(register), value.selector(), value.base(), value.limit(), value.flags());
    }

    @Override
    public byte[] readMemory(long address, int length) {
        return engine.readMemory(address, length);
    }

    @Override
    public void writeMemory(long address, byte[] bytes) {
        engine.writeMemory(address, bytes);
    }

    @Override
    public void setTrapHandler(TrapHandler handler) {
        hooks.handler = handler;
    }

    /**
     * Runs the guest. A time slice ends at the first trap after the slice's time is up that
     * arrives at an exact instruction boundary (an exception, or a watched instruction): never by
     * stopping Unicorn from another thread. An asynchronous stop leaves Unicorn's EIP at a stale
     * point (unicorn issues #1105 and #1565: the CPU resumes by running instructions a second
     * time), which we measured as corrupted guest stacks. So a guest that never traps runs past
     * its slice; {@link #requestStop} still ends it, for good.
     */
    @Override
    public RunResult run(long eip, Duration slice) {
        externalStop = false;
        hooks.beginRun();
        long deadline = slice.isZero() ? 0 : System.nanoTime() + slice.toNanos();
        long start = eip;
        SliceTimer.Ticket ticket = deadline == 0 ? null : SliceTimer.at(deadline, () -> hooks.sliceUsedUp = true);
        try {
            while (true) {
                hooks.resumeAfterInvalidOpcode = false;
                int error = engine.start(start, NEVER, 0);
                if (hooks.handlerFailure != null) {
                    Throwable failure = hooks.handlerFailure;
                    hooks.handlerFailure = null;
                    if (failure instanceof RuntimeException r) throw r;
                    if (failure instanceof Error e) throw e;
                    throw new CpuException("trap handler failed", failure);
                }
                if (hooks.resumeEip >= 0) {
                    write(Register.EIP, (int) hooks.resumeEip);
                    hooks.resumeEip = -1;
                }
                if (hooks.preempted && !externalStop) {
                    return RunResult.sliceEnded();
                }
                if (hooks.stopRequested || externalStop) {
                    return RunResult.stopped();
                }
                if (hooks.resumeAfterInvalidOpcode) {
                    // Unicorn halts the CPU after an invalid-opcode hook even when it returns true;
                    // the VMM has set EIP (a precise boundary), so carry on from there.
                    if (hooks.sliceUsedUp) {
                        return RunResult.sliceEnded();
                    }
                    start = Integer.toUnsignedLong(read(Register.EIP));
                    continue;
                }
                if (error != UC_ERR_OK) {
                    return new RunResult(RunResult.Cause.CPU_ERROR, UnicornEngine.describe(error));
                }
                return RunResult.sliceEnded();
            }
        } finally {
            if (ticket != null) {
                ticket.cancel();
            }
            if (hooks.outsideStopper != null) {
                hooks.outsideStopper.cancel();
                hooks.outsideStopper = null;
            }
        }
    }

    /**
     * Stops the CPU from any thread, to end the VM. The guest's registers afterwards may be a
     * little behind (see {@link #run}), so this is not a way to pause a guest that will go on.
     */
    private synchronized void stopEngineQuietly() {
        if (!closed) {
            engine.stop();
        }
    }

    @Override
    public synchronized void requestStop() {
        if (!closed) {
            externalStop = true;
            engine.stop();
        }
    }

    @Override
    public void watchInstruction(long eip) {
        if (!watchHooks.containsKey(eip)) {
            watchHooks.put(eip, engine.addHook(UC_HOOK_CODE, hooks.codeHook(), eip, eip, 0));
            // Code already translated would never call the new hook: drop that translation.
            engine.removeTranslationCache(eip, eip + 1);
        }
    }

    @Override
    public void unwatchInstruction(long eip) {
        Long hook = watchHooks.remove(eip);
        if (hook != null) {
            engine.deleteHook(hook);
            engine.removeTranslationCache(eip, eip + 1);
        }
    }

    @Override
    public byte[] saveState() {
        MemorySegment context = engine.allocateContext();
        try {
            engine.saveContext(context);
            return context.toArray(ValueLayout.JAVA_BYTE);
        } finally {
            engine.freeContext(context);
        }
    }

    @Override
    public void restoreState(byte[] state) {
        MemorySegment context = engine.allocateContext();
        try {
            if (state.length != context.byteSize()) {
                throw new CpuException("CPU state has " + state.length + " bytes, this Unicorn build needs " + context.byteSize());
            }
            MemorySegment.copy(state, 0, context, ValueLayout.JAVA_BYTE, 0, state.length);
            engine.restoreContext(context);
        } finally {
            engine.freeContext(context);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            latch.free();
            engine.close();
        }
    }



}
