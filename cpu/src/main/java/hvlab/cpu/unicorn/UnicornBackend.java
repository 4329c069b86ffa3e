package hvlab.cpu.unicorn;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.CpuException;
import hvlab.cpu.FpuState;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.RunResult;
import hvlab.cpu.TableRegister;
import hvlab.cpu.TrapHandler;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static hvlab.cpu.unicorn.UnicornConstants.*;

/**
 * A {@link CpuBackend} on the Unicorn emulator (QEMU's TCG underneath), 32-bit x86.
 *
 * <p>Unicorn calls our hooks from inside {@code uc_emu_start} ({@link UnicornTrapHooks}); each
 * turns what happened into a trap for the VMM. Time slices and stop requests from other threads
 * end a run through {@link BlockBoundaryStop}, at the start of the next translated block, which
 * is an exact instruction boundary: a guest can be stopped at any moment, whatever it is
 * doing, and resumed (or saved) as if nothing had happened.
 */
public final class UnicornBackend implements CpuBackend {
    /** An address 32-bit code can never reach, so {@code uc_emu_start} runs until stopped. */
    private static final long NEVER = -1L;

    private static final int EIP = NativeRegisterNumbers.numberOf(Register.EIP);

    private final UnicornEngine engine = new UnicornEngine();
    /** The CPU state in Unicorn's memory, or null where this library build hides it: then every access is a call. */
    private final LiveCpuState live = LiveCpuState.locate(engine);
    private final ExceptionLatchWorkaround latch = new ExceptionLatchWorkaround(engine, live);
    private final BlockBoundaryStop boundary = new BlockBoundaryStop(engine);
    private final UnicornTrapHooks hooks = new UnicornTrapHooks(engine, live, latch, boundary);
    private final Map<Long, Long> watchHooks = new HashMap<>();
    private final AnsweredReads answeredReads = new AnsweredReads(engine, hooks.mmioReadHook());

    {
        if (TRANSLATES) {
            StoreCheckPatch.keepEveryStoreChecked(engine);
        }
    }
    private final Map<Long, MemorySegment> pointerMappings = new HashMap<>();
    private static final int EFLAGS_VM = 1 << 17;
    private volatile boolean externalStop;
    private volatile boolean sliceUsedUp;
    private long translationHook = -1;
    private volatile boolean closed;
    /** Single-step mode ({@link #setSingleStep}): each run executes at most one instruction. */
    private boolean singleStep;
    /**
     * True while Unicorn's count hook has been installed since the last run without it: every
     * translation made since then calls it, and consecutive steps need not drop them again.
     */
    private boolean countedTranslations;

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

    @Override
    public void mapDevice(long address, long size, long deviceAddress) {
        if ((address & 0xFFF) != 0 || (deviceAddress & 0xFFF) != 0 || size <= 0 || (size & 0xFFF) != 0) {
            throw new IllegalArgumentException(String.format("device memory must be whole 4 KiB pages: %#x, %d bytes", address, size));
        }
        // The device address travels as the callbacks' user data, so one pair of stubs serves every
        // range; reads go through the answered-read stub first (AnsweredReads).
        MemorySegment base = MemorySegment.ofAddress(deviceAddress);
        engine.mapIo(address, size, AnsweredReads.callback(), answeredReads.mapping(deviceAddress), hooks.mmioWriteHook(), base);
    }

    @Override
    public void answerReads(long deviceAddress, int value) {
        answeredReads.answer(deviceAddress, value);
    }

    @Override
    public long readsAnswered() {
        return answeredReads.answered();
    }

    private static final int CR0_PG = 1 << 31;
    /** Is real paging on (CR0.PG as last written)? Kept here so the trap path need not read CR0. */
    private boolean paging;
    /** Translated code the VMM overwrote with paging on: all of it is dropped before the next run. */
    private boolean translationsStale;

    @Override
    public void unmap(long address, long size) {
        engine.unmap(address, size);
        pointerMappings.remove(address);
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
        if (live != null && register.ordinal() <= Register.EDI.ordinal()) {
            return live.general(register.ordinal()); // EAX..EDI: the hardware's order, as QEMU's regs[]
        }
        if (register == Register.EIP && live != null) {
            return live.eip();
        }
        return (int) engine.readRegister(NativeRegisterNumbers.numberOf(register));
    }

    @Override
    public int readSystemFlags() {
        return live != null ? live.systemFlags() : CpuBackend.super.readSystemFlags();
    }

    /**
     * Writes a register. The eight general registers go straight into the live state, as
     * {@code uc_reg_write} would put them. EIP written from the interrupt hook (a #GP the VMM emulated, a hypercall)
     * goes straight into the live state: the CPU is between blocks and fetches its next one from
     * there. Through {@code uc_reg_write} it would also make Unicorn leave its execution loop and
     * come back in, a good part of the price of a trap, for nothing.
     */
    @Override
    public void write(Register register, int value) {
        if (live != null && register.ordinal() <= Register.EDI.ordinal()) {
            live.setGeneral(register.ordinal(), value); // what uc_reg_write does for these, without the call
            return;
        }
        if (register == Register.EIP && live != null && hooks.inInterruptHook) {
            live.setEip(value);
            return;
        }
        if (register == Register.CR0) {
            paging = (value & CR0_PG) != 0; // only this write changes the real CR0: a guest's MOV CR0 traps
        }
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
    public FpuState readFpu() {
        byte[] x87 = new byte[FpuState.X87_BYTES];
        byte[] sse = new byte[FpuState.SSE_BYTES];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(engine.readWide(UC_X86_REG_FP0 + i, 10), 0, x87, i * 10, 10);
            System.arraycopy(engine.readWide(UC_X86_REG_XMM0 + i, 16), 0, sse, i * 16, 16);
        }
        return new FpuState(x87, sse, (int) engine.readRegister(UC_X86_REG_FPCW) & 0xFFFF,
                (int) engine.readRegister(UC_X86_REG_FPSW) & 0xFFFF, (int) engine.readRegister(UC_X86_REG_FPTAG) & 0xFFFF,
                (int) engine.readRegister(UC_X86_REG_MXCSR));
    }

    @Override
    public void writeFpu(FpuState state) {
        byte[] x87 = state.x87();
        byte[] sse = state.sse();
        for (int i = 0; i < 8; i++) {
            engine.writeWide(UC_X86_REG_FP0 + i, java.util.Arrays.copyOfRange(x87, i * 10, i * 10 + 10));
            engine.writeWide(UC_X86_REG_XMM0 + i, java.util.Arrays.copyOfRange(sse, i * 16, i * 16 + 16));
        }
        engine.writeRegister(UC_X86_REG_FPCW, state.control());
        engine.writeRegister(UC_X86_REG_FPSW, state.status());
        engine.writeRegister(UC_X86_REG_FPTAG, state.tag());
        engine.writeRegister(UC_X86_REG_MXCSR, Integer.toUnsignedLong(state.mxcsr()));
    }

    @Override
    public void invalidateTranslations(long address, long length) {
        if (length <= 0) {
            return;
        }
        if (paging) {
            // Unicorn 2.0.1 takes the range as linear and walks the page tables for it (a page not
            // mapped there raises a #PF it swallows, setting QEMU's exception latch, #1883). The
            // VMM's addresses are physical, so every translation must go; but a flush inside a hook
            // frees the block that is running (the JVM dies), so stop at the next block boundary
            // and flush before the next run.
            translationsStale = true;
            if (!closed) {
                boundary.request();
            }
            return;
        }
        engine.removeTranslationCache(address, address + length);
    }

    /** Reads memory through the CPU's view of physical memory; for the cpu module's own tests only. */
    byte[] readMemory(long address, int length) {
        return engine.readMemory(address, length);
    }

    @Override
    public boolean pageWalkTranslates() {
        return TRANSLATES;
    }

    /** Unicorn 2.1 dropped 2.0.1's "identity map guest virtual address" in the x86 page walk (excp_helper.c). */
    private static final boolean TRANSLATES = UnicornEngine.VERSION_2_1;

    /** How this process keeps every store checked for code on Unicorn 2.1 (DESIGN.md section 18), as a person reads it. */
    public static String storeCheck() {
        return TRANSLATES ? StoreCheckPatch.how() : "Unicorn " + UnicornEngine.version() + " checks every store itself";
    }

    @Override
    public void setTrapHandler(TrapHandler handler) {
        hooks.handler = handler;
    }

    /**
     * Runs the guest until the trap handler stops it, the slice is used up or a stop is
     * requested. The slice timer and {@link #requestStop} only raise the flag of
     * {@link BlockBoundaryStop}; the CPU stops itself before the next block, at an exact boundary.
     */
    @Override
    public RunResult run(long eip, Duration slice) {
        hooks.beginRun();
        sliceUsedUp = false;
        // A flag left over from a timer that fired after the last run ended must not cut this
        // one short; a stop request made since then must, so it is raised again.
        boundary.clear();
        if (externalStop) {
            // Stopped before the first instruction: the CPU stands where it was to start, as after a
            // stop at a block boundary. Without this, EIP kept whatever it held before (0 on a
            // fresh engine), and a VMM asking "has the guest left the boot trampoline yet?" was told
            // yes while the CPU had never run.
            write(Register.EIP, (int) (eip - codeSegmentBase()));
            externalStop = false;
            return RunResult.requested();
        }
        long deadline = slice.isZero() ? 0 : System.nanoTime() + slice.toNanos();
        SliceTimer.Ticket ticket = deadline == 0 ? null : SliceTimer.at(deadline, () -> {
            sliceUsedUp = true;
            boundary.request();
        });
        long start = eip;
        dropStaleTranslations();
        try {
            while (true) {
                hooks.resumeAfterInvalidOpcode = false;
                boundary.forgetTaken();
                countedTranslations = singleStep; // a start with count 0 removes the count hook
                int error = engine.start(start, NEVER, 0, singleStep ? 1 : 0);
                if (hooks.windowStopArmed) {
                    hooks.windowStopArmed = false;
                    boundary.stopAtCount(replayStopAt);
                }
                if (error == AbortGuard.ABORTED) {
                    hooks.resumeEip = -1;
                    return RunResult.cpuError("Unicorn aborted while translating the guest's code (an emulator bug that "
                            + "a real CPU answers with #UD); this CPU cannot run again");
                }
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
                } else if (boundary.takenAt() >= 0) {
                    // Stopped before a block's first instruction: that is where EIP belongs,
                    // whatever Unicorn left in it (see BlockBoundaryStop).
                    write(Register.EIP, (int) (boundary.takenAt() - codeSegmentBase()));
                }
                if (translationsStale) {
                    dropStaleTranslations();
                    if (hooks.stopReason == null && !externalStop && !sliceUsedUp && error == UC_ERR_OK) {
                        start = Integer.toUnsignedLong(read(Register.EIP)); // stopped only to flush: go on
                        continue;
                    }
                }
                if (hooks.stopReason != null) {
                    return RunResult.stopped(hooks.stopReason);
                }
                if (externalStop) {
                    externalStop = false;
                    return RunResult.requested();
                }
                if (hooks.resumeAfterInvalidOpcode && !sliceUsedUp && !singleStep) {
                    // Unicorn halts the CPU after an invalid-opcode hook even when it returns true;
                    // the VMM has set EIP (a precise boundary), so carry on from there.
                    start = Integer.toUnsignedLong(read(Register.EIP));
                    continue;
                }
                if (error != UC_ERR_OK) {
                    return RunResult.cpuError(UnicornEngine.describe(error));
                }
                return RunResult.sliceEnded();
            }
        } finally {
            if (ticket != null) {
                ticket.cancel();
            }
        }
    }

    /** Drops all translated code if the VMM overwrote some while paging was on; only between runs. */
    private void dropStaleTranslations() {
        if (translationsStale) {
            translationsStale = false;
            engine.flushTranslationCache();
        }
    }

    /**
     * The base of the code segment the CPU runs in (a block's address is linear, EIP is an offset
     * in CS): CS * 16 in virtual-8086 mode, else the base of the descriptor CS names in the GDT
     * the CPU uses. Read at a block boundary, where EFLAGS is up to date.
     */
    private long codeSegmentBase() {
        int cs = read(Register.CS) & 0xFFFF;
        if ((read(Register.EFLAGS) & EFLAGS_VM) != 0) {
            return (long) cs << 4;
        }
        TableRegister.Value gdt = read(TableRegister.GDTR);
        if ((cs & ~3) == 0 || (cs & 4) != 0 || (cs | 7) > gdt.limit()) {
            return 0;
        }
        byte[] d = engine.readMemory(gdt.base() + (cs & ~7), 8);
        return (d[2] & 0xFFL) | (d[3] & 0xFFL) << 8 | (d[4] & 0xFFL) << 16 | (d[7] & 0xFFL) << 24;
    }

    @Override
    public long blocksRun() {
        return boundary.count();
    }

    @Override
    public void stopAtBlocksRun(long blocks) {
        replayStopAt = blocks < 0 ? BlockBoundaryStop.NEVER : blocks;
        boundary.stopAtCount(replayStopAt);
    }

    /** The block count a replay asked to stop at ({@link #stopAtBlocksRun}), kept across the VMM's own stops by count. */
    private long replayStopAt = BlockBoundaryStop.NEVER;

    @Override
    public void requestStop() {
        externalStop = true;
        if (!closed) {
            try {
                boundary.request();
            } catch (IllegalStateException closedMeanwhile) {
                // the engine was closed between the check and the request: nothing left to stop
            }
        }
    }

    /**
     * Unicorn's count ({@code uc_emu_start}'s last argument) is a code hook on every instruction;
     * code translated before it was added would not call it, so turning the mode on drops the
     * translations of everything mapped. Range by range, not with a flush of the whole cache,
     * which Unicorn 2.0.1 makes cost 0.1 to 6 s (measured here); with paging on, ranges are
     * linear and the whole cache is flushed, as {@link #invalidateTranslations} does. Turning the
     * mode off lets the next run remove the hook (a start with count 0); steps with no such run in
     * between (gdb's {@code next} is many of them) drop nothing.
     */
    @Override
    public void setSingleStep(boolean on) {
        if (on && !singleStep && !countedTranslations) {
            if (paging) {
                engine.flushTranslationCache();
            } else {
                for (Map.Entry<Long, MemorySegment> mapping : pointerMappings.entrySet()) {
                    engine.removeTranslationCache(mapping.getKey(), mapping.getKey() + mapping.getValue().byteSize());
                }
            }
        }
        singleStep = on;
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
    public void watchTranslations(long begin, long end) {
        if (translationHook >= 0) {
            engine.deleteHook(translationHook);
        }
        translationHook = engine.addHook(UC_HOOK_EDGE_GENERATED, hooks.translationHook(), begin, end - 1, 0);
        // Blocks translated before now are not reported: call this before the guest first runs.
        // (Flushing the translation cache here would make up for it, but Unicorn 2.0.1 takes
        // tenths of a second to flush even an empty cache, on every call.)
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            boundary.close();
            latch.free();
            engine.close();
        }
    }
}
