package hvlab.benchmarks;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.Vm;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * What does shadow paging cost? An address-space switch (a CR3 load) followed by {@code pages}
 * fresh pages, with paging on and, as the baseline in the same run, off ({@code bench_paging}).
 *
 * <p>With paging on, each CR3 load traps and drops every shadow entry (the VMM's scheme, see
 * ShadowMmu), and each page touched after it is a hidden page fault: the VMM walks the guest's
 * tables and fills the shadow. The loop's own code and stack pages are refilled too. So
 * <ul>
 *   <li>{@code pages=64}: (on - off) / 64 is the price of one hidden page fault, the CR3 load and
 *       the loop's pages spread over 64;</li>
 *   <li>{@code pages=1}: on - off is the price of an address-space switch as a guest OS makes one
 *       on every process switch: the flush, and refilling the few pages it then needs.</li>
 * </ul>
 * Each JMH operation is one iteration of the guest's loop. Hardware with EPT pays neither: its
 * MMU walks the guest's tables and the host's in one go, with no exit. {@link #steadyState}
 * runs the same loop without CR3 loads: the ratio on / off there is what paging costs a guest
 * that stays in its address space (the shadows warm, every access a TLB hit).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(B13_ShadowPaging.ITERATIONS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B13_ShadowPaging {
    static final String GUEST = "bench_paging";
    static final int ITERATIONS = 2_000;
    private static final int PAGES_OFFSET = 12;
    private static final int PAGING_OFFSET = 16;
    private static final int RELOAD_OFFSET = 20;

    @State(Scope.Thread)
    public static class Machine {
        @Param({"true", "false"})
        public boolean paging;
        @Param({"64", "1"})
        public int pages;
        Vm vm;

        @Setup(Level.Invocation)
        public void boot() {
            vm = machine(paging, pages, true);
        }

        @TearDown(Level.Invocation)
        public void close() {
            vm.close();
        }
    }

    /** The same loop with no CR3 loads: after the first pass every page is shadowed. */
    @State(Scope.Thread)
    public static class Steady {
        @Param({"true", "false"})
        public boolean paging;
        Vm vm;

        @Setup(Level.Invocation)
        public void boot() {
            vm = machine(paging, 64, false);
        }

        @TearDown(Level.Invocation)
        public void close() {
            vm.close();
        }
    }

    static Vm machine(boolean paging, int pages, boolean reload) {
        byte[] code = BenchGuest.load(GUEST, ITERATIONS, 64).code();
        ByteBuffer header = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(PAGES_OFFSET, pages);
        header.putInt(PAGING_OFFSET, paging ? 1 : 0);
        header.putInt(RELOAD_OFFSET, reload ? 1 : 0);
        return BenchGuest.vm(new GuestImage(GUEST, code), ExecutionMode.TRAP);
    }

    /** A paging guest that keeps its address space: the guest's own speed with the shadows warm. */
    @Benchmark
    public VmResult steadyState(Steady steady) {
        return BenchGuest.runToHalt(steady.vm);
    }

    @Benchmark
    public VmResult addressSpaceSwitch(Machine machine) {
        VmResult result = BenchGuest.runToHalt(machine.vm);
        // A refill is a hidden page fault, or an entry kept across the CR3 load and rechecked
        // (paging/ShadowContexts, where the emulator translates or RAM moves).
        long hidden = result.traps(TrapKind.SHADOW_PAGE_FAULT) + machine.vm.mmu().counters().keptEntries();
        if (machine.paging && hidden < (long) ITERATIONS * machine.pages) {
            throw new IllegalStateException("only " + hidden + " hidden page faults for " + ITERATIONS + " CR3 loads of "
                    + machine.pages + " fresh pages each: the guest did not page");
        }
        if (!machine.paging && hidden != 0) {
            throw new IllegalStateException(hidden + " hidden page faults with paging off");
        }
        return result;
    }
}
