package hvlab.tui;

import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.containment.ContainmentFuzzer;
import hvlab.vmm.containment.FuzzCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code hv fuzz}: runs the containment fuzzer for as long as asked. Each case is a random
 * hostile guest made from its seed (seeds {@code S}, {@code S+1}, ...), run to its end in a
 * fresh VM, and checked: the VMM region untouched, the real CPU still at CPL 3, a defined exit
 * within the timeout, nothing thrown. A broken invariant prints the seed that reproduces it.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Run random hostile guests against the VMM and check that each stays contained.",
                "Every case is made from its seed, so any failure reproduces with --runs 1 --seed S --mode M."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every case was contained", "1:an invariant broke (the seeds are printed)", "64:usage error"})
final class FuzzCommand implements Callable<Integer> {
    private static final long PROGRESS_NANOS = 5_000_000_000L;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "1000", description = "how many cases (default ${DEFAULT-VALUE})")
    long runs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "the first case's seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "all",
            description = "trap, bt, paravirt, or all (each seed picks one; default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    @Option(names = "--progress-file", paramLabel = "FILE",
            description = "keep the seed of the case running in FILE, so a crash of the whole process names its case")
    Path progressFile;

    private final PrintStream out;
    private final PrintStream err;

    FuzzCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** One broken invariant, with what reproduces it; an escape is the worst kind (see {@link ContainmentFuzzer.Verdict#escaped}). */
    record Broken(long seed, String mode, String kind, boolean escape, String problem, String exit) {}

    @Override
    public Integer call() throws Exception {
        ExecutionMode only;
        try {
            only = mode.equals("all") ? null : ExecutionMode.parse(mode);
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ContainmentFuzzer fuzzer = new ContainmentFuzzer(only);
        Map<String, Long> exits = new TreeMap<>();
        Map<String, Long> kinds = new TreeMap<>();
        List<Broken> broken = new ArrayList<>();
        long pieces = 0;
        long traps = 0;
        long started = System.nanoTime();
        long lastProgress = started;
        try (RandomAccessFile progress = progressFile == null ? null : new RandomAccessFile(progressFile.toFile(), "rw")) {
            for (long i = 0; i < runs; i++) {
                long caseSeed = seed + i;
                note(progress, caseSeed);
                FuzzCase fuzzCase = fuzzer.generate(caseSeed);
                ContainmentFuzzer.Verdict verdict = fuzzer.run(fuzzCase);
                pieces += fuzzCase.pieces();
                traps += verdict.traps();
                exits.merge(verdict.exitReason(), 1L, Long::sum);
                kinds.merge(fuzzCase.mode().label() + "/" + fuzzCase.kind().name().toLowerCase().replace('_', '-'), 1L, Long::sum);
                if (!verdict.contained()) {
                    Broken b = new Broken(caseSeed, fuzzCase.mode().label(), fuzzCase.kind().name(), verdict.escaped(),
                            verdict.problem(), verdict.exitDetail());
                    broken.add(b);
                    err.printf("hv fuzz: invariant broken by %s: %s (the VM: %s)%n  reproduce: hv fuzz --runs 1 --seed %d --mode %s%n",
                            fuzzCase.describe(), verdict.problem(), verdict.exitDetail(), caseSeed, fuzzCase.mode().label());
                }
                long now = System.nanoTime();
                if (now - lastProgress >= PROGRESS_NANOS) {
                    lastProgress = now;
                    err.printf("[fuzz] %d/%d cases, %.1f cases/s, %d VM exits, %d broken%n", i + 1, runs,
                            (i + 1) / seconds(now - started), traps, broken.size());
                }
            }
        }
        double seconds = seconds(System.nanoTime() - started);
        report(seconds, new Inputs(pieces, traps), exits, kinds, broken);
        return broken.isEmpty() ? ExitStatus.OK : 1;
    }

    /**
     * What the cases were made of and what the VMM had to decide: the random pieces generated (an
     * instruction, a small group, or a run of random bytes; a segment stops at its first fault, so
     * not every piece runs) and the VM exits the VMM handled for the guests (exceptions reflected,
     * instructions emulated, port accesses, hypercalls).
     */
    record Inputs(long pieces, long traps) {}

    private void report(double seconds, Inputs inputs, Map<String, Long> exits, Map<String, Long> kinds, List<Broken> broken) throws IOException {
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("cases", runs);
            summary.put("firstSeed", seed);
            summary.put("mode", mode);
            summary.put("seconds", Math.round(seconds * 10) / 10.0);
            summary.put("casesPerSecond", Math.round(runs / seconds * 10) / 10.0);
            summary.put("pieces", inputs.pieces());
            summary.put("piecesPerSecond", Math.round(inputs.pieces() / seconds));
            summary.put("vmExits", inputs.traps());
            summary.put("vmExitsPerSecond", Math.round(inputs.traps() / seconds));
            summary.put("escapes", broken.stream().filter(Broken::escape).count());
            summary.put("broken", broken);
            summary.put("exits", exits);
            summary.put("kinds", kinds);
            out.println(new ObjectMapper().writeValueAsString(summary));
        } else {
            out.printf("%d cases (seeds %d..%d, mode %s) in %.1f s: %.1f cases/s%n", runs, seed, seed + runs - 1, mode, seconds,
                    runs / seconds);
            out.printf("inputs: %d random pieces (%.0f/s), %d VM exits handled (%.0f/s)%n", inputs.pieces(),
                    inputs.pieces() / seconds, inputs.traps(), inputs.traps() / seconds);
            out.printf("escapes: %d, broken invariants: %d%n", broken.stream().filter(Broken::escape).count(), broken.size());
            for (Broken b : broken) {
                out.printf("  seed %d (%s, %s): %s%n", b.seed(), b.mode(), b.kind(), b.problem());
            }
            out.println("how the VMs ended: " + exits);
        }
        out.flush();
    }

    private static void note(RandomAccessFile progress, long caseSeed) throws IOException {
        if (progress != null) {
            progress.seek(0);
            progress.writeBytes(String.format("%20d%n", caseSeed));
        }
    }

    private static double seconds(long nanos) {
        return Math.max(nanos, 1) / 1e9;
    }
}
