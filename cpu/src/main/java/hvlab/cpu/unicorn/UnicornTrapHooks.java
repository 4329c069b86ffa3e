package hvlab.cpu.unicorn;

import hvlab.cpu.MemoryAccess;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Register;
import hvlab.cpu.StopReason;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * And a stop asked for in the middle of a translated block (port I/O, a fast system call, a
 * block just translated) is not exact, so those hooks ask {@link BlockBoundaryStop} instead: the
 * CPU then stops before the next block, an exact boundary.
 */
final class UnicornTrapHooks {
    private static final int ALL_ONES = 0xFFFFFFFF;
    private static final int EIP = NativeRegisterNumbers.numberOf(Register.EIP);
    private static final int EAX = NativeRegisterNumbers.numberOf(Register.EAX);
    /** {@code uc_tb}: u64 pc, u16 icount, u16 size. */
    private static final long TB_PC = 0;
    private static final long TB_SIZE = 10;
    private static final long TB_BYTES = 12;

    private final UnicornEngine engine;
    private final LiveCpuState live;
    private final ExceptionLatchWorkaround latch;
    private final BlockBoundaryStop boundary;
    private final MemorySegment codeHookStub;
    private final MemorySegment translationHookStub;
    private final MemorySegment mmioReadStub;
    private final MemorySegment mmioWriteStub;
    TrapHandler handler = trap -> TrapOutcome.STOP;

    // The state of the current run; reset by beginRun.
    boolean stopRequested;
    boolean resumeAfterInvalidOpcode;
    boolean latchPending;
    /** True while the VMM handles a trap of the interrupt hook, where EIP may be written in place (see {@link LiveCpuState#setEip}). */
    boolean inInterruptHook;
    long resumeEip = -1;
    /** A stop after the next block was asked for in this run ({@link #stopAfterNextBlock}). */
    boolean windowStopArmed;
    StopReason stopReason;
    Throwable handlerFailure;

    UnicornTrapHooks(UnicornEngine engine, LiveCpuState live, ExceptionLatchWorkaround latch, BlockBoundaryStop boundary) {
        this.engine = engine;
        this.live = live;
        this.latch = latch;
        this.boundary = boundary;
        // The hottest hooks take Unicorn's two pointers (the engine, user data), which they never
        // use, as plain longs: an ADDRESS parameter would make the upcall wrap each in a new
        // MemorySegment on every trap.
        engine.addHook(UC_HOOK_INTR, stub("onInterrupt", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_LONG)), 1, 0, 0);
        engine.addHook(UC_HOOK_INSN, stub("onPortIn", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG)), 1, 0, UC_X86_INS_IN);
        engine.addHook(UC_HOOK_INSN, stub("onPortOut", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG)), 1, 0, UC_X86_INS_OUT);
        engine.addHook(UC_HOOK_INSN, stub("onCpuid", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)), 1, 0, UC_X86_INS_CPUID);
        engine.addHook(UC_HOOK_INSN, stub("onSysenter", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)), 1, 0, UC_X86_INS_SYSENTER);
        engine.addHook(UC_HOOK_INSN, stub("onSyscall", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)), 1, 0, UC_X86_INS_SYSCALL);
        engine.addHook(UC_HOOK_INSN_INVALID, stub("onInvalidOpcode", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS)), 1, 0, 0);
        engine.addHook(UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
                stub("onBadAccess", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS)), 1, 0, 0);
        codeHookStub = stub("onWatchedInstruction", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        translationHookStub = stub("onBlockTranslated", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // uc_cb_mmio_read_t and uc_cb_mmio_write_t; user data is the range's base address.
        mmioReadStub = stub("onMmioRead", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG));
        mmioWriteStub = stub("onMmioWrite", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    MemorySegment mmioReadHook() {
        return mmioReadStub;
    }

    MemorySegment mmioWriteHook() {
        return mmioWriteStub;
    }

    /**
     * A load from device memory, from the middle of a translated block (QEMU's I/O path): like an
     * IN, the value comes back as the load's result, and a stop waits for the next block.
     */
    long onMmioRead(long uc, long offset, int size, long base) {
        if (stopRequested) {
            ghost(false);
            return 0;
        }
        try {
            TrapOutcome outcome = handler.onTrap(new Trap.MmioRead(base + offset, size));
            return switch (outcome) {
                case TrapOutcome.ContinueWith with -> {
                    if (with.thenStop() != null) {
                        stopAtNextBlock(with.thenStop());
                    }
                    yield Integer.toUnsignedLong(with.value());
                }
                case TrapOutcome.Continue c -> 0xFFFFFFFFL;
                case TrapOutcome.Stop stop -> {
                    stopAtNextBlock(stop.reason());
                    yield 0;
                }
            };
        } catch (Throwable t) {
            fail(t);
            return 0;
        }
    }

    void onMmioWrite(long uc, long offset, int size, long value, long base) {
        if (stopRequested) {
            ghost(false);
            return;
        }
        try {
            if (handler.onTrap(new Trap.MmioWrite(base + offset, size, (int) value)) instanceof TrapOutcome.Stop stop) {
                stopAtNextBlock(stop.reason());
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** The stub to install as a code hook on a watched instruction. */
    MemorySegment codeHook() {
        return codeHookStub;
    }

    /** The stub to install as Unicorn's "edge generated" hook: called once per newly translated block. */
    MemorySegment translationHook() {
        return translationHookStub;
    }

    /** Resets the per-run state; clears the exception latch a previous stop left pending (outside any hook). */
    void beginRun() {
        stopRequested = false;
        stopReason = null;
        handlerFailure = null;
        resumeEip = -1;
        // Always, not only after a ghost fault: with paging on, Unicorn 2.0.1 walks the page
        // tables for addresses of its own between runs (the exit address, hook ranges it drops
        // translations for) and swallows the #PF it finds there, latch set all the same.
        latch.clearLatch();
        latchPending = false;
    }

    private int readEip() {
        return live != null ? live.eip() : (int) engine.readRegister(EIP);
    }

    void onInterrupt(long uc, int vector, long userData) {
        // Unicorn does not say whether the CPU or an INT instruction raised the vector. INT3 (3)
        // and INTO (4) are traps by definition and 32 and up are never CPU exceptions, so those
        // are software interrupts with EIP already past the instruction; the rest are faults
        // with EIP on the instruction that failed (SDM Vol. 3, 6.5).
        boolean fault = vector < 32 && vector != 3 && vector != 4;
        if (stopRequested) {
            ghost(fault);
            return;
        }
        try {
            int errorCode = 0;
            if (fault) {
                // Clear the #1883 latch first, reading the fault's error code from the same copy.
                errorCode = latch.clearLatchAndReadErrorCode();
            }
            long eip = Integer.toUnsignedLong(readEip());
            Trap trap = fault ? new Trap.Fault(vector, errorCode, eip) : new Trap.SoftwareInterrupt(vector, eip);
            TrapOutcome outcome;
            inInterruptHook = true;
            try {
                outcome = handler.onTrap(trap);
            } finally {
                inInterruptHook = false;
            }
            if (outcome instanceof TrapOutcome.Stop stop) {
                stopBetweenBlocks(readEip(), fault ? eip : interruptInstructionAddress(vector, eip), stop.reason());
            } else if (outcome instanceof TrapOutcome.ContinueWith with && with.thenStop() != null) {
                stopAfterNextBlock(with.thenStop());
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    int onPortIn(long uc, int port, int size, long userData) {
        if (stopRequested) {
            ghost(false);
            return ALL_ONES;
        }
        try {
            TrapOutcome outcome = handler.onTrap(new Trap.PortIn(port & 0xFFFF, size));
            return switch (outcome) {
                case TrapOutcome.ContinueWith with -> {
                    if (with.thenStop() != null) {
                        stopAtNextBlock(with.thenStop());
                    }
                    yield with.value();
                }
                case TrapOutcome.Continue c -> ALL_ONES;
                case TrapOutcome.Stop stop -> {
                    // The VMM refused the access (or ends the VM): the IN must not change the
                    // guest's register, so it reads what EAX already holds.
                    stopAtNextBlock(stop.reason());
                    yield (int) engine.readRegister(EAX);
                }
            };
        } catch (Throwable t) {
            fail(t);
            return ALL_ONES;
        }
    }

    void onPortOut(long uc, int port, int size, int value, long userData) {
        if (stopRequested) {
            ghost(false);
            return;
        }
        try {
            if (handler.onTrap(new Trap.PortOut(port & 0xFFFF, size, value)) instanceof TrapOutcome.Stop stop) {
                stopAtNextBlock(stop.reason());
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
            if (handler.onTrap(new Trap.Cpuid(eip)) instanceof TrapOutcome.Stop stop) {
                stopAtNextBlock(stop.reason());
            }
        } catch (Throwable t) {
            fail(t);
        }
        return 1;
    }

    void onSysenter(MemorySegment uc, MemorySegment userData) {
        fastSystemCall("sysenter");
    }

    void onSyscall(MemorySegment uc, MemorySegment userData) {
        fastSystemCall("syscall");
    }

    /**
     * Unicorn calls these hooks in place of the instruction and then moves EIP past it; the
     * instruction ends its block, so a stop before the next block lands right after it, with
     * nothing else changed. EIP in the hook is the start of the block (Unicorn has not brought it
     * up to date), which is as much as the trap can say.
     */
    private void fastSystemCall(String mnemonic) {
        if (stopRequested) {
            ghost(false);
            return;
        }
        try {
            long eip = Integer.toUnsignedLong(readEip());
            if (handler.onTrap(new Trap.FastSystemCall(mnemonic, eip)) instanceof TrapOutcome.Stop stop) {
                stopAtNextBlock(stop.reason());
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    boolean onInvalidOpcode(MemorySegment uc, MemorySegment userData) {
        if (stopRequested) {
            ghost(false);
            return false;
        }
        try {
            long eip = Integer.toUnsignedLong(readEip());
            if (handler.onTrap(new Trap.InvalidOpcode(eip)) instanceof TrapOutcome.Stop stop) {
                stopAndResumeAt(readEip(), eip, stop.reason());
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
            if (outcome instanceof TrapOutcome.Stop stop && unmapped) {
                // Never stop from here by failing the access. Unicorn ends the run then with
                // cpu_loop_exit and no cpu_restore_state, so EIP is left where the emulator last
                // stored it: the start of the first block of a chain of translated blocks, not
                // this instruction. The next run would execute again everything from there, with
                // registers and memory already changed by the first pass (xv6's memset ran its
                // prologue twice, its stack frame slid by 8 bytes and REP STOSD wrote up to
                // 0x8e000000: the "unexpected trap 14" of DESIGN.md section 17). A stop wanted
                // here (an interrupt became deliverable, a move waits for the CPU) is taken at the
                // next block boundary, where EIP is exact, and the access goes on: to the memory
                // the VMM has just mapped, or, if it mapped nothing (the VM ends), to Unicorn's
                // own error, which ends the run at once as before.
                stopAtNextBlock(stop.reason());
                return true;
            }
            if (outcome instanceof TrapOutcome.Stop stop) {
                keepReason(stop.reason());
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
            if (handler.onTrap(new Trap.WatchedInstruction(address)) instanceof TrapOutcome.Stop stop) {
                stopAndResumeAt(readEip(), address, stop.reason());
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * A new block was translated and is about to run. A stop here is taken by the block-start
     * hook of that very block, before its first instruction: exact, and early enough for the VMM
     * to instrument the block (see {@link Trap.BlockTranslated}).
     */
    void onBlockTranslated(MemorySegment uc, MemorySegment current, MemorySegment previous, MemorySegment userData) {
        // Reported even after a stop was asked for: the block stays in the cache and runs from
        // there on the next run without being reported again, so binary translation would never
        // scan it and the shadow MMU never learn its frame holds code (paging/CodeFrames).
        try {
            MemorySegment tb = current.reinterpret(TB_BYTES);
            long pc = tb.get(ValueLayout.JAVA_LONG, TB_PC);
            int size = Short.toUnsignedInt(tb.get(ValueLayout.JAVA_SHORT, TB_SIZE));
            if (handler.onTrap(new Trap.BlockTranslated(pc, size)) instanceof TrapOutcome.Stop stop && !stopRequested) {
                stopAtNextBlock(stop.reason());
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void stop() {
        stopRequested = true;
        engine.stop();
    }

    private void keepReason(StopReason reason) {
        if (stopReason == null || stopReason.weak()) {
            stopReason = reason;
        }
    }

    /**
     * Stops before the next block starts: the exact way to stop from the middle of one. The rest
     * of this block still runs, and its traps are real (the guest executes those instructions),
     * so they are handled as usual; the first reason given is the one the run reports.
     */
    /**
     * Lets the block the guest resumes in run, and stops before the one after it: "after at least
     * one more instruction", where the interrupt shadow of STI ends (SDM Vol. 2, STI). The block
     * stub stops by its count (see {@link BlockBoundaryStop#stopAtCount}); the run puts the count
     * back when it ends ({@link #windowStopArmed}).
     */
    private void stopAfterNextBlock(StopReason reason) {
        keepReason(reason);
        windowStopArmed = true;
        long next = boundary.count() + 1, standing = boundary.stopAt();
        if (standing == BlockBoundaryStop.NEVER || standing < boundary.count() || standing > next) {
            boundary.stopAtCount(next); // a replay's stop that comes first stays as it is
        }
    }

    private void stopAtNextBlock(StopReason reason) {
        keepReason(reason);
        boundary.request();
    }

    /**
     * Stops, and makes sure the guest resumes at {@code eip} next time. Unicorn treats an EIP
     * written inside a hook as "restart there" and cancels a stop requested in the same hook: the
     * CPU would run on from the new EIP, with real effects, until it trapped again. So we point
     * EIP back at the instruction that trapped, which traps again at once and changes nothing
     * (that second trap is a {@link #ghost}, ignored), and put the chosen EIP in place once
     * {@code uc_emu_start} has returned.
     */
    /**
     * As {@link #stopAndResumeAt}, from the interrupt hook, which Unicorn calls between blocks:
     * there EIP is written in place, which leaves the stop standing, so the CPU stops before it
     * runs anything. Through the register API, Unicorn 2.0.1 treats a new EIP as "quit this block
     * and go on from there" and cancels the stop ({@code uc->quit_request} resets
     * {@code stop_request} in {@code cpus.c}): the trapping instruction then ran once more,
     * natively, and only its faulting again (a ghost) ended the run. Most emulated instructions
     * do fault again, but not all: an IRET the VMM emulated had already popped its frame, and
     * xv6's next words on the stack made a valid same-level IRET that loaded them into EFLAGS,
     * virtual-8086 mode and IOPL 3 included.
     */
    private void stopBetweenBlocks(int eip, long trappingInstruction, StopReason reason) {
        if (live == null) {
            stopAndResumeAt(eip, trappingInstruction, reason);
            return;
        }
        keepReason(reason);
        resumeEip = Integer.toUnsignedLong(eip);
        live.setEip((int) trappingInstruction);
        stop();
    }

    private void stopAndResumeAt(int eip, long trappingInstruction, StopReason reason) {
        keepReason(reason);
        resumeEip = Integer.toUnsignedLong(eip);
        if (resumeEip != trappingInstruction) {
            engine.writeRegister(EIP, trappingInstruction);
        }
        stop();
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
