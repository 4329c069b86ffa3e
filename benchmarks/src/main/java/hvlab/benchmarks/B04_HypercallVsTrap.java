package hvlab.benchmarks;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.VmResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The classic comparison: the same guest work done by trap-and-emulate and by paravirtualization.
 *
 * <p>The work is a guest kernel turning interrupts off and on again, 200,000 times: what every
 * spinlock taken with interrupts disabled does. Two guests do it, 8 pairs per loop iteration,
 * 16 operations, so the loop's own DEC and JNZ hardly count:
 * <ul>
 *   <li>{@link #trapAndEmulate}: {@code bench_cli} in {@code --mode trap}, an unmodified kernel.
 *       Each CLI and STI raises #GP at CPL 3; the VMM reads EIP, decodes the bytes there with
 *       Capstone, emulates the instruction on the virtual CPU, moves EIP on, and clears
 *       Unicorn's "exception in flight" latch (bug #1883) with a CPU context save and restore.
 *       This is {@link B03_PrivilegedTrap#vmm} again, measured here next to its rival so that
 *       the ratio compares two runs made back to back.</li>
 *   <li>{@link #hypercall}: {@code bench_pv} in {@code --mode paravirt}, a kernel rewritten to
 *       ask: {@code int 0x82} with EAX = 4 (clear_if) or 3 (set_if). The VMM's interrupt hook
 *       sees vector 0x82 with EIP already past the INT, the call number is in a register, and
 *       there is nothing to decode and no fault to clean up after. It looks the call up in the
 *       hypercall table, swaps the virtual IF, writes the old value to EAX and resumes.</li>
 * </ul>
 * Each JMH operation is one CLI, STI or hypercall, so the scores are nanoseconds per operation
 * and the ratio trap / hypercall says how many times dearer the unmodified kernel's way is. This
 * is the argument of Xen (Barham et al., SOSP 2003): change the guest a little and the VMM's
 * most frequent exits become cheap. Xen goes further still for this particular pair, with the
 * flag in memory shared with the hypervisor and no exit at all; a VMM with VT-x has neither
 * decode nor fault to clean up, but pays a VM exit of about a microsecond for each CLI it
 * intercepts.
 *
 * <p>A fresh machine is built for every invocation (outside the measured time). Each run checks
 * its ending and its trap counters, so a guest that found no hypervisor interface, or an
 * operation that went the wrong way, cannot pass for a fast one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(B04_HypercallVsTrap.OPERATIONS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B04_HypercallVsTrap {
    static final String TRAP_GUEST = B03_PrivilegedTrap.GUEST;
    static final String PARAVIRT_GUEST = "bench_pv";
    static final int ITERATIONS = 25_000;
    /** Eight pairs: CLI and STI, or clear_if and set_if. */
    static final int OPERATIONS_PER_ITERATION = 16;
    /** Interrupt-flag changes per run, either way: one JMH operation each. */
    static final int OPERATIONS = ITERATIONS * OPERATIONS_PER_ITERATION;

    /** A VM running the unmodified kernel by trap-and-emulate, fresh for every run. */
    @State(Scope.Thread)
    public static class Trap extends FreshVm {
        public Trap() {
            super(BenchGuest.load(TRAP_GUEST, ITERATIONS, OPERATIONS_PER_ITERATION), ExecutionMode.TRAP);
        }
    }

    /** A VM running the paravirtual kernel, fresh for every run. */
    @State(Scope.Thread)
    public static class Paravirt extends FreshVm {
        public Paravirt() {
            super(BenchGuest.load(PARAVIRT_GUEST, ITERATIONS, OPERATIONS_PER_ITERATION), ExecutionMode.PARAVIRT);
        }
    }

    @Benchmark
    public VmResult trapAndEmulate(Trap state) {
        VmResult result = BenchGuest.runToHalt(state.vm);
        // The loop's CLI/STI, plus the final CLI and HLT.
        if (result.traps(TrapKind.PRIVILEGED) != OPERATIONS + 2) {
            throw new IllegalStateException("the VMM emulated " + result.traps(TrapKind.PRIVILEGED)
                    + " privileged instructions, expected " + (OPERATIONS + 2));
        }
        return result;
    }

    @Benchmark
    public VmResult hypercall(Paravirt state) {
        VmResult result = BenchGuest.runToShutdown(state.vm);
        // The loop's clear_if/set_if, plus the version probe and the shutdown; and no #GP at all.
        if (result.traps(TrapKind.HYPERCALL) != OPERATIONS + 2 || result.traps(TrapKind.PRIVILEGED) != 0) {
            throw new IllegalStateException("the VMM served " + result.traps(TrapKind.HYPERCALL) + " hypercalls and "
                    + result.traps(TrapKind.PRIVILEGED) + " privileged instructions, expected " + (OPERATIONS + 2) + " and 0");
        }
        if (!state.vm.virtualCpu().interruptsEnabled()) {
            throw new IllegalStateException("the guest's last set_if did not leave the virtual IF set");
        }
        return result;
    }
}
