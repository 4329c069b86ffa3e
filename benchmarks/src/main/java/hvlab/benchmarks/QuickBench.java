package hvlab.benchmarks;

import hvlab.cpu.linux.WriteProtectWatch;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The entry point of {@code benchmarks.jar} ({@code hv bench}): runs the JMH suite (every
 * {@code B<nn>_*} class in this package) and prints what the numbers mean side by side.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar [--quick] [--json FILE] [--chart FILE.svg]
 * </pre>
 *
 * {@code --quick} takes about four minutes: one fork, three one-second warmup iterations and
 * five one-second measurement iterations per benchmark, except for the benchmarks of the
 * execution modes ({@link B04_HypercallVsTrap}, {@link B05_BinaryTranslation}), which get two and
 * three, and those of preemption, many VMs and slice switches ({@link B06_PreemptionOverhead} to
 * {@link B08_SliceSwitch}), which get one warmup second and five half-second measurements: JMH
 * runs each group in a pass of its own. Good enough to see the ratios; for numbers to quote, run
 * without it (two forks, longer warmup and measurement, the same for all).
 *
 * <p>{@code --json FILE} also writes every ratio and the figures of the newer benchmarks as
 * {@code {"figures": [{"id", "value", "unit", "error", "goal", "met"}, ...]}} ({@link FigureJson};
 * the ids of DESIGN.md section 8 where it names one). {@code --chart FILE.svg} draws every ratio
 * against its goal ({@link RatioChart}). A relative FILE is taken from the directory
 * {@code hv} was started in ({@code HV_CALLER_DIR}), else from the current one.
 *
 * <p>The printout is one table: each figure, its value, unit and error, its goal and whether it
 * is met ("met?" or "missed?" where the error interval reaches across the goal: noise, not a
 * verdict), under a line that says how it was measured (forks, warmup, iterations, load).
 */
public final class QuickBench {
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private static final String MIPS_BARE = B01_GuestMips.class.getName() + ".bare";
    private static final String MIPS_VMM = B01_GuestMips.class.getName() + ".vmm";
    private static final String OUT_NOOP = B02_PortOutTrap.class.getName() + ".bareNoOpUpcall";
    private static final String OUT_VMM = B02_PortOutTrap.class.getName() + ".vmm";
    private static final String CLI_VMM = B03_PrivilegedTrap.class.getName() + ".vmm";
    private static final String GP_FLOOR = B03_PrivilegedTrap.class.getName() + ".bareFaultFloor";
    private static final String SYSTEM_CALL = B11_PrivilegeCrossing.class.getName() + ".systemCall";
    /** An OUT trap through the VMM, as a multiple of the no-op upcall (the first trap issue). */
    private static final double OUT_GOAL = 2.0;
    /** A #GP trap through the VMM, as a multiple of an OUT trap in the same run (the trap-path issue). */
    private static final double GP_GOAL = 5.0;
    private static final String PV_TRAP = B04_HypercallVsTrap.class.getName() + ".trapAndEmulate";
    private static final String PV_HYPERCALL = B04_HypercallVsTrap.class.getName() + ".hypercall";
    private static final String BT_SCAN = B05_BinaryTranslation.class.getName() + ".scan";
    private static final String BT_TRAP = B05_BinaryTranslation.class.getName() + ".trapAndEmulate";
    private static final String BT_TRANSLATED = B05_BinaryTranslation.class.getName() + ".translated";
    private static final String PREEMPT_MEMORY_UNARMED = B06_PreemptionOverhead.class.getName() + ".memoryUnarmed";
    private static final String PREEMPT_MEMORY_ARMED = B06_PreemptionOverhead.class.getName() + ".memoryArmed";
    private static final String PREEMPT_ALU_UNARMED = B06_PreemptionOverhead.class.getName() + ".aluUnarmed";
    private static final String PREEMPT_ALU_ARMED = B06_PreemptionOverhead.class.getName() + ".aluArmed";
    private static final String MANY_VMS = B07_ManyVms.class.getName() + ".aggregate";
    private static final List<Integer> VM_COUNTS = List.of(1, 2, 4, 8);
    private static final String SLICE_SWITCH = B08_SliceSwitch.class.getName() + ".switches";
    private static final String SNAPSHOT = B09_Snapshot.class.getName() + ".";
    private static final String UI_OBSERVER = B10_UiObserver.class.getName() + ".mips";
    private static final String PAGING = B13_ShadowPaging.class.getName() + ".addressSpaceSwitch";
    private static final String PAGING_STEADY = B13_ShadowPaging.class.getName() + ".steadyState";
    private static final String NETWORK = B14_Network.class.getName() + ".roundTrip";
    /** The trackers and dirty-page counts of B09's incremental snapshots that the tables show. */
    private static final List<String> TRACKERS = List.of("write-protect", "compare", "hash", "hook");
    private static final List<Integer> DIRTY_PAGES = List.of(0, 16, 256, 4096);
    /** The two hvlab chooses between, measured in every run; the rest only in the full one. */
    private static final List<String> QUICK_TRACKERS = List.of("write-protect", "compare");
    /** A snapshot taken or laid back, as a cost in copies of RAM: the snapshot issue's goal. */
    private static final double SNAPSHOT_GOAL = 3.0;
    /** Guest speed with dirty-page tracking on, as a fraction of off (the snapshot issue). */
    private static final double TRACKING_GOAL = 0.8;
    /** B08's figure: its two counters (the switches it timed, their cost in all) divided, iteration by iteration. */
    private static final String NANOS_PER_SWITCH = SLICE_SWITCH + ":nanosPerSwitch";
    private static final String REPLICATION = B17_Replication.class.getName() + ".spin";
    private static final String MIGRATION = B15_Migration.class.getName() + ".";
    /** B15's figures: the downtime each migration reported, averaged iteration by iteration. */
    private static final String DOWNTIME = ":downtimePerMigration";
    /** Pre-copy's downtime as a fraction of stop-and-copy's for the same VM (the many-hosts issue). */
    private static final double MIGRATION_GOAL = 0.25;

    /** The benchmarks of the execution modes: {@code --quick} gives them fewer iterations. */
    private static final List<Class<?>> MODE_BENCHMARKS = List.of(B04_HypercallVsTrap.class, B05_BinaryTranslation.class,
            B13_ShadowPaging.class);
    /** Preemption, many VMs, slice switches: {@code --quick} gives them one warmup and short measurements. */
    private static final List<Class<?>> HOST_BENCHMARKS = List.of(B06_PreemptionOverhead.class, B07_ManyVms.class,
            B08_SliceSwitch.class, B10_UiObserver.class, B14_Network.class);

    /** Guest speed we aim for, as a fraction of the speed without the extra machinery: VMM / bare, bt / trap. */
    private static final double MIPS_GOAL = 0.95;
    /** Guest speed with exact preemption armed, as a fraction of the speed without (the exact-preemption issue). */
    private static final double PREEMPT_GOAL = 0.9;

    private QuickBench() {}

    record Iterations(int warmups, int warmupMillis, int measurements, int measurementMillis) {
        String describe() {
            return String.format(Locale.ROOT, "%d x %s warmup, %d x %s measurement", warmups, seconds(warmupMillis), measurements,
                    seconds(measurementMillis));
        }

        private static String seconds(int millis) {
            return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
    }

    /** Benchmarks that run with iterations of their own, and only some values of their parameters where {@code params} says. */
    record Group(String label, List<Class<?>> benchmarks, Iterations iterations, Map<String, List<String>> params) {
        Group(String label, List<Class<?>> benchmarks, Iterations iterations) {
            this(label, benchmarks, iterations, Map.of());
        }
    }

    /** {@code groups} run with their own iterations, each in a JMH pass of its own; the rest with {@code iterations}. */
    record Settings(String name, int forks, Iterations iterations, List<Group> groups) {
        String describe() {
            StringBuilder text = new StringBuilder(String.format("%s: %d fork%s, %s per benchmark", name, forks,
                    forks == 1 ? "" : "s", iterations.describe()));
            for (Group group : groups) {
                text.append("; ").append(group.label()).append(": ").append(group.iterations().describe());
            }
            return text.toString();
        }
    }

    /**
     * About four minutes (227 s in a run of the trap-path issue), much of it spent starting forks (about two seconds each).
     * The newer benchmarks get one warmup (their state is warmed in its setup) and five short
     * measurements rather than three long ones: JMH's error bars need the samples (with three, its
     * 99.9% interval is 31.6 standard errors wide; with five, 8.6).
     */
    static final Settings QUICK = new Settings("quick", 1, new Iterations(3, 1000, 5, 1000), List.of(
            new Group("B04, B05, B13", MODE_BENCHMARKS, new Iterations(2, 1000, 3, 1000)),
            new Group("B06-B08, B10, B14", HOST_BENCHMARKS, new Iterations(1, 1000, 5, 500)),
            // The two trackers hvlab chooses between; the full run also measures the two rejected ones.
            new Group("B09", List.of(B09_Snapshot.class), new Iterations(1, 500, 5, 300),
                    Map.of("tracker", QUICK_TRACKERS)),
            // Its setup warms both ways; each iteration is one to a few whole migrations.
            new Group("B15", List.of(B15_Migration.class), new Iterations(1, 1000, 5, 1000))));
    private static final Settings FULL = new Settings("full", 2, new Iterations(3, 2000, 5, 2000), List.of());

    public static void main(String[] args) {
        Settings settings = FULL;
        Path json = null;
        Path chart = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> settings = QUICK;
                case "--json" -> {
                    if (i + 1 >= args.length) {
                        usageError("--json needs a FILE to write the figures to");
                    }
                    json = outputPath("--json", args[++i]);
                }
                case "--chart" -> {
                    if (i + 1 >= args.length) {
                        usageError("--chart needs a FILE.svg to draw the ratios in");
                    }
                    chart = chartPath(args[++i]);
                }
                case "-h", "--help" -> {
                    System.out.println("usage: java " + NATIVE_ACCESS + " -jar benchmarks.jar [--quick] [--json FILE] [--chart FILE.svg]");
                    System.out.println("  runs the hvlab JMH benchmarks and prints guest MIPS and trap costs with their ratios");
                    System.out.println("  --quick      about four minutes (" + QUICK.describe() + ")");
                    System.out.println("  --json FILE  also write every ratio as {\"figures\": [{\"id\", \"value\", \"unit\", \"error\", \"goal\", \"met\"}, ...]}");
                    System.out.println("  --chart FILE.svg  also draw every ratio against its goal (SVG)");
                    return;
                }
                default -> {
                    if (arg.startsWith("--json=")) {
                        json = outputPath("--json", arg.substring("--json=".length()));
                    } else if (arg.startsWith("--chart=")) {
                        chart = chartPath(arg.substring("--chart=".length()));
                    } else {
                        usageError("unknown argument '" + arg + "' (the options are --quick, --json FILE and --chart FILE.svg)");
                    }
                }
            }
        }

        // One JMH pass per group of benchmarks that share iteration settings.
        List<ChainedOptionsBuilder> passes = new ArrayList<>();
        String all = "^" + QuickBench.class.getPackageName().replace(".", "\\.") + "\\.B\\d\\d_";
        ChainedOptionsBuilder rest = options(settings.forks(), settings.iterations()).include(all);
        passes.add(rest);
        for (Group group : settings.groups()) {
            ChainedOptionsBuilder pass = options(settings.forks(), group.iterations());
            for (Class<?> benchmark : group.benchmarks()) {
                String exactly = "^" + benchmark.getName().replace(".", "\\.") + "\\.";
                rest.exclude(exactly);
                pass.include(exactly);
            }
            group.params().forEach((name, values) -> pass.param(name, values.toArray(String[]::new)));
            passes.add(pass);
        }
        double loadBefore = loadAverage();
        long started = System.nanoTime();
        List<RunResult> results = new ArrayList<>();
        try {
            for (ChainedOptionsBuilder pass : passes) {
                results.addAll(new Runner(pass.build()).run());
            }
        } catch (RunnerException e) {
            System.err.println("bench: JMH failed: " + e.getMessage());
            System.exit(1);
            return;
        }
        long seconds = Math.round((System.nanoTime() - started) / 1e9);
        double loadAfter = loadAverage();

        List<Figure> figures = new ArrayList<>();
        boolean complete = printTable(System.out, settings, byName(results), seconds, loadBefore, loadAfter, figures);
        if (json != null) {
            try {
                FigureJson.write(json, figures);
                System.out.println();
                System.out.println(figures.size() + " figures written to " + json);
            } catch (IOException e) {
                System.err.println("bench: cannot write " + json + ": " + e.getMessage());
                System.exit(1);
            }
        }
        if (chart != null) {
            try {
                RatioChart.write(chart, figures, "hvlab benchmarks: each ratio against its goal",
                        noiseMethod(settings, loadBefore, loadAfter));
                System.out.println(RatioChart.ratios(figures).size() + " ratios drawn in " + chart);
            } catch (IOException e) {
                System.err.println("bench: cannot write " + chart + ": " + e.getMessage());
                System.exit(1);
            }
        }
        if (!complete) {
            System.exit(1);
        }
    }

    private static void usageError(String message) {
        System.err.println("bench: " + message);
        System.exit(2);
    }

    /** The chart is SVG only: a FILE.png would get SVG inside, so any other name is refused before the run. */
    private static Path chartPath(String name) {
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".svg")) {
            usageError("--chart " + name + ": the chart is drawn as SVG, give a FILE.svg (rsvg-convert makes a PNG of it)");
        }
        return outputPath("--chart", name);
    }

    /**
     * The file {@code --json} or {@code --chart} names, checked before two minutes of benchmarks rather than after.
     * {@code hv} changes to the repository's root before it runs us, so a relative name is taken
     * from where {@code hv} was started ({@code HV_CALLER_DIR}).
     */
    private static Path outputPath(String option, String name) {
        if (name.isBlank()) {
            usageError(option + " needs a FILE to write to");
        }
        Path path = Path.of(name);
        String caller = System.getenv("HV_CALLER_DIR");
        if (!path.isAbsolute() && caller != null && !caller.isBlank()) {
            path = Path.of(caller).resolve(path);
        }
        path = path.toAbsolutePath().normalize();
        Path directory = path.getParent();
        if (Files.isDirectory(path)) {
            usageError(option + " " + name + ": is a directory, give a file name");
        }
        if (directory == null || !Files.isDirectory(directory)) {
            usageError(option + " " + name + ": no such directory " + directory);
        }
        if (!Files.isWritable(directory)) {
            usageError(option + " " + name + ": cannot write in " + directory);
        }
        return path;
    }

    /** How the figures were measured, in one line, for the chart (the table prints the same above itself). */
    static String noiseMethod(Settings settings, double loadBefore, double loadAfter) {
        return String.format(Locale.ROOT, "%s; whiskers: JMH's 99.9%% interval; %d cores, load average %.2f before, %.2f after",
                settings.describe(), Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static ChainedOptionsBuilder options(int forks, Iterations iterations) {
        return new OptionsBuilder()
                .forks(forks)
                .jvmArgsAppend(NATIVE_ACCESS)
                .warmupIterations(iterations.warmups())
                .warmupTime(TimeValue.milliseconds(iterations.warmupMillis()))
                .measurementIterations(iterations.measurements())
                .measurementTime(TimeValue.milliseconds(iterations.measurementMillis()));
    }

    /** A score and JMH's error of it (the half-width of its 99.9% confidence interval; NaN when unknown). */
    record Measured(double score, double error) {}

    /**
     * Results by key: the benchmark's full name, then {@code [param=value]} for each parameter,
     * then {@code :name} for a secondary score (an auxiliary counter).
     */
    static Map<String, Measured> byName(List<RunResult> results) {
        Map<String, Measured> byName = new HashMap<>();
        for (RunResult r : results) {
            StringBuilder key = new StringBuilder(r.getParams().getBenchmark());
            for (String param : r.getParams().getParamsKeys()) {
                key.append('[').append(param).append('=').append(r.getParams().getParam(param)).append(']');
            }
            byName.put(key.toString(), measured(r.getPrimaryResult()));
            for (Map.Entry<String, Result> secondary : r.getSecondaryResults().entrySet()) {
                byName.put(key + ":" + secondary.getKey(), measured(secondary.getValue()));
            }
            if (key.toString().startsWith(MIGRATION)) {
                Measured perMigration = perIteration(r, "downtimeMicros", "migrations");
                if (perMigration != null) {
                    byName.put(key + DOWNTIME, perMigration);
                }
            }
            if (key.toString().equals(SLICE_SWITCH)) {
                Measured perSwitch = perIteration(r, "switchNanos", "switches");
                if (perSwitch != null) {
                    byName.put(NANOS_PER_SWITCH, perSwitch);
                }
            }
        }
        return byName;
    }

    /**
     * {@code numerator / denominator}, two event counters of a benchmark, divided in each
     * measurement iteration; the mean of those and JMH's 99.9% error of it. (JMH itself only sums
     * event counters over all iterations, with no error.)
     */
    private static Measured perIteration(RunResult run, String numerator, String denominator) {
        ListStatistics ratios = new ListStatistics();
        for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
            for (IterationResult iteration : benchmark.getIterationResults()) {
                Result<?> n = iteration.getSecondaryResults().get(numerator);
                Result<?> d = iteration.getSecondaryResults().get(denominator);
                if (n != null && d != null && d.getScore() > 0) {
                    ratios.addValue(n.getScore() / d.getScore());
                }
            }
        }
        return ratios.getN() == 0 ? null : new Measured(ratios.getMean(), ratios.getMeanErrorAt(0.999));
    }

    private static Measured measured(Result<?> result) {
        return new Measured(result.getScore(), result.getScoreError());
    }

    static String manyVms(int vms) {
        return MANY_VMS + "[vms=" + vms + "]";
    }

    /**
     * The goal for 8 VMs over 1: one VM can use one core, eight can use them all (up to eight), and
     * we ask for 90% of that; 1.8 on two cores, the goal of the exact-preemption issue.
     */
    static double manyVmsGoal(int cores) {
        return 0.9 * Math.min(cores, 8);
    }

    /**
     * Prints the measurements and the ratios and adds every ratio (and the newer benchmarks'
     * figures) to {@code figures}; returns false if a benchmark has no result (it failed).
     */
    static boolean printTable(PrintStream out, Settings settings, Map<String, Measured> results, long seconds,
                              double loadBefore, double loadAfter, List<Figure> figures) {
        Table table = new Table(out, results, figures);
        int cores = Runtime.getRuntime().availableProcessors();
        out.println();
        out.println("hvlab benchmarks (" + settings.describe() + "; " + seconds + " s in all)");
        out.println("error = JMH's 99.9% confidence half-width; ratios of the mean scores, errors propagated to first order");
        // Runs being compared happen one after the other: other work on the machine in between skews the ratios.
        out.printf(Locale.ROOT, "machine: %d cores, load average %.2f before the run and %.2f after (anything else running skews the ratios)%n",
                cores, loadBefore, loadAfter);
        out.println("met? / missed?: the error interval reaches across the goal, so this run cannot tell");
        out.println();
        table.header();
        out.println("guest speed, a 10-instruction ALU loop (bench_alu, " + count(B01_GuestMips.INSTRUCTIONS) + " instructions a run)");
        Measured bare = table.row("  bare Unicorn: CPL 0, no hooks", MIPS_BARE, "MIPS");
        Measured vmm = table.row("  under the VMM: CPL 3, all hooks", MIPS_VMM, "MIPS");
        table.ratio("vmm_over_bare_mips", "  ratio VMM / bare", vmm, bare, MIPS_GOAL, "");
        out.println();
        out.println("OUT to port 0x80 and back (bench_out, " + count(B02_PortOutTrap.TRAPS) + " OUTs a run)");
        Measured noop = table.row("  bare Unicorn, no-op FFM upcall", OUT_NOOP, "ns/trap");
        Measured outVmm = table.row("  through the VMM", OUT_VMM, "ns/trap");
        table.ratio("out_trap_over_upcall", "  ratio VMM / no-op upcall", outVmm, noop, OUT_GOAL, true, "");
        out.println();
        out.println("CLI/STI: #GP, decode, emulate and back (bench_cli, " + count(B03_PrivilegedTrap.TRAPS) + " traps a run)");
        Measured floor = table.row("  floor: bare #GP, hook only resumes", GP_FLOOR + "[way=IN_PLACE]", "ns/trap");
        Measured floorApi = table.row("  the same through the register API", GP_FLOOR + "[way=REGISTER_API]", "ns/trap");
        Measured cli = table.row("  through the VMM", CLI_VMM, "ns/trap");
        table.figure("gp_floor_ns", floor, "ns");
        table.ratio("gp_trap_over_upcall", "  ratio VMM / no-op upcall", cli, noop, null, "");
        table.ratio("gp_floor_api_over_in_place", "  ratio floor: register API / in place", floorApi, floor, null, "(what the API costs)");
        table.ratio("gp_trap_over_floor", "  ratio VMM / floor", cli, floor, null, "(decode, emulate, checks)");
        table.ratio("gp_trap_over_out_trap", "  ratio #GP trap / OUT trap", cli, outVmm, GP_GOAL, true, "");
        out.println();
        out.println("a system call: INT 0x80 from a user task, IRETD back (bench_iret, " + count(B11_PrivilegeCrossing.CALLS)
                + " a run)");
        Measured syscallTrap = table.row("  trap mode", SYSTEM_CALL + "[mode=TRAP]", "ns/call");
        Measured syscallBt = table.row("  bt mode", SYSTEM_CALL + "[mode=BT]", "ns/call");
        table.ratio("system_call_over_gp_trap", "  ratio trap-mode call / #GP trap", syscallTrap, cli, null,
                "(two exits a call: delivery and return)");
        table.ratio("system_call_bt_over_trap", "  ratio bt / trap", syscallBt, syscallTrap, null, "");
        out.println();
        out.println("interrupts off and on: CLI/STI against clear_if/set_if hypercalls (" + count(B04_HypercallVsTrap.OPERATIONS)
                + " a run)");
        Measured trapped = table.row("  trap mode: #GP, decode (bench_cli)", PV_TRAP, "ns/op");
        Measured hypercall = table.row("  paravirt: int 0x82 (bench_pv)", PV_HYPERCALL, "ns/op");
        table.ratio("trap_over_hypercall", "  ratio trap / hypercall", trapped, hypercall, null, "(how many times dearer the #GP is)");
        table.ratio("hypercall_over_upcall", "  ratio hypercall / no-op upcall", hypercall, noop, null, "");
        out.println();
        out.println("binary translation: the boot scan, then bench_alu (" + count(B05_BinaryTranslation.INSTRUCTIONS)
                + " instructions a run) in bt and trap mode");
        table.row("  boot scan, " + B05_BinaryTranslation.CODE_KIB + " KiB of guest code", BT_SCAN, "us/KiB");
        Measured btTrap = table.row("  trap mode", BT_TRAP, "MIPS");
        Measured btTranslated = table.row("  bt mode (no sites to watch)", BT_TRANSLATED, "MIPS");
        table.ratio("bt_over_trap_mips", "  ratio bt / trap", btTranslated, btTrap, MIPS_GOAL, "");
        out.println();
        printPaging(out, table);
        out.println();
        out.println("exact preemption armed (block hook, " + B06_PreemptionOverhead.SLICE.toMillis()
                + " ms slices) against unarmed, on the bare CPU");
        Measured memoryUnarmed = table.row("  bench_mem (loads, stores), unarmed", PREEMPT_MEMORY_UNARMED, "MIPS");
        Measured memoryArmed = table.row("  bench_mem, armed", PREEMPT_MEMORY_ARMED, "MIPS");
        table.ratio("preempt_armed_over_unarmed_mips", "  ratio armed / unarmed", memoryArmed, memoryUnarmed, PREEMPT_GOAL, "");
        Measured aluUnarmed = table.row("  bench_alu (registers only), unarmed", PREEMPT_ALU_UNARMED, "MIPS");
        Measured aluArmed = table.row("  bench_alu, armed", PREEMPT_ALU_ARMED, "MIPS");
        table.ratio("preempt_armed_over_unarmed_alu_mips", "  ratio armed / unarmed", aluArmed, aluUnarmed, null,
                "(no goal: the worst case)");
        out.println();
        out.println("many VMs on one host (" + cores + " worker threads), bench_spin each: aggregate MIPS the guests counted");
        Map<Integer, Measured> manyVms = new HashMap<>();
        for (int vms : VM_COUNTS) {
            Measured m = table.row("  " + vms + (vms == 1 ? " VM" : " VMs"), manyVms(vms), "MIPS");
            table.figure("vms_" + vms + "_mips", m, "MIPS");
            manyVms.put(vms, m);
        }
        table.ratio("eight_vms_over_one_mips", "  ratio 8 VMs / 1 VM", manyVms.get(8), manyVms.get(1), manyVmsGoal(cores), "");
        out.println();
        out.println("slice switch: end a slice of bench_spin and start the next (" + B08_SliceSwitch.SHORT.toNanos() / 1000
                + " us slices against " + B08_SliceSwitch.LONG.toMillis() + " ms ones, the VM thread's CPU time)");
        Measured cost = table.derived("  one slice switch", "slice_switch_us", "us",
                x -> x[0] / 1000, table.value(NANOS_PER_SWITCH));
        if (cost != null) {
            out.printf(Locale.ROOT, "  (%.2f%% of a %d ms slice)%n", cost.score() / 10 / B08_SliceSwitch.LONG.toMillis(),
                    B08_SliceSwitch.LONG.toMillis());
        }
        out.println();
        printSnapshots(out, table);
        out.println();
        out.println("network: a ping between two VMs on one host's switch (net-ping and net-echo, "
                + count(B14_Network.PINGS) + " round trips a run, two worker threads)");
        Measured rtt = table.row("  one round trip", NETWORK + "[hosts=1]", "us");
        table.figure("network_round_trip_us", rtt, "us");
        table.derived("  frames a second, both ways", "network_frames_per_second", "frames/s", x -> 2e6 / x[0], rtt);
        Measured across = table.row("  one round trip between two hosts (their tunnel: TCP on the loopback)",
                NETWORK + "[hosts=2]", "us");
        table.figure("network_round_trip_two_hosts_us", across, "us");
        table.ratio("network_two_hosts_over_one_round_trip", "  ratio two hosts / one", across, rtt, null, "");
        out.println();
        printMigration(out, table);
        out.println();
        printReplication(out, table);
        out.println();
        out.println("watching a VM: bench_spin with the terminal UI open on its console, and with no UI (B10)");
        Measured closed = table.row("  UI closed", UI_OBSERVER + "[ui=closed]", "MIPS");
        Measured open = table.row("  UI open, drawing 4 frames a second", UI_OBSERVER + "[ui=open]", "MIPS");
        table.ratio("ui_open_over_closed_mips", "  ratio open / closed", open, closed, null, "(the issue: within noise of 1)");
        if (table.missing) {
            out.println();
            out.println("n/a: that benchmark failed; JMH's output above says why");
        }
        return !table.missing;
    }

    /** B15: live migration's downtime, pre-copy against stop-and-copy, the same VM in the same run. */
    private static void printMigration(PrintStream out, Table table) {
        out.println("live migration between two hosts over TLS on loopback (the ballast guest: 13 MiB in use, a few pages written a second)");
        Measured pre = table.row("  pre-copy: downtime", MIGRATION + "preCopy" + DOWNTIME, "us");
        Measured stop = table.row("  stop-and-copy: downtime", MIGRATION + "stopAndCopy" + DOWNTIME, "us");
        table.row("  pre-copy: whole migration", MIGRATION + "preCopy", "ms");
        table.row("  stop-and-copy: whole migration", MIGRATION + "stopAndCopy", "ms");
        table.ratio("precopy_over_stopcopy_downtime", "  ratio downtime pre-copy / stop-and-copy", pre, stop, MIGRATION_GOAL, true, "");
    }

    /** B17: Remus's replication at 10, 20 and 40 epochs a second against none, the same guest in the same run. */
    private static void printReplication(PrintStream out, Table table) {
        out.println("replication (Remus) of bench_spin from h1 to h2 over TLS on loopback: the MIPS its console showed (B17)");
        Measured alone = table.row("  unreplicated", REPLICATION + "[epochs=0]", "MIPS");
        for (int epochs : new int[] {10, 20, 40}) {
            Measured replicated = table.row("  " + epochs + " epochs a second", REPLICATION + "[epochs=" + epochs + "]", "MIPS");
            table.ratio("replicated_" + epochs + "_over_unreplicated_mips", "  ratio / unreplicated", replicated, alone, null, "");
        }
    }

    /** B13: shadow paging against the same loop with paging off, in the same run. */
    private static void printPaging(PrintStream out, Table table) {
        out.println("shadow paging: a CR3 load, then fresh pages (bench_paging, " + count(B13_ShadowPaging.ITERATIONS)
                + " CR3 loads a run, trap mode)");
        Measured on64 = table.row("  64 pages per load, paging on", PAGING + "[pages=64][paging=true]", "ns/load");
        Measured off64 = table.row("  64 pages per load, paging off", PAGING + "[pages=64][paging=false]", "ns/load");
        table.derived("  one page refilled (fault or kept)", "shadow_page_fault_ns", "ns", x -> (x[0] - x[1]) / 64, on64, off64);
        Measured on1 = table.row("  1 page per load, paging on", PAGING + "[pages=1][paging=true]", "ns/load");
        Measured off1 = table.row("  1 page per load, paging off", PAGING + "[pages=1][paging=false]", "ns/load");
        table.derived("  one address-space switch", "address_space_switch_us", "us", x -> (x[0] - x[1]) / 1000, on1, off1);
        table.ratio("paging_on_over_off", "  ratio on / off, 64 pages", on64, off64, null, "(EPT hardware: close to 1)");
        Measured steadyOn = table.row("  no CR3 loads (shadows warm), paging on", PAGING_STEADY + "[paging=true]", "ns/pass");
        Measured steadyOff = table.row("  no CR3 loads, paging off", PAGING_STEADY + "[paging=false]", "ns/pass");
        table.ratio("paging_steady_on_over_off", "  ratio on / off, steady state", steadyOn, steadyOff, null,
                "(a guest that stays in its address space)");
    }

    /**
     * B09: a snapshot's cost against one copy of RAM, incremental snapshots, and the guest's speed
     * while tracked. The goals are checked on the tracker hvlab uses on this machine: the kernel's
     * write protection where it works, else the comparison; the other is shown where measured.
     */
    private static void printSnapshots(PrintStream out, Table table) {
        String chosen = WriteProtectWatch.unavailable() == null ? "write-protect" : "compare";
        out.println("snapshots of a 16 MiB VM, against one copy of its RAM in the same run (B09; hvlab tracks pages by "
                + chosen + " here)");
        Measured copy = table.row("  copy 16 MiB (the yardstick)", SNAPSHOT + "copyRam", "us");
        for (String tracker : QUICK_TRACKERS) {
            boolean mine = tracker.equals(chosen);
            String key = "[tracker=" + tracker + "]";
            String suffix = tracker.replace('-', '_');
            Measured create = table.row("  full snapshot taken (" + tracker + ")", SNAPSHOT + "create" + key, "us", mine);
            Measured restore = table.row("  laid back into its VM (" + tracker + ")", SNAPSHOT + "restore" + key, "us", mine);
            Measured revert = table.row("  reverted: a new VM (" + tracker + ")", SNAPSHOT + "revert" + key, "us", mine);
            table.ratio(mine ? "snapshot_create_over_copy" : "snapshot_create_over_copy_" + suffix, "  ratio create / copy",
                    create, copy, mine ? SNAPSHOT_GOAL : null, true, mine ? "" : "(not used here)");
            table.ratio(mine ? "snapshot_restore_over_copy" : "snapshot_restore_over_copy_" + suffix, "  ratio restore / copy",
                    restore, copy, mine ? SNAPSHOT_GOAL : null, true, mine ? "" : "(not used here)");
            table.ratio("snapshot_revert_over_copy_" + suffix, "  ratio revert / copy", revert, copy, null,
                    "(a new machine's RAM faults in)");
        }
        out.println("  incremental snapshot after N of 4,096 pages were written, us (the pages found and copied)");
        out.printf(Locale.ROOT, "  %-16s%s%n", "way to find them", DIRTY_PAGES.stream()
                .map(n -> String.format(Locale.ROOT, "%12s", "N = " + n)).reduce("", String::concat));
        for (String tracker : TRACKERS) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-16s", tracker));
            boolean any = false;
            for (int dirty : DIRTY_PAGES) {
                String key = SNAPSHOT + "incremental[dirty=" + dirty + "][tracker=" + tracker + "]";
                Measured m = tracker.equals(chosen) ? table.value(key) : table.optional(key);
                any |= m != null;
                line.append(String.format(Locale.ROOT, "%12s", m == null ? "-" : String.format(Locale.ROOT, "%,.1f", m.score())));
                table.figure("incremental_" + tracker.replace('-', '_') + "_" + dirty + "_us", m, "us");
            }
            if (any) {
                out.println(line);
            }
        }
        boolean protecting = chosen.equals("write-protect");
        Measured untracked = table.row("  bench_mem, no tracking", SNAPSHOT + "memoryUntracked", "MIPS");
        Measured protectedRam = table.row("  bench_mem, RAM write-protected", SNAPSHOT + "memoryWriteProtected", "MIPS", protecting);
        Measured hooked = table.row("  bench_mem, a native store hook", SNAPSHOT + "memoryHooked", "MIPS");
        // The comparison does nothing while the guest runs: with it, tracking on is tracking off.
        table.ratio("dirty_tracking_on_over_off_mips", "  ratio tracked / untracked", protecting ? protectedRam : untracked,
                untracked, TRACKING_GOAL, protecting ? "" : "(compare: no cost while the guest runs)");
        table.ratio("store_hook_over_off_mips", "  ratio store hook / none", hooked, untracked, null, "(rejected)");
        Measured first = table.row("  first store to a protected page", SNAPSHOT + "firstStoresAfterProtect", "ns/page", protecting);
        Measured plain = table.row("  a store to an unprotected page", SNAPSHOT + "storesUnprotected", "ns/page");
        table.ratio("first_store_over_plain", "  ratio first store / plain", first, plain, null, "(the fault the kernel takes)");
    }

    /**
     * {@code f(inputs)} and its error, carried through to first order as if the inputs were
     * independent: the square root of the sum of (df/dx<sub>i</sub> times the error of x<sub>i</sub>)
     * squared, with the derivatives taken numerically. Where an error is as large as its value
     * (a busy machine), the linear estimate understates the spread of a ratio: read it as "huge".
     */
    static Measured propagate(ToDoubleFunction<double[]> f, Measured... inputs) {
        double[] x = new double[inputs.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = inputs[i].score();
        }
        double value = f.applyAsDouble(x);
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double e = inputs[i].error();
            if (Double.isNaN(e)) {
                return new Measured(value, Double.NaN);
            }
            double at = x[i];
            double h = Math.max(Math.abs(at), Double.MIN_NORMAL) * 1e-6;
            x[i] = at + h;
            double up = f.applyAsDouble(x);
            x[i] = at - h;
            double down = f.applyAsDouble(x);
            x[i] = at;
            double slope = (up - down) / (2 * h) * e;
            sum += slope * slope;
        }
        return new Measured(value, Math.sqrt(sum));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static final class Table {
        private static final String ROW = "%-40s %10s %-8s %-10s %-9s %-8s %s%n";
        private final PrintStream out;
        private final Map<String, Measured> results;
        private final List<Figure> figures;
        boolean missing;

        Table(PrintStream out, Map<String, Measured> results, List<Figure> figures) {
            this.out = out;
            this.results = results;
            this.figures = figures;
        }

        /** A benchmark's result without printing it; null (and noted as missing) if it produced none. */
        Measured value(String benchmark) {
            Measured result = results.get(benchmark);
            if (result == null) {
                missing = true;
            }
            return result;
        }

        /** A result only some runs measure (the full run's extra parameters); null, not missing, without it. */
        Measured optional(String benchmark) {
            return results.get(benchmark);
        }

        /** The column heads, once at the top: one table for every figure. */
        void header() {
            out.printf(ROW, "figure", "value", "unit", "error", "goal", "met", "");
            out.printf(ROW, "-".repeat(40), "-".repeat(10), "-".repeat(8), "-".repeat(10), "-".repeat(9), "-".repeat(8), "");
        }

        /** Prints one measurement and returns it, or null if the benchmark produced none. */
        Measured row(String label, String benchmark, String unit) {
            return row(label, benchmark, unit, true);
        }

        /** As above; a result not {@code required} may be missing (a way this machine cannot measure). */
        Measured row(String label, String benchmark, String unit, boolean required) {
            Measured result = required ? value(benchmark) : optional(benchmark);
            if (result != null || required) {
                print(label, result, unit, "");
            }
            return result;
        }

        /** Adds a measurement to the figures without printing it again. */
        void figure(String id, Measured m, String unit) {
            figures.add(new Figure(id, m == null ? null : m.score(), unit, m == null ? null : m.error(), null));
        }

        /** Prints numerator / denominator and adds it to the figures as {@code id}; returns it, or null. */
        Measured ratio(String id, String label, Measured numerator, Measured denominator, Double goal, String note) {
            return ratio(id, label, numerator, denominator, goal, false, note);
        }

        /** As above; with {@code atMost} the ratio is a cost and the goal its upper bound. */
        Measured ratio(String id, String label, Measured numerator, Measured denominator, Double goal, boolean atMost,
                       String note) {
            Measured ratio = numerator == null || denominator == null || denominator.score() == 0
                    ? null : propagate(x -> x[0] / x[1], numerator, denominator);
            Figure figure = new Figure(id, ratio == null ? null : ratio.score(), "ratio", ratio == null ? null : ratio.error(),
                    goal, atMost);
            String goalText = goal == null ? "" : String.format(Locale.ROOT, "%s %.2f", atMost ? "<=" : ">=", goal);
            print(label, ratio, "", goalText, RatioChart.verdict(figure), note, "%.2f");
            figures.add(figure);
            return ratio;
        }

        /** Prints {@code f} of some results (with its error carried through) and adds it as {@code id} unless null. */
        Measured derived(String label, String id, String unit, ToDoubleFunction<double[]> f, Measured... inputs) {
            Measured value = null;
            boolean known = true;
            for (Measured input : inputs) {
                known &= input != null;
            }
            if (known) {
                value = propagate(f, inputs);
            }
            print(label, value, unit, "");
            if (id != null) {
                figure(id, value, unit);
            }
            return value;
        }

        private void print(String label, Measured m, String unit, String note) {
            print(label, m, unit, "", "", note, null);
        }

        private void print(String label, Measured m, String unit, String goal, String met, String note, String format) {
            if (m == null || Double.isNaN(m.score()) || Double.isInfinite(m.score())) {
                out.printf(ROW, label, "n/a", unit, "", goal, goal.isEmpty() ? "" : "missed", note);
                return;
            }
            String value = format == null ? number(m.score()) : String.format(Locale.ROOT, format, m.score());
            String error = Double.isNaN(m.error()) ? "" : "± " + (format == null ? number(m.error())
                    : String.format(Locale.ROOT, format, m.error()));
            out.printf(ROW, label, value, unit, error, goal, met, note);
        }

        private static String number(double value) {
            return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%,.0f" : "%.1f", value);
        }
    }
}
