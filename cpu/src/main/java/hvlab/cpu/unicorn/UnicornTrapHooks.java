package hvlab.cpu.unicorn;

import hvlab.cpu.MemoryAccess;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

import static hvlab.cpu.unicorn.UnicornConstants.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The hooks Unicorn calls from inside {@code uc_emu_start}, and the state of one run that they
 * share with {@link UnicornBackend#run}: each hook turns what happened into a {@link Trap}, asks
 * the {@link TrapHandler}, and acts on the {@link TrapOutcome}.
 *
 * <p>Three Unicorn behaviours shape this class. A throwable must never escape an upcall (it
 * would end the JVM), so hooks catch everything, stop the engine, and the run rethrows. A stop
 * requested in a hook that also wrote EIP is cancelled (Unicorn restarts at the new EIP), so the
 * backend remembers the EIP the VMM chose and ignores the traps that come back ("ghosts").
 * And a stop that lands inside an I/O hook or arrives from another thread resumes from a stale
 * EIP, so a time slice ends only at an exact boundary: a fault, or a watched instruction.
 */
final class UnicornTrapHooks {
    private static final int ALL_ONES = 0xFFFFFFFF;
    private static final int EIP = NativeRegisterNumbers.numberOf(Register.EIP);

    private final UnicornEngine engine;
    private final ExceptionLatchWorkaround latch;
    private final MemorySegment codeHookStub;
    TrapHandler handler = trap -> TrapOutcome.STOP;

    // The state of the current run; reset by beginRun.
    boolean stopRequested;
    boolean resumeAfterInvalidOpcode;
    boolean latchPending;
    boolean preempted;
    long resumeEip = -1;
    volatile boolean sliceUsedUp;
    Throwable handlerFailure;
    SliceTimer.Ticket outsideStopper;
    /** Stops the engine from another thread (set by the backend; safe against a closed engine). */
    Runnable outsideStop = () -> { };

    UnicornTrapHooks(UnicornEngine engine, ExceptionLatchWorkaround latch) {
        this.engine = engine;
        this.latch = latch;
        engine.addHook(UC_HOOK_INTR, stub("onInterrupt", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS)), 1, 0, 0);
        engine.addHook(UC_HOOK_INSN, stub("onPortIn", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)), 1, 0, UC_X86_INS_IN);
        engine.addHook(UC_HOOK_INSN, stub("onPortOut", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)), 1, 0, UC_X86_INS_OUT);
        engine.addHook(UC_HOOK_INSN, stub("onCpuid", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)), 1, 0, UC_X86_INS_CPUID);
        engine.addHook(UC_HOOK_INSN_INVALID, stub("onInvalidOpcode", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS)), 1, 0, 0);
        engine.addHook(UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
                stub("onBadAccess", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS)), 1, 0, 0);
        codeHookStub = stub("onWatchedInstruction", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
    }

    /** The stub to install as a code hook on a watched instruction. */
    MemorySegment codeHook() {
        return codeHookStub;
    }

    /** Resets the per-run state; clears the exception latch a previous stop left pending (outside any hook). */
    void beginRun() {
        stopRequested = false;
        preempted = false;
        sliceUsedUp = false;
        handlerFailure = null;
        resumeEip = -1;
        outsideStopper = null;
        if (latchPending) {
            latch.clearLatch();
            latchPending = false;
        }
    }

    private int readEip() {
        return (int) engine.readRegister(EIP);
    }


    void onInterrupt(MemorySegment uc, int vector, MemorySegment userData) {
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
            long eip = Integer.toUnsignedLong(readEip());
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
                stopAndResumeAt(readEip(), software ? interruptInstructionAddress(vector, eip) : eip);
            } else if (!software) {
                latch.clearLatch();
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    int onPortIn(MemorySegment uc, int port, int size, MemorySegment userData) {
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
                    stopFromIoHook();
                    yield ALL_ONES;
                }
            };
        } catch (Throwable t) {
            fail(t);
            return ALL_ONES;
        }
    }

    void onPortOut(MemorySegment uc, int port, int size, int value, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return;
        }
        try {
            if (handler.onTrap(new Trap.PortOut(port & 0xFFFF, size, value)) instanceof TrapOutcome.Stop) {
                stopFromIoHook();
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Returns 1: the VMM has written EAX..EDX and the real CPUID must not run. */
    int onCpuid(MemorySegment uc, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return 1;
        }
        try {
            long eip = Integer.toUnsignedLong(readEip());
            if (handler.onTrap(new Trap.Cpuid(eip)) instanceof TrapOutcome.Stop) {
                stop();
            }
        } catch (Throwable t) {
            fail(t);
        }
        return 1;
    }

    boolean onInvalidOpcode(MemorySegment uc, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return false;
        }
        try {
            long eip = Integer.toUnsignedLong(readEip());
            if (handler.onTrap(new Trap.InvalidOpcode(eip)) instanceof TrapOutcome.Stop) {
                stopAndResumeAt(readEip(), eip);
                return false;
            }
            resumeAfterInvalidOpcode = true;
            return true;
        } catch (Throwable t) {
            fail(t);
            return false;
        }
    }

    boolean onBadAccess(MemorySegment uc, int type, long address, int size, long value, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return false;
        }
        try {
            long eip = Integer.toUnsignedLong(readEip());
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

    void onWatchedInstruction(MemorySegment uc, long address, int size, MemorySegment userData) {
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
                stopAndResumeAt(readEip(), address);
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
     * written inside a hook as "restart there" and cancels a stop requested in the same hook: the
     * CPU would run on from the new EIP, with real effects, until it trapped again. So we point
     * EIP back at the instruction that trapped, which traps again at once and changes nothing
     * (that second trap is a {@link #ghost}, ignored), and put the chosen EIP in place once
     * {@code uc_emu_start} has returned.
     */
    private void stopAndResumeAt(int eip, long trappingInstruction) {
        resumeEip = Integer.toUnsignedLong(eip);
        if (resumeEip != trappingInstruction) {
            engine.writeRegister(EIP, trappingInstruction);
        }
        stop();
    }

    /**
     * A stop asked for inside an I/O hook is not honoured promptly (the guest runs on), and the
     * VMM only stops there to end the VM; so keep stopping from outside until the run returns.
     */
    private void stopFromIoHook() {
        stop();
        if (outsideStopper == null) {
            outsideStopper = SliceTimer.every(1_000_000, outsideStop);
        }
    }

    /** INT n is CD ib, INT3 CC and INTO CE: the address of the instruction that raised {@code vector}. */
    private long interruptInstructionAddress(int vector, long nextEip) {
        try {
            byte[] two = engine.readMemory(nextEip - 2, 2);
            if ((two[0] & 0xFF) == 0xCD && (two[1] & 0xFF) == vector) {
                return nextEip - 2;
            }
        } catch (RuntimeException unreadable) {
            // fall through
        }
        return nextEip - 1;
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
