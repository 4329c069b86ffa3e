package hvlab.benchmarks;

import hvlab.cpu.unicorn.BareCpu;
import hvlab.vmm.TrapKind;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does one trip from the guest into the VMM and back cost? The cheapest VM exit: OUT.
 *
 * <p>The guest ({@code bench_out.asm}) writes to port 0x80 four million times (16 OUTs per loop
 * iteration, so the loop itself hardly counts). Unicorn does not make OUT fault at CPL 3; it calls
 * the {@code UC_HOOK_INSN} hook for OUT, which is a Java method reached through an FFM upcall
 * stub. Each JMH operation is one OUT, so the score is nanoseconds per trap.
 * <ul>
 *   <li>{@link #bareNoOpUpcall}: a {@link BareCpu} whose OUT hook does nothing (it counts, and calls
 *       {@link BareCpu.PortOutListener#IGNORE}). This is the floor: leaving generated code,
 *       crossing from C into Java and back, with no work done. Nothing the VMM does can be
 *       cheaper.</li>
 *   <li>{@link #vmm}: the full VMM. On top of the floor: a {@code Trap.PortOut} record, the trap
 *       dispatcher's pattern switch, the trap counter, the I/O bus lookup (no device claims 0x80,
 *       so the write is counted and dropped).</li>
 * </ul>
 * The ratio VMM / no-op shows how much of an I/O exit is the VMM's own logic. On hardware with
 * VT-x the floor itself (a VM exit and VM entry) costs on the order of a microsecond, which is why
 * real hypervisors work so hard to avoid exits; in an emulator it is a function call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(B02_PortOutTrap.TRAPS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B02_PortOutTrap {
    static final String GUEST = "bench_out";
    static final int ITERATIONS = 250_000;
    static final int OUTS_PER_ITERATION = 16;
    /** OUT instructions per run: one JMH operation each. */
    static final int TRAPS = ITERATIONS * OUTS_PER_ITERATION;

    static GuestImage image() {
        return BenchGuest.load(GUEST, ITERATIONS, OUTS_PER_ITERATION);
    }

    /** A bare CPU with a no-op OUT hook and the guest loaded, fresh for every run. */
    @State(Scope.Thread)
    public static class Bare {
        private final GuestImage image = image();
        BenchGuest.OnBareCpu machine;

        @Setup(Level.Invocation)
        public void boot() {
            machine = new BenchGuest.OnBareCpu(image);
            machine.cpu.onPortOut(BareCpu.PortOutListener.IGNORE);
        }

        @TearDown(Level.Invocation)
        public void close() {
            long outs = machine.cpu.portWrites();
            machine.close();
            if (outs != TRAPS) {
                throw new IllegalStateException("the OUT hook fired " + outs + " times, expected " + TRAPS);
            }
        }
    }

    /** A VM with the guest loaded, fresh for every run. */
    @State(Scope.Thread)
    public static class Vmm extends FreshVm {
        public Vmm() {
            super(image(), ExecutionMode.TRAP);
        }
    }

    @Benchmark
    public long bareNoOpUpcall(Bare state) {
        return state.machine.runToHalt().nanos();
    }

    @Benchmark
    public VmResult vmm(Vmm state) {
        VmResult result = BenchGuest.runToHalt(state.vm);
        if (result.traps(TrapKind.IO) != TRAPS) {
            throw new IllegalStateException("the VMM saw " + result.traps(TrapKind.IO) + " port writes, expected " + TRAPS);
        }
        return result;
    }
}
