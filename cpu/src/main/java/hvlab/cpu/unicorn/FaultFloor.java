package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Register;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The floor under every trap-and-emulate round trip: a bare engine at CPL 0 whose code faults
 * again and again, and an interrupt hook that does only what resuming needs. Unicorn leaves the
 * translated code with a {@code longjmp}, calls the hook (an FFM upcall into Java), and the hook
 * moves EIP past the faulting instruction and clears the #1883 latch, nothing else: no decode,
 * no emulation, no checks. What the VMM adds to a #GP is the difference between its trap and this.
 *
 * <p>Two ways to do the minimum, to show what each costs:
 * <ul>
 *   <li>{@link Way#IN_PLACE}: EIP read and written, and the latch cleared, in Unicorn's live CPU
 *       state ({@link LiveCpuState}), as the VMM does;</li>
 *   <li>{@link Way#REGISTER_API}: the public API only: {@code uc_reg_read}/{@code uc_reg_write} for
 *       EIP (the write makes Unicorn leave its loop and come back in) and a context saved and
 *       restored around the latch, as the VMM did before.</li>
 * </ul>
 * For the benchmarks (B03); one thread drives it.
 */
public final class FaultFloor implements AutoCloseable {
    private static final int EIP = NativeRegisterNumbers.numberOf(Register.EIP);
    private static final long NEVER = -1L;

    /** How the hook resumes the guest. */
    public enum Way { IN_PLACE, REGISTER_API }

    private final UnicornEngine engine = new UnicornEngine();
    private final LiveCpuState live;
    private final ExceptionLatchWorkaround latch;
    private final int instructionBytes;
    private long faults;
    private int lastVector = -1;

    /**
     * @param instructionBytes the length of the faulting instruction, which the hook skips (the
     *                         guest uses one kind only: there is nothing to decode)
     */
    public FaultFloor(Way way, int instructionBytes) {
        this.instructionBytes = instructionBytes;
        LiveCpuState found = LiveCpuState.locate(engine);
        if (way == Way.IN_PLACE && found == null) {
            engine.close();
            throw new IllegalStateException("this libunicorn's live CPU state was not found: only the register API works here");
        }
        this.live = way == Way.IN_PLACE ? found : null;
        this.latch = new ExceptionLatchWorkaround(engine, live);
        var target = MethodHandles.lookup();
        engine.addHook(UnicornConstants.UC_HOOK_INTR, engine.upcall(target, this, "onFault",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS)), 1, 0, 0);
    }

    /** Makes {@code memory} appear at physical address 0, readable, writable and executable. */
    public void map(GuestMemory memory) {
        engine.mapPointer(0, memory.size(), UnicornConstants.UC_PROT_READ | UnicornConstants.UC_PROT_WRITE | UnicornConstants.UC_PROT_EXEC, memory.segment());
    }

    public void write(Register register, int value) {
        engine.writeRegister(NativeRegisterNumbers.numberOf(register), Integer.toUnsignedLong(value));
    }

    /** Runs from {@code eip} until the code executes HLT; returns how many faults the hook resumed. */
    public long runUntilHalt(long eip) {
        faults = 0;
        int error = engine.start(eip, NEVER, 0);
        if (error != UnicornConstants.UC_ERR_OK) {
            throw new UnicornException("uc_emu_start", error);
        }
        return faults;
    }

    /** The vector of the last fault (13, #GP, unless the latch was not cleared). */
    public int lastVector() {
        return lastVector;
    }

    private void onFault(MemorySegment uc, int vector, MemorySegment userData) {
        faults++;
        lastVector = vector;
        try {
            latch.clearLatch();
            if (live != null) {
                live.setEip(live.eip() + instructionBytes);
            } else {
                engine.writeRegister(EIP, engine.readRegister(EIP) + instructionBytes);
            }
        } catch (RuntimeException e) {
            lastVector = -2; // nothing may escape an upcall (it would end the JVM): stop, and let the run say so
            engine.stop();
        }
    }

    @Override
    public void close() {
        latch.free();
        engine.close();
    }
}
