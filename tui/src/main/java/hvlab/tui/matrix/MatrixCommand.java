package hvlab.tui.matrix;

import hvlab.tui.threat.ScenarioRun;
import hvlab.tui.threat.ThreatCommand;
import hvlab.tui.threat.ThreatScenario;
import hvlab.tui.threat.Threats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hv matrix}: the paper's figure 4 (features against the five properties) as the paper
 * assesses it and as hvlab measures it by running every threat scenario in both forms, side by
 * side, with a note on every difference.
 */
@Command(name = "matrix", mixinStandardHelpOptions = true,
        description = {"The paper's figure 4: its own assessment of each feature, and hvlab's measured one, with a note on every difference.",
                "Runs every threat scenario (hv threat run all) in both forms first: about a minute."})
public final class MatrixCommand implements Callable<Integer> {
    @Option(names = "--paper", description = "only the paper's assessment, with its citations (no scenarios run)")
    boolean paperOnly;

    private final PrintStream out;
    private final PrintStream err;

    public MatrixCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        PaperAssessment paper = PaperAssessment.load();
        if (paperOnly) {
            out.println("The paper's assessment (figure 4), cell by cell with where its text says so (the figure itself is an");
            out.println("image; these are read from the prose of IV, V and VI). Empty cells are left out. 'hv matrix' adds hvlab's:");
            for (var f : hvlab.tui.threat.Feature.values()) {
                for (var p : hvlab.tui.threat.Property.values()) {
                    PaperCell c = paper.cell(f, p);
                    if (c.sign() != Sign.NONE) {
                        out.printf("  %-30s %-3s %s  %s: %s%n", f.label(), p.abbreviation(), c.sign().symbol(), c.where(), c.why());
                    }
                }
            }
            return 0;
        }
        List<ScenarioRun> runs = runAll(line -> err.println("hv matrix: " + line));
        Matrix m = Matrix.of(paper, ComputedAssessment.of(runs));
        MatrixText.table(m).forEach(out::println);
        out.println();
        out.println("Notes on every difference (* above): the paper's cell and where it says so, hvlab's and what the scenarios saw");
        out.println("(+ a defence held or the attack failed in both forms; ± only the defence stopped it; - it got through anyway):");
        MatrixText.notes(m).forEach(out::println);
        return 0;
    }

    /** Every scenario in both forms, one after another; {@code progress} hears which. */
    public static List<ScenarioRun> runAll(ThreatScenario.Narration progress) throws Exception {
        List<ScenarioRun> runs = new ArrayList<>();
        for (ThreatScenario s : Threats.all()) {
            for (boolean defended : List.of(false, true)) {
                progress.step("running " + s.edge() + (defended ? " (defended)" : " (undefended)"));
                runs.add(ThreatCommand.runOne(s, defended, line -> { }));
            }
        }
        return runs;
    }
}
