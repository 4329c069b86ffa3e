package hvlab.vmm.containment;

import hvlab.cpu.Register;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.console.ConsoleLog;
import hvlab.vmm.image.GuestImage;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Generates hostile guests from a seed and runs them, checking after each that the VMM kept
 * its boundary (paper, IV.C.2 and IV.C.3). The same seed always makes the same guest, so any
 * failure is reproduced by its seed alone: {@code hv fuzz --runs 1 --seed S --mode M}.
 *
 * <p>The invariants, checked after every case:
 * <ul>
 *   <li>the VMM region (real GDT, TSS, trampoline) holds exactly what the VMM put there
 *       ({@link Vm#vmmRegionProblem()}); guest RAM and that region are the only memory the CPU
 *       has mapped, so nothing else outside guest RAM exists to be touched;</li>
 *   <li>the guest never ran at real CPL 0, with IOPL above 0 or in virtual-8086 mode: the VM
 *       checks this after every slice and would end with a "containment:" CPU error;</li>
 *   <li>the VM ended with a defined {@link VmExit}, not an emulator error, within its timeout
 *       (plus a grace for the slice in flight), counted in CPU time of its thread;</li>
 *   <li>the VMM threw nothing (and the JVM is alive: a crash ends the fuzzing process, which the
 *       long-running command reports by its exit status).</li>
 * </ul>
 */
public final class ContainmentFuzzer {
    /** Small RAM keeps a case cheap to create; it must still hold the 1 MiB image origin and stacks. */
    public static final long MEMORY = 2L << 20;
    public static final Duration TIMEOUT = Duration.ofMillis(200);
    /** How far past its timeout a VM may run: one slice and the handling of one trap. */
    private static final Duration GRACE = Duration.ofMillis(1500);
    /**
     * The deadline is judged by the CPU time of the VM's thread (which runs the guest and every
     * trap), not the wall clock: work the VMM does past the deadline shows there, while a thread
     * the host did not schedule, on a loaded machine, is no fault of the VMM's.
     */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * What running one case came to; {@code problem} is null when every invariant held.
     * {@code traps} counts the VM exits the VMM handled for the guest (every exception reflected,
     * instruction emulated, port access, hypercall: each a guest-chosen input the VMM had to
     * decide on), so a campaign can say how many it checked, not only how many guests it made.
     */
    public record Verdict(FuzzCase fuzzCase, String exitReason, String exitDetail, long nanos, long traps, String problem) {
        public boolean contained() {
            return problem == null;
        }

        /** The worst kind of broken invariant: the guest changed the VMM's memory or reached real ring 0. */
        public boolean escaped() {
            return problem != null && (problem.startsWith(REGION_CHANGED) || problem.startsWith(LEFT_AT_CPL));
        }
    }

    private static final int EFLAGS_VM = 1 << 17;
    private static final String REGION_CHANGED = "the VMM region changed: ";
    private static final String LEFT_AT_CPL = "the guest was left at real CPL ";
    /**
     * Trap and paravirt modes cannot stop Unicorn's IRET at CPL 3 from entering virtual-8086 mode
     * (a real CPU ignores EFLAGS.VM there); the VM notices at the next trap or the end of the
     * slice and ends. The first way is a NotEmulated exit; the second, until Vm reports it as
     * one too, is a CPU error from the VM's own check of the real state (which looks at CS
     * first, meaningless in virtual-8086 mode). Contained either way: counted, not failed.
     */
    private static final String CONTAINMENT_CHECK = "containment: ";
    /**
     * Unicorn's translator aborted on the guest's code (see cpu's AbortGuard): the VM ends, the
     * JVM lives on. A known emulator bug, contained by the guard: counted, not failed.
     */
    private static final String UNICORN_ABORTED = "Unicorn aborted";

    private final ExecutionMode onlyMode;

    /** @param onlyMode run every case in this mode, or null to let each seed choose */
    public ContainmentFuzzer(ExecutionMode onlyMode) {
        this.onlyMode = onlyMode;
    }

    public FuzzCase generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // Drawn even when the mode is given, so that a seed makes the same guest in every mode.
        ExecutionMode drawn = ExecutionMode.values()[random.nextInt(3)];
        ExecutionMode mode = onlyMode != null ? onlyMode : drawn;
        FuzzCase.Kind[] kinds = FuzzCase.Kind.values();
        FuzzCase.Kind kind = kinds[random.nextInt(kinds.length)];
        boolean userMode = random.nextBoolean();
        FuzzLayout layout = new FuzzLayout(MEMORY);
        FuzzValues values = new FuzzValues(random, MEMORY, layout);
        X86Emitter emitter = new X86Emitter(FuzzLayout.ORIGIN, FuzzLayout.SEGMENTS + 0x1000);
        FuzzKernel kernel = new FuzzKernel(emitter, values, layout);
        int segments = values.between(1, FuzzLayout.MAX_SEGMENTS / 4);
        kernel.prologue();
        kernel.handler(segments, userMode, userFlags(values, kind));
        kernel.tables(kind == FuzzCase.Kind.DESCRIPTOR_TABLES, values.below(3));
        InstructionTable table = new InstructionTable(values, emitter);
        int at = FuzzLayout.SEGMENTS;
        int pieces = 0;
        for (int s = 0; s < segments; s++) {
            emitter.at(FuzzLayout.SEGMENT_TABLE + 4 * s).u32(FuzzLayout.ORIGIN + at);
            emitter.at(at);
            for (int n = values.between(1, 8); n > 0; n--) {
                table.emit(kind);
                pieces++;
            }
            emitter.u8(0x0F, 0x0B);                                     // ud2: on to the handler
            at = emitter.offset();
        }
        return new FuzzCase(seed, mode, kind, userMode, emitter.image(), MEMORY, TIMEOUT, pieces);
    }

    /** A user task's EFLAGS: IF on, IOPL 0 mostly (so port I/O goes to the TSS bitmap), now and then VM or NT. */
    private static int userFlags(FuzzValues values, FuzzCase.Kind kind) {
        int flags = 0x202;
        if (values.chance(kind == FuzzCase.Kind.PORT_IO ? 30 : 10)) flags |= values.below(4) << 12;
        if (values.chance(3)) flags |= 1 << 17;
        if (values.chance(3)) flags |= 1 << 14;
        return flags;
    }

    public Verdict run(FuzzCase c) {
        long started = System.nanoTime();
        VmConfig config = new VmConfig(new GuestImage("fuzz-" + c.seed(), c.image()), c.memoryBytes(), c.mode(), c.timeout());
        String reason = "none";
        String detail = "";
        String problem;
        long traps = 0;
        try (Vm vm = new Vm(config, b -> { }, new ConsoleLog(4096))) {
            long cpuBefore = THREADS.getCurrentThreadCpuTime();
            VmResult result = vm.run();
            long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuBefore;
            VmExit exit = result.exit();
            if (exit != null) {
                reason = label(exit, vm);
                detail = exit.describe();
            }
            traps = vm.counters().total();
            problem = check(vm, exit, cpuNanos, c.timeout());
        } catch (Throwable t) {
            problem = "the VMM threw " + t;
        }
        return new Verdict(c, reason, detail, System.nanoTime() - started, traps, problem);
    }

    /** How the VM ended, for the tally: the exit's reason word, with the two known emulator limits named apart. */
    private static String label(VmExit exit, Vm vm) {
        if (exit instanceof VmExit.CpuError error && error.message().startsWith(UNICORN_ABORTED)) {
            return "emulator-abort";
        }
        if (exit instanceof VmExit.CpuError error && error.message().startsWith(CONTAINMENT_CHECK)
                && (vm.cpu().read(Register.EFLAGS) & EFLAGS_VM) != 0) {
            return "virtual-8086-caught";
        }
        return exit.reason();
    }

    private static String check(Vm vm, VmExit exit, long cpuNanos, Duration timeout) {
        String region = vm.vmmRegionProblem();
        if (region != null) {
            return REGION_CHANGED + region;
        }
        int cs = vm.cpu().read(Register.CS);
        boolean virtual8086 = (vm.cpu().read(Register.EFLAGS) & EFLAGS_VM) != 0; // CPL 3 by definition; CS is no selector there
        // A VM whose time ran out before its first instruction (a cold JVM: the deadline covers
        // boot) still has the VMM's ring-0 CS, at the trampoline or, if no slice ever started,
        // at the CPU's initial EIP 0; its own check after every slice reports a guest at ring 0.
        long eip = Integer.toUnsignedLong(vm.cpu().read(Register.EIP));
        boolean neverEntered = cs == BootLayout.VMM_CODE && exit instanceof VmExit.Timeout
                && (eip == BootLayout.TRAMPOLINE || eip == 0);
        if (!virtual8086 && !neverEntered && (cs & 3) != 3) {
            return String.format(LEFT_AT_CPL + "%d (CS %#x)", cs & 3, cs);
        }
        if (exit == null) {
            return "the VM ended without an exit";
        }
        if (exit instanceof VmExit.CpuError error && !(virtual8086 && error.message().startsWith(CONTAINMENT_CHECK))
                && !error.message().startsWith(UNICORN_ABORTED)) {
            return "the VM ended with an emulator error: " + error.message();
        }
        if (cpuNanos > timeout.plus(GRACE).toNanos()) {
            return String.format("the VM ran %d ms of CPU time, past its %d ms timeout", cpuNanos / 1_000_000, timeout.toMillis());
        }
        return null;
    }
}
