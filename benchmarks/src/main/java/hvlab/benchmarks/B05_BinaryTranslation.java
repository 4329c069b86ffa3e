package hvlab.benchmarks;

import hvlab.cpu.Disassembler;
import hvlab.cpu.capstone.CapstoneDisassembler;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmResult;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.bt.BinaryTranslator;
import hvlab.vmm.image.GuestImageException;
import hvlab.vmm.image.GuestImages;
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

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

/**
 * What does binary translation cost? Once, when the VMM scans the guest's code; and then,
 * ideally, nothing at all while the guest runs.
 *
 * <p>In {@code --mode bt} the VMM sweeps the guest image with Capstone at boot
 * ({@link BinaryTranslator#findSites}), records every sensitive-but-unprivileged instruction
 * (SIDT, PUSHF, MOV from SS, ...) in a side table, and asks Unicorn to stop just before each one
 * so it can emulate it. Two questions, two kinds of benchmark:
 * <ul>
 *   <li>{@link #scan}: how fast is the sweep? The code is every built-in guest's image, end to
 *       end, repeated up to {@value #CODE_KIB} KiB: real hvlab code, with the strings, tables and
 *       padding real kernels carry between their functions (the sweep skips what does not
 *       decode and resynchronises). Each invocation scans it with a fresh translator, so every
 *       site is new and recorded, as at a VM's boot. Each JMH operation is one KiB, so the score
 *       reads as microseconds per KiB; multiply by a kernel's size to see what translating it up
 *       front would cost. Every call crosses into Capstone through FFM once per 4 KiB window and
 *       builds a Java object per instruction: this is the price of a decoder, paid once.</li>
 *   <li>{@link #translated} against {@link #trapAndEmulate}: {@code bench_alu}, the loop of
 *       {@link B01_GuestMips}, run in {@code bt} mode and in {@code trap} mode, one after the other.
 *       The loop holds no sensitive instruction, so the translator finds no site and watches
 *       nothing, and Unicorn runs the loop exactly as in trap mode. The ratio bt / trap should be
 *       1 (goal: at least 0.95). It is the point of watching single instructions instead of whole
 *       ranges: a code hook over a range costs on every instruction in it (DESIGN.md section 3
 *       measured 1,000 times slower), one on an address costs nothing anywhere else. VMware's
 *       translator reached the same place the other way round: most guest instructions are
 *       copied into the translation cache unchanged (Adams and Agesen, ASPLOS 2006).</li>
 * </ul>
 * The guest speed runs are as in {@link B01_GuestMips}: a fresh VM for every invocation, built
 * outside the measured time; the boot scan of the (tiny) image is inside it, as in a real run.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B05_BinaryTranslation {
    /** Size of the code buffer {@link #scan} sweeps, in KiB: one JMH operation each. */
    static final int CODE_KIB = 64;

    /** The guest speed runs: one JMH operation per guest instruction, as in {@link B01_GuestMips}. */
    static final int INSTRUCTIONS = B01_GuestMips.INSTRUCTIONS;

    /** Every built-in guest image end to end, repeated until it fills exactly {@code kib} KiB. */
    static byte[] builtInCode(int kib) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String name : GuestImages.builtInNames()) {
            try {
                all.writeBytes(GuestImages.resolve(name).code());
            } catch (GuestImageException e) {
                throw new IllegalStateException("built-in guest " + name + " does not load: " + e.getMessage(), e);
            }
        }
        byte[] images = all.toByteArray();
        if (images.length == 0) {
            throw new IllegalStateException("no built-in guests: is the guests module on the class path?");
        }
        byte[] code = new byte[kib * 1024];
        for (int offset = 0; offset < code.length; offset += images.length) {
            System.arraycopy(images, 0, code, offset, Math.min(images.length, code.length - offset));
        }
        return code;
    }

    /** The code to scan and a disassembler for the whole trial; a fresh translator (empty side table) for every scan. */
    @State(Scope.Thread)
    public static class Scan {
        final byte[] code = builtInCode(CODE_KIB);
        Disassembler disassembler;
        /** How many sites one scan of {@link #code} finds: every scan must find the same. */
        int expectedSites;
        BinaryTranslator translator;

        @Setup(Level.Trial)
        public void open() {
            disassembler = new CapstoneDisassembler();
            expectedSites = newTranslator().findSites(code, BootLayout.GUEST_LOAD_ADDRESS).size();
            if (expectedSites == 0) {
                throw new IllegalStateException("the built-in guests hold no sensitive instruction: the scan would find nothing to translate");
            }
        }

        @Setup(Level.Invocation)
        public void reset() {
            translator = newTranslator();
        }

        @TearDown(Level.Trial)
        public void close() {
            disassembler.close();
        }

        private BinaryTranslator newTranslator() {
            return new BinaryTranslator(new VirtualCpu(), disassembler);
        }
    }

    /** A VM with {@code bench_alu} loaded, binary translation on, fresh for every run. */
    @State(Scope.Thread)
    public static class Translated extends FreshVm {
        public Translated() {
            super(B01_GuestMips.image(), ExecutionMode.BT);
        }
    }

    /** A VM with {@code bench_alu} loaded, plain trap-and-emulate, fresh for every run. */
    @State(Scope.Thread)
    public static class Trapped extends FreshVm {
        public Trapped() {
            super(B01_GuestMips.image(), ExecutionMode.TRAP);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(CODE_KIB)
    public int scan(Scan state) {
        int sites = state.translator.findSites(state.code, BootLayout.GUEST_LOAD_ADDRESS).size();
        if (sites != state.expectedSites) {
            throw new IllegalStateException("the scan found " + sites + " sensitive instructions, expected " + state.expectedSites);
        }
        return sites;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(INSTRUCTIONS)
    public VmResult translated(Translated state) {
        VmResult result = BenchGuest.runToHalt(state.vm);
        if (result.translatedSites() != 0) {
            throw new IllegalStateException("bench_alu should hold no sensitive instruction, the translator watched "
                    + result.translatedSites());
        }
        return result;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(INSTRUCTIONS)
    public VmResult trapAndEmulate(Trapped state) {
        return BenchGuest.runToHalt(state.vm);
    }
}
