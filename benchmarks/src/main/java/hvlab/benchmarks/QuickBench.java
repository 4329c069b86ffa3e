package hvlab.benchmarks;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The entry point of {@code benchmarks.jar} ({@code hv bench}): runs the JMH suite (every
 * {@code B<nn>_*} class in this package) and prints what the numbers mean side by side.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar [--quick]
 * </pre>
 *
 * {@code --quick} takes about a minute and a half: one fork, three one-second warmup iterations
 * and five one-second measurement iterations per benchmark, except for the execution-mode
 * benchmarks ({@link B04_HypercallVsTrap}, {@link B05_BinaryTranslation}), which get two and
 * three: JMH runs them in a second pass with those settings. Good enough to see the ratios; for
 * numbers to quote, run without it (two forks, longer warmup and measurement, the same for all).
 */
public final class QuickBench {
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private static final String MIPS_BARE = B01_GuestMips.class.getName() + ".bare";
    private static final String MIPS_VMM = B01_GuestMips.class.getName() + ".vmm";
    private static final String OUT_NOOP = B02_PortOutTrap.class.getName() + ".bareNoOpUpcall";
    private static final String OUT_VMM = B02_PortOutTrap.class.getName() + ".vmm";
    private static final String CLI_VMM = B03_PrivilegedTrap.class.getName() + ".vmm";
    private static final String PV_TRAP = B04_HypercallVsTrap.class.getName() + ".trapAndEmulate";
    private static final String PV_HYPERCALL = B04_HypercallVsTrap.class.getName() + ".hypercall";
    private static final String BT_SCAN = B05_BinaryTranslation.class.getName() + ".scan";
    private static final String BT_TRAP = B05_BinaryTranslation.class.getName() + ".trapAndEmulate";
    private static final String BT_TRANSLATED = B05_BinaryTranslation.class.getName() + ".translated";

    /** The benchmarks of the execution modes: {@code --quick} gives them fewer iterations to stay near a minute. */
    private static final List<Class<?>> MODE_BENCHMARKS = List.of(B04_HypercallVsTrap.class, B05_BinaryTranslation.class);

    /** Guest speed we aim for, as a fraction of the speed without the extra machinery: VMM / bare, bt / trap. */
    private static final double MIPS_GOAL = 0.95;

    private QuickBench() {}

    private record Iterations(int warmups, int warmupSeconds, int measurements, int measurementSeconds) {
        String describe() {
            return String.format("%d x %d s warmup, %d x %d s measurement", warmups, warmupSeconds, measurements, measurementSeconds);
        }
    }

    /** {@code modes} applies to {@link #MODE_BENCHMARKS}; null when they run like the rest. */
    private record Settings(String name, int forks, Iterations iterations, Iterations modes) {
        String describe() {
            String text = String.format("%s: %d fork%s, %s per benchmark", name, forks, forks == 1 ? "" : "s", iterations.describe());
            return modes == null ? text : text + " (B04, B05: " + modes.describe() + ")";
        }
    }

    private static final Settings QUICK = new Settings("quick", 1, new Iterations(3, 1, 5, 1), new Iterations(2, 1, 3, 1));
    private static final Settings FULL = new Settings("full", 2, new Iterations(3, 2, 5, 2), null);

    public static void main(String[] args) {
        Settings settings = FULL;
        for (String arg : args) {
            switch (arg) {
                case "--quick" -> settings = QUICK;
                case "-h", "--help" -> {
                    System.out.println("usage: java " + NATIVE_ACCESS + " -jar benchmarks.jar [--quick]");
                    System.out.println("  runs the hvlab JMH benchmarks and prints guest MIPS and trap costs with their ratios");
                    System.out.println("  --quick   about a minute and a half (" + QUICK.describe() + ")");
                    return;
                }
                default -> {
                    System.err.println("bench: unknown argument '" + arg + "' (the only option is --quick)");
                    System.exit(2);
                }
            }
        }

        // One JMH pass per group of benchmarks that share iteration settings.
        List<ChainedOptionsBuilder> passes = new ArrayList<>();
        String all = "^" + QuickBench.class.getPackageName().replace(".", "\\.") + "\\.B\\d\\d_";
        if (settings.modes() == null) {
            passes.add(options(settings.forks(), settings.iterations()).include(all));
        } else {
            ChainedOptionsBuilder rest = options(settings.forks(), settings.iterations()).include(all);
            ChainedOptionsBuilder modes = options(settings.forks(), settings.modes());
            for (Class<?> benchmark : MODE_BENCHMARKS) {
                String exactly = "^" + benchmark.getName().replace(".", "\\.") + "\\.";
                rest.exclude(exactly);
                modes.include(exactly);
            }
            passes.add(rest);
            passes.add(modes);
        }
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
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

        Map<String, Result<?>> byName = new HashMap<>();
        for (RunResult r : results) {
            byName.put(r.getParams().getBenchmark(), r.getPrimaryResult());
        }
        boolean complete = printTable(System.out, settings, byName, seconds, loadBefore);
        if (!complete) {
            System.exit(1);
        }
    }

    private static ChainedOptionsBuilder options(int forks, Iterations iterations) {
        return new OptionsBuilder()
                .forks(forks)
                .jvmArgsAppend(NATIVE_ACCESS)
                .warmupIterations(iterations.warmups())
                .warmupTime(TimeValue.seconds(iterations.warmupSeconds()))
                .measurementIterations(iterations.measurements())
                .measurementTime(TimeValue.seconds(iterations.measurementSeconds()));
    }

    /** Prints the measurements and the ratios; returns false if a benchmark has no result (it failed). */
    static boolean printTable(PrintStream out, Settings settings, Map<String, Result<?>> results, long seconds, double loadBefore) {
        Table table = new Table(out, results);
        out.println();
        out.println("hvlab benchmarks (" + settings.describe() + "; " + seconds + " s in all)");
        out.println("error = JMH's 99.9% confidence half-width; ratios of the mean scores");
        // Bare and VMM runs happen one after the other: other work on the machine in between skews the ratios.
        out.printf(Locale.ROOT, "machine: %d cores, load average %.2f before the run (anything else running skews the ratios)%n",
                Runtime.getRuntime().availableProcessors(), loadBefore);
        out.println();
        out.println("guest speed, a 10-instruction ALU loop (bench_alu, " + count(B01_GuestMips.INSTRUCTIONS) + " instructions a run)");
        Double bare = table.row("  bare Unicorn: CPL 0, no hooks", MIPS_BARE, "MIPS");
        Double vmm = table.row("  under the VMM: CPL 3, all hooks", MIPS_VMM, "MIPS");
        table.ratio("  ratio VMM / bare", vmm, bare, String.format(Locale.ROOT, "(goal >= %.2f)", MIPS_GOAL));
        out.println();
        out.println("OUT to port 0x80 and back (bench_out, " + count(B02_PortOutTrap.TRAPS) + " OUTs a run)");
        Double noop = table.row("  bare Unicorn, no-op FFM upcall", OUT_NOOP, "ns/trap");
        Double outVmm = table.row("  through the VMM", OUT_VMM, "ns/trap");
        table.ratio("  ratio VMM / no-op upcall", outVmm, noop, "");
        out.println();
        out.println("CLI/STI: #GP, decode, emulate and back (bench_cli, " + count(B03_PrivilegedTrap.TRAPS) + " traps a run)");
        Double cli = table.row("  through the VMM", CLI_VMM, "ns/trap");
        table.ratio("  ratio VMM / no-op upcall", cli, noop, "");
        out.println();
        out.println("interrupts off and on: CLI/STI against clear_if/set_if hypercalls (" + count(B04_HypercallVsTrap.OPERATIONS)
                + " a run)");
        Double trapped = table.row("  trap mode: #GP, decode (bench_cli)", PV_TRAP, "ns/op");
        Double hypercall = table.row("  paravirt: int 0x82 (bench_pv)", PV_HYPERCALL, "ns/op");
        table.ratio("  ratio trap / hypercall", trapped, hypercall, "(how many times dearer the #GP is)");
        table.ratio("  ratio hypercall / no-op upcall", hypercall, noop, "");
        out.println();
        out.println("binary translation: the boot scan, then bench_alu (" + count(B05_BinaryTranslation.INSTRUCTIONS)
                + " instructions a run) in bt and trap mode");
        table.row("  boot scan, " + B05_BinaryTranslation.CODE_KIB + " KiB of guest code", BT_SCAN, "us/KiB");
        Double btTrap = table.row("  trap mode", BT_TRAP, "MIPS");
        Double btTranslated = table.row("  bt mode (no sites to watch)", BT_TRANSLATED, "MIPS");
        table.ratio("  ratio bt / trap", btTranslated, btTrap, String.format(Locale.ROOT, "(goal >= %.2f)", MIPS_GOAL));
        if (table.missing) {
            out.println();
            out.println("n/a: that benchmark failed; JMH's output above says why");
        }
        return !table.missing;
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static final class Table {
        private static final String ROW = "%-36s %10s %-8s %s%n";
        private final PrintStream out;
        private final Map<String, Result<?>> results;
        boolean missing;

        Table(PrintStream out, Map<String, Result<?>> results) {
            this.out = out;
            this.results = results;
        }

        /** Prints one measurement and returns its score, or null if the benchmark produced none. */
        Double row(String label, String benchmark, String unit) {
            Result<?> result = results.get(benchmark);
            if (result == null) {
                missing = true;
                out.printf(ROW, label, "n/a", unit, "");
                return null;
            }
            double error = result.getScoreError();
            String plusMinus = Double.isNaN(error) ? "" : "± " + number(error);
            out.printf(ROW, label, number(result.getScore()), unit, plusMinus);
            return result.getScore();
        }

        void ratio(String label, Double numerator, Double denominator, String note) {
            String value = numerator == null || denominator == null || denominator == 0
                    ? "n/a" : String.format(Locale.ROOT, "%.2f", numerator / denominator);
            out.printf(ROW, label, value, "", note);
        }

        private static String number(double value) {
            return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%.1f", value);
        }
    }
}
