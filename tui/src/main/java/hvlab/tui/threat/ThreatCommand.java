package hvlab.tui.threat;

import hvlab.tui.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hv threat list | run EDGE [--defended|--undefended]}: the paper's figure 2, each edge an
 * attack that runs against real hosts, VMs and networks in a scratch folder, without and with
 * hvlab's defence, and what the attacker achieved against each of the five properties.
 */
@Command(name = "threat", mixinStandardHelpOptions = true,
        description = {"The paper's threat model (figure 2), one runnable attack per edge.",
                "  hv threat list                                  the edges",
                "  hv threat run EDGE [--defended|--undefended]    run it (both forms unless one is named)",
                "  hv threat run all                               every edge, both forms"})
public final class ThreatCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "list or run")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "EDGE", description = "network-vmmm, network-vmm, network-vm, vmmm-vmm, vmm-vm, vm-vm, or all")
    String edge;

    @Option(names = "--defended", description = "only with hvlab's defence")
    boolean defended;

    @Option(names = "--undefended", description = "only without it (a weakened configuration, named in the output)")
    boolean undefended;

    private final PrintStream out;

    public ThreatCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (action.equals("list")) {
            for (ThreatScenario s : Threats.all()) {
                out.printf("%-13s %s%n%13s   %s%n", s.edge(), s.title(), "", s.attacks());
            }
            return 0;
        }
        if (!action.equals("run")) {
            throw new UsageException("unknown action '" + action + "': list or run");
        }
        if (edge == null) {
            throw new UsageException("'hv threat run' needs an EDGE (see 'hv threat list')");
        }
        if (defended && undefended) {
            throw new UsageException("--defended or --undefended, not both (neither runs both)");
        }
        List<ThreatScenario> scenarios;
        try {
            scenarios = edge.equals("all") ? Threats.all() : List.of(Threats.edge(edge));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        for (ThreatScenario s : scenarios) {
            List<ScenarioRun> runs = new ArrayList<>();
            for (boolean form : forms()) {
                out.println("== " + s.title() + (form ? " (defended)" : " (undefended)"));
                runs.add(runOne(s, form, line -> out.println("   " + line)));
                print(runs.getLast());
            }
            if (runs.size() == 2) {
                out.println(ScenarioReport.comparison(runs.get(0), runs.get(1)));
            }
        }
        return 0;
    }

    private List<Boolean> forms() {
        return defended ? List.of(true) : undefended ? List.of(false) : List.of(false, true);
    }

    /** Runs one form in a fresh scratch folder, removed afterwards. */
    public static ScenarioRun runOne(ThreatScenario s, boolean defended, ThreatScenario.Narration log) throws Exception {
        Path scratch = Files.createTempDirectory("hvlab-threat-" + s.edge());
        try {
            return s.run(defended, scratch, log);
        } finally {
            hvlab.tui.threat.ScenarioReport.delete(scratch);
        }
    }

    private void print(ScenarioRun run) {
        out.println("   configuration: " + run.configuration() + " (" + run.millis() + " ms)");
        for (Finding f : run.findings()) {
            out.printf("   %-4s %-2s %s: %s%n", f.achieved() ? "GOT" : "held", f.property().abbreviation(), f.attack(), f.evidence());
        }
        out.println("   " + ScenarioReport.summary(run));
    }
}
