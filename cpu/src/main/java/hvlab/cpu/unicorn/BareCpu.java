package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.NativeLibraries;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;

import static hvlab.cpu.unicorn.UnicornConstants.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A bare x86 CPU: Unicorn in 32-bit protected mode at CPL 0, with no VMM around it, no trap
 * handler and, unless asked for, not a single hook. It answers two questions:
 * <ul>
 *   <li><b>What does the emulator cost by itself?</b> The benchmarks run a guest here and under
 *       the VMM; the difference is what the VMM adds.</li>
 *   <li><b>What would a real CPU have done?</b> For differential tests: run the same code here
 *       (CPL 0, privileged instructions simply work) and under the VMM (CPL 3, they trap and are
 *       emulated), then compare registers and memory. Each difference is a bug in the VMM, or a
 *       way for the guest to notice it is virtualized.</li>
 * </ul>
 *
 * <p>A fresh engine is in protected mode (CR0.PE = 1) at CPL 0 with no GDT; its segment
 * registers hold flat 4 GiB segments with base 0, so code runs as soon as memory is mapped.
 * Load a GDT and selectors with {@link #write(TableRegister, TableRegister.Value)} and
 * {@link #write(Register, int)} if the code needs real descriptors.
 *
 * <p>What ends {@link #run}: execution reaching the {@code until} address, HLT (at CPL 0 the
 * emulator simply stops, with EIP past the HLT), the timeout, {@link #requestStop()} from another
 * thread, or an error the emulator reports, such as an access to unmapped memory or an exception
 * (INT n, #GP, #UD) that nothing handles: there is no IDT delivery on a bare CPU.
 *
 * <p>Preemption: by default {@link #requestStop()} is Unicorn's plain {@code uc_emu_stop}, which is
 * not exact (see {@link BlockBoundaryStop}). {@link #armPreemption()} installs the VMM's own
 * exact stop, the native block-start hook, and {@link #runSlice} then runs in time slices the
 * way {@link UnicornBackend} runs a guest. It exists so that a benchmark can measure what that
 * machinery costs with nothing else of the VMM around it (B06 in the benchmarks module).
 *
 * <p>One thread drives a {@code BareCpu}; only {@link #requestStop()} may be called from another.
 */
public final class BareCpu implements AutoCloseable {

    /** Receives each {@code out} the guest executes (see {@link #onPortOut}). */
    @FunctionalInterface
    public interface PortOutListener {
        /** A listener that does nothing: what is left is the bare cost of a trip from guest code into Java and back. */
        PortOutListener IGNORE = (port, size, value) -> { };

        void portOut(int port, int size, int value);
    }

    /** Answers each {@code in} the guest executes (see {@link #onPortIn}). */
    @FunctionalInterface
    public interface PortInListener {
        /** Every port reads as all ones, as an unclaimed port on a PC bus does. */
        PortInListener ALL_ONES = (port, size) -> 0xFFFFFFFF;

        int portIn(int port, int size);
    }

    /** How a {@link #run} ended, what EIP was then and how long the CPU ran. */
    public record Run(Ending ending, long eip, long nanos, String detail) {
        public enum Ending {
            /** Execution arrived at the {@code until} address (which did not run). */
            REACHED_UNTIL,
            /** The code executed HLT; {@code eip} is just past it. */
            HALTED,
            /** The timeout given to {@link #run} passed first. */
            TIMED_OUT,
            /** {@link #requestStop()} was called, or a port listener threw (rethrown from {@code run}). */
            STOPPED,
            /** The emulator gave up: {@code detail} says why (unmapped memory, an unhandled exception, ...). */
            CPU_ERROR
        }

        public double seconds() {
            return nanos / 1e9;
        }
    }

    /** An address 32-bit code never reaches: {@code uc_emu_start} then runs until something else ends it. */
    private static final long NEVER = -1L;
    private static final int UC_QUERY_TIMEOUT = 4; // uc_query_type: MODE = 1, PAGE_SIZE, ARCH, TIMEOUT
    private static final byte HLT = (byte) 0xF4;

    /** {@code uc_query}, which {@link UnicornLibrary} does not bind: it tells a timeout from a HLT. */
    private static final MethodHandle QUERY = UnicornLibrary.LINKER.downcallHandle(
            NativeLibraries.load("libunicorn.so.2", "libunicorn2").find("uc_query")
                    .orElseThrow(() -> new UnsatisfiedLinkError("libunicorn.so.2 has no uc_query")),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));

    private final UnicornEngine engine = new UnicornEngine();
    private final MemorySegment queryResult = engine.arena().allocate(ValueLayout.JAVA_LONG);
    private PortOutListener outListener;
    private PortInListener inListener;
    private long portWrites;
    private long portReads;
    private volatile boolean stopRequested;
    private Throwable listenerFailure;
    /** The exact stop of {@link #armPreemption()}; null while unarmed. */
    private volatile BlockBoundaryStop boundary;

    /** Unicorn's version as "major.minor". */
    public static String version() {
        return UnicornEngine.version();
    }

    /** Makes {@code memory} appear at physical {@code address} (page aligned); the CPU reads and writes it directly. */
    public void map(long address, GuestMemory memory, Protection protection) {
        engine.mapPointer(address, memory.size(), UnicornEngine.protectionBits(protection), memory.segment());
    }

    public int read(Register register) {
        return (int) engine.readRegister(NativeRegisterNumbers.numberOf(register));
    }

    public void write(Register register, int value) {
        engine.writeRegister(NativeRegisterNumbers.numberOf(register), Integer.toUnsignedLong(value));
    }

    public TableRegister.Value read(TableRegister register) {
        long[] v = engine.readTableRegister(UnicornEngine.tableRegisterId(register));
        return new TableRegister.Value((int) v[0], v[1], (int) v[2], (int) v[3]);
    }

    public void write(TableRegister register, TableRegister.Value value) {
        engine.writeTableRegister(UnicornEngine.tableRegisterId(register), value.selector(), value.base(), value.limit(), value.flags());
    }

    /** Reads memory through the CPU's view of the physical address space (any mapped range). */
    public byte[] readMemory(long address, int length) {
        return engine.readMemory(address, length);
    }

    public void writeMemory(long address, byte[] bytes) {
        engine.writeMemory(address, bytes);
    }

    /**
     * Hooks {@code out}: every OUT the code executes calls {@code listener} from inside the
     * emulator (a {@code UC_HOOK_INSN} hook, an FFM upcall). Without this hook an OUT does
     * nothing at all. May be called once, before the first run.
     */
    public void onPortOut(PortOutListener listener) {
        if (outListener != null) {
            throw new IllegalStateException("the OUT hook is already installed");
        }
        outListener = listener;
        engine.addHook(UC_HOOK_INSN, upcall("portOutHook",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)), 1, 0, UC_X86_INS_OUT);
    }

    /**
     * Hooks {@code in}: every IN the code executes reads what {@code listener} answers. Without
     * this hook an IN reads 0 (so a guest polling a serial port's status would wait forever).
     * May be called once, before the first run.
     */
    public void onPortIn(PortInListener listener) {
        if (inListener != null) {
            throw new IllegalStateException("the IN hook is already installed");
        }
        inListener = listener;
        engine.addHook(UC_HOOK_INSN, upcall("portInHook",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)), 1, 0, UC_X86_INS_IN);
    }

    /** How many OUT instructions the OUT hook has seen (0 without {@link #onPortOut}). */
    public long portWrites() {
        return portWrites;
    }

    /** How many IN instructions the IN hook has seen (0 without {@link #onPortIn}). */
    public long portReads() {
        return portReads;
    }

    /** Runs from {@code eip} until the code executes HLT (or the timeout, {@link Duration#ZERO} meaning none). */
    public Run runUntilHalt(long eip, Duration timeout) {
        return run(eip, NEVER, timeout);
    }

    /**
     * Runs from {@code eip} until execution arrives at {@code until} or the code executes HLT,
     * whichever comes first. {@code timeout} {@link Duration#ZERO} means no limit. Note that any
     * timeout makes Unicorn 2.0 start a watchdog thread for the run, which wakes every 2 µs
     * until the run ends: on a machine with few cores it takes CPU time from the emulation
     * itself. Benchmarks that want the emulator alone pass {@link Duration#ZERO}.
     */
    public Run run(long eip, long until, Duration timeout) {
        return start(eip, until, timeout, 0);
    }

    /**
     * Installs the exact stop the VMM preempts guests with ({@link BlockBoundaryStop}: one
     * {@code UC_HOOK_BLOCK} hook whose callback is a few native instructions). From then on
     * {@link #requestStop()} only raises its flag, and the CPU stops itself before the next block
     * starts, at an exact instruction boundary. Call once, before the first run: a block hook
     * added later would not be called for blocks already translated.
     */
    public void armPreemption() {
        if (boundary != null) {
            throw new IllegalStateException("preemption is already armed");
        }
        boundary = new BlockBoundaryStop(engine);
    }

    /**
     * Runs from {@code eip} until HLT or the end of one time slice, whichever comes first, the way
     * {@link UnicornBackend#run} runs a guest's slice: the process-wide slice timer raises the
     * stop flag at the deadline and the CPU stops at the next block boundary ({@link Run.Ending#STOPPED},
     * {@code eip} where to go on). Needs {@link #armPreemption()}.
     */
    public Run runSlice(long eip, Duration slice) {
        if (boundary == null) {
            throw new IllegalStateException("arm preemption before running in slices");
        }
        if (slice.isZero() || slice.isNegative()) {
            throw new IllegalArgumentException("a time slice must be positive");
        }
        return start(eip, NEVER, Duration.ZERO, slice.toNanos());
    }

    /** One {@code uc_emu_start}; {@code sliceNanos} > 0 arms the slice timer for it. */
    private Run start(long eip, long until, Duration timeout, long sliceNanos) {
        stopRequested = false;
        listenerFailure = null;
        BlockBoundaryStop stop = boundary;
        if (stop != null) {
            stop.clear(); // a request left over from before this run must not end it
            stop.forgetTaken();
        }
        long timeoutMicros = timeout.isZero() ? 0 : Math.max(1, timeout.toNanos() / 1000);
        long started = System.nanoTime();
        SliceTimer.Ticket ticket = sliceNanos > 0 ? SliceTimer.at(started + sliceNanos, this::requestStop) : null;
        int error;
        try {
            error = engine.start(eip, until, timeoutMicros);
        } finally {
            if (ticket != null) {
                ticket.cancel();
            }
        }
        long nanos = System.nanoTime() - started;
        if (listenerFailure != null) {
            Throwable failure = listenerFailure;
            listenerFailure = null;
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
            throw new IllegalStateException("port listener failed", failure);
        }
        long at = Integer.toUnsignedLong(read(Register.EIP));
        if (error != UC_ERR_OK) {
            return new Run(Run.Ending.CPU_ERROR, at, nanos, UnicornEngine.describe(error));
        }
        // Armed, only the stub knows whether it took a stop: it notes the block it stopped
        // before. The request flags say nothing reliable here: the slice timer may fire just as
        // the code halts, and between its two writes (stopRequested, then the stub's flag) this
        // thread would see a request that looks taken and resume past the HLT (seen in CI).
        boolean stopTaken = stop != null ? stop.takenAt() >= 0 : stopRequested;
        if (stop != null && stopTaken) {
            at = stop.takenAt(); // flat segments: the linear address is EIP (see BlockBoundaryStop)
            write(Register.EIP, (int) at);
        }
        if (stopTaken) {
            return new Run(Run.Ending.STOPPED, at, nanos, "");
        }
        if (timedOut()) {
            return new Run(Run.Ending.TIMED_OUT, at, nanos, "");
        }
        if (at == until) {
            return new Run(Run.Ending.REACHED_UNTIL, at, nanos, "");
        }
        if (followsHlt(at)) {
            return new Run(Run.Ending.HALTED, at, nanos, "");
        }
        return new Run(Run.Ending.STOPPED, at, nanos, "the emulator stopped for no reason it reports");
    }

    /**
     * Asks a running CPU to stop soon; {@link #run} then ends with {@link Run.Ending#STOPPED}. Safe
     * from any thread. Armed ({@link #armPreemption()}), the stop is exact: before the next block.
     */
    public void requestStop() {
        stopRequested = true;
        BlockBoundaryStop stop = boundary;
        if (stop != null) {
            stop.request();
        } else {
            engine.stop();
        }
    }

    /**
     * Marks each page of RAM at [0, {@code ramBytes}) the guest stores to, from now on, with a
     * native store hook ({@link PageWriteHook}): a candidate way of finding the pages a snapshot
     * must keep, for the benchmarks that compare it with the others. Call before the first run.
     */
    public PageWriteHook hookPageWrites(long ramBytes) {
        return new PageWriteHook(engine, ramBytes);
    }

    /** Frees the engine; the caller still owns (and closes) the {@link GuestMemory} it mapped. */
    @Override
    public void close() {
        BlockBoundaryStop stop = boundary;
        if (stop != null) {
            stop.close();
        }
        engine.close();
    }

    private boolean followsHlt(long eip) {
        try {
            return eip > 0 && readMemory(eip - 1, 1)[0] == HLT;
        } catch (UnicornException unmapped) {
            return false;
        }
    }

    private boolean timedOut() {
        int error;
        try {
            error = (int) QUERY.invokeExact(engine.handle(), UC_QUERY_TIMEOUT, queryResult);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        UnicornEngine.check("uc_query", error);
        return queryResult.get(ValueLayout.JAVA_LONG, 0) != 0;
    }

    // ---- hooks, called by Unicorn from inside uc_emu_start; nothing may escape them ----

    private void portOutHook(MemorySegment uc, int port, int size, int value, MemorySegment userData) {
        portWrites++;
        try {
            outListener.portOut(port & 0xFFFF, size, value);
        } catch (Throwable t) {
            fail(t);
        }
    }

    private int portInHook(MemorySegment uc, int port, int size, MemorySegment userData) {
        portReads++;
        try {
            return inListener.portIn(port & 0xFFFF, size);
        } catch (Throwable t) {
            fail(t);
            return 0xFFFFFFFF;
        }
    }

    private void fail(Throwable t) {
        if (listenerFailure == null) {
            listenerFailure = t;
        }
        requestStop();
    }

    private MemorySegment upcall(String method, FunctionDescriptor descriptor) {
        return engine.upcall(MethodHandles.lookup(), this, method, descriptor);
    }


}
