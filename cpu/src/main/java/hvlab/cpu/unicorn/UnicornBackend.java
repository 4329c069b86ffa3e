package hvlab.cpu.unicorn;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.CpuException;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.MemoryAccess;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.RunResult;
import hvlab.cpu.TableRegister;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static hvlab.cpu.unicorn.UnicornConstants.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
    private static final int ALL_ONES = 0xFFFFFFFF;

    private final UnicornEngine engine = new UnicornEngine();
    private final ExceptionLatchWorkaround latch = new ExceptionLatchWorkaround(engine);
    private final Map<Long, Long> watchHooks = new HashMap<>();
    private final MemorySegment codeHookStub;
    private TrapHandler handler = trap -> TrapOutcome.STOP;

    private boolean stopRequested;
    private boolean resumeAfterInvalidOpcode;
    private boolean latchPending;
    private long resumeEip = -1;
    private volatile boolean externalStop;
    private volatile boolean sliceUsedUp;
    private boolean preempted;
    private boolean closed;
    private Throwable handlerFailure;

    public UnicornBackend() {
        engine.addHook(UC_HOOK_INTR, stub("onInterrupt", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS)), 1, 0, 0);
        engine.addHook(UC_HOOK_INSN, stub("onPortIn", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)), 1, 0, UC_X86_INS_IN);
        engine.addHook(UC_HOOK_INSN, stub("onPortOut", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)), 1, 0, UC_X86_INS_OUT);
        engine.addHook(UC_HOOK_INSN, stub("onCpuid", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)), 1, 0, UC_X86_INS_CPUID);
        engine.addHook(UC_HOOK_INSN_INVALID, stub("onInvalidOpcode", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS)), 1, 0, 0);
        engine.addHook(UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
                stub("onBadAccess", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS)), 1, 0, 0);
        codeHookStub = stub("onWatchedInstruction", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
    }

    /** Unicorn's version as "major.minor". */
    public static String version() {
        return UnicornEngine.version();
    }

    @Override
    public void map(long address, GuestMemory memory, Protection protection) {
        engine.mapPointer(address, memory.size(), UnicornEngine.protectionBits(protection), memory.segment());
    }

    @Override
    public void protect(long address, long size, Protection protection) {
        engine.protect(address, size, UnicornEngine.protectionBits(protection));
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
        this.handler = handler;
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
        stopRequested = false;
        preempted = false;
        externalStop = false;
        sliceUsedUp = false;
        handlerFailure = null;
        resumeEip = -1;
        long deadline = slice.isZero() ? 0 : System.nanoTime() + slice.toNanos();
        long start = eip;
        SliceTimer.Ticket ticket = deadline == 0 ? null : SliceTimer.at(deadline, () -> sliceUsedUp = true);
        if (latchPending) {
            latch.clearLatch();
            latchPending = false;
        }
        try {
            while (true) {
                resumeAfterInvalidOpcode = false;
                int error = engine.start(start, NEVER, 0);
                if (handlerFailure != null) {
                    Throwable failure = handlerFailure;
                    handlerFailure = null;
                    if (failure instanceof RuntimeException r) throw r;
                    if (failure instanceof Error e) throw e;
                    throw new CpuException("trap handler failed", failure);
                }
                if (resumeEip >= 0) {
                    write(Register.EIP, (int) resumeEip);
                    resumeEip = -1;
                }
                if (preempted && !externalStop) {
                    return RunResult.sliceEnded();
                }
                if (stopRequested || externalStop) {
                    return RunResult.stopped();
                }
                if (resumeAfterInvalidOpcode) {
                    // Unicorn halts the CPU after an invalid-opcode hook even when it returns true;
                    // the VMM has set EIP (a precise boundary), so carry on from there.
                    if (sliceUsedUp) {
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
        }
    }

    /**
     * Stops the CPU from any thread, to end the VM. The guest's registers afterwards may be a
     * little behind (see {@link #run}), so this is not a way to pause a guest that will go on.
     */
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
            watchHooks.put(eip, engine.addHook(UC_HOOK_CODE, codeHookStub, eip, eip, 0));
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

    // ---- hooks, called by Unicorn from inside uc_emu_start ----

    private void onInterrupt(MemorySegment uc, int vector, MemorySegment userData) {
        if (stopRequested) {
            ghost(vector < 32 && vector != 3 && vector != 4);
            return;
        }
        boolean fault = vector < 32 && vector != 3 && vector != 4;
        if (fault && sliceUsedUp) {
            // Preempt instead of handling: EIP still points at the faulting instruction, which
            // faults again (before changing anything) when the next run retries it.
            preempted = true;
            latchPending = true;
            stop();
            return;
        }
        try {
            long eip = Integer.toUnsignedLong(read(Register.EIP));
            // Unicorn does not say whether the CPU or an INT instruction raised the vector.
            // INT3 (3) and INTO (4) are traps by definition and 32 and up are never CPU
            // exceptions, so those are software interrupts with EIP already past the instruction;
            // the rest are faults with EIP on the instruction that failed (SDM Vol. 3, 6.5).
            boolean software = vector == 3 || vector == 4 || vector >= 32;
            Trap trap = software ? new Trap.SoftwareInterrupt(vector, eip) : new Trap.Fault(vector, eip);
            TrapOutcome outcome = handler.onTrap(trap);
            if (outcome instanceof TrapOutcome.Stop) {
                // The VMM may resume this CPU later (after a HLT, say): clear the latch then,
                // outside the hook, since restoring a context here would undo the stop.
                latchPending = !software;
                stopAndResumeAt(read(Register.EIP));
            } else if (!software) {
                latch.clearLatch();
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private int onPortIn(MemorySegment uc, int port, int size, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return ALL_ONES;
        }
        try {
            TrapOutcome outcome = handler.onTrap(new Trap.PortIn(port & 0xFFFF, size));
            return switch (outcome) {
                case TrapOutcome.ContinueWith with -> with.value();
                case TrapOutcome.Continue c -> ALL_ONES;
                case TrapOutcome.Stop s -> {
                    stop();
                    yield ALL_ONES;
                }
            };
        } catch (Throwable t) {
            fail(t);
            return ALL_ONES;
        }
    }

    private void onPortOut(MemorySegment uc, int port, int size, int value, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return;
        }
        try {
            if (handler.onTrap(new Trap.PortOut(port & 0xFFFF, size, value)) instanceof TrapOutcome.Stop) {
                stop();
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Returns 1: the VMM has written EAX..EDX and the real CPUID must not run. */
    private int onCpuid(MemorySegment uc, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return 1;
        }
        try {
            long eip = Integer.toUnsignedLong(read(Register.EIP));
            if (handler.onTrap(new Trap.Cpuid(eip)) instanceof TrapOutcome.Stop) {
                stop();
            }
        } catch (Throwable t) {
            fail(t);
        }
        return 1;
    }

    private boolean onInvalidOpcode(MemorySegment uc, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return false;
        }
        try {
            long eip = Integer.toUnsignedLong(read(Register.EIP));
            if (handler.onTrap(new Trap.InvalidOpcode(eip)) instanceof TrapOutcome.Stop) {
                stopAndResumeAt(read(Register.EIP));
                return false;
            }
            resumeAfterInvalidOpcode = true;
            return true;
        } catch (Throwable t) {
            fail(t);
            return false;
        }
    }

    private boolean onBadAccess(MemorySegment uc, int type, long address, int size, long value, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return false;
        }
        try {
            long eip = Integer.toUnsignedLong(read(Register.EIP));
            MemoryAccess access = switch (type) {
                case UC_MEM_WRITE_UNMAPPED, UC_MEM_WRITE_PROT -> MemoryAccess.WRITE;
                case UC_MEM_FETCH_UNMAPPED, UC_MEM_FETCH_PROT -> MemoryAccess.FETCH;
                default -> MemoryAccess.READ;
            };
            boolean unmapped = type == UC_MEM_READ_UNMAPPED || type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_FETCH_UNMAPPED;
            TrapOutcome outcome = handler.onTrap(new Trap.MemoryFault(access, address, size, unmapped, eip));
            if (outcome instanceof TrapOutcome.Stop) {
                stop();
                return false;
            }
            return true;
        } catch (Throwable t) {
            fail(t);
            return false;
        }
    }

    private void onWatchedInstruction(MemorySegment uc, long address, int size, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return;
        }
        try {
            if (sliceUsedUp) {
                // Preempt before the instruction, leaving EIP alone: Unicorn then stops exactly
                // here, and the next run meets this hook again and handles the instruction.
                preempted = true;
                stop();
                return;
            }
            if (handler.onTrap(new Trap.WatchedInstruction(address)) instanceof TrapOutcome.Stop) {
                stopAndResumeAt(read(Register.EIP));
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void stop() {
        stopRequested = true;
        engine.stop();
    }

    /**
     * Stops, and makes sure the guest resumes at {@code eip} next time. Unicorn treats an EIP
     * written inside a hook as "restart there", which cancels a stop requested in the same hook;
     * the CPU then runs on from the trapping instruction until it traps again. So we remember the
     * EIP the VMM chose, ignore the trap that comes back (a {@link #ghost}), and put EIP right
     * once {@code uc_emu_start} has returned.
     */
    private void stopAndResumeAt(int eip) {
        resumeEip = Integer.toUnsignedLong(eip);
        stop();
    }

    /** A trap that arrives after the VMM asked to stop: not the guest's doing, so not reported. */
    private void ghost(boolean fault) {
        if (fault) {
            latchPending = true;
        }
        engine.stop();
    }

    private void fail(Throwable t) {
        if (handlerFailure == null) {
            handlerFailure = t;
        }
        stop();
    }

    private MemorySegment stub(String method, FunctionDescriptor descriptor) {
        return engine.upcall(MethodHandles.lookup(), this, method, descriptor);
    }


}
