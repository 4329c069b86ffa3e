package hvlab.tui.language;

import hvlab.tui.threat.ScenarioReport;
import hvlab.tui.threat.ScenarioRun;
import hvlab.tui.threat.ThreatCommand;
import hvlab.tui.threat.ThreatScenario;
import hvlab.tui.threat.Threats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code threat EDGE [--defended|--undefended]}: one edge of the paper's figure 2 run as in
 * {@code hv threat run}, for lectures and scripts. The scenario builds its own hosts in a scratch
 * folder; the session's datacenter is not touched.
 */
@Command(name = "threat", description = {"Run one edge of the paper's figure 2 (hv threat list): the attack without and with hvlab's defence.",
        "Usage: threat EDGE [--defended|--undefended]"})
final class ThreatLineCommand implements LanguageCommand {
    @Parameters(index = "0", paramLabel = "EDGE", description = "network-vmmm, network-vmm, network-vm, vmmm-vmm, vmm-vm or vm-vm")
    String edge;

    @Option(names = "--defended", description = "only with the defence")
    boolean defended;

    @Option(names = "--undefended", description = "only without it")
    boolean undefended;

    @Override
    public Reply run(Context context) throws InterruptedException {
        ThreatScenario scenario;
        try {
            scenario = Threats.edge(edge);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.failed(e.getMessage());
        }
        if (defended && undefended) throw CommandFailure.failed("--defended or --undefended, not both (neither runs both)");
        List<ScenarioRun> runs = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (boolean form : defended ? List.of(true) : undefended ? List.of(false) : List.of(false, true)) {
            text.append(scenario.title()).append(form ? " (defended: " : " (undefended: ");
            List<String> steps = new ArrayList<>();
            try {
                runs.add(ThreatCommand.runOne(scenario, form, steps::add));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw CommandFailure.failed("the " + edge + " scenario failed: " + e.getMessage());
            }
            text.append(runs.getLast().configuration()).append(")\n");
            steps.forEach(s -> text.append("  ").append(s).append('\n'));
            text.append("  ").append(ScenarioReport.summary(runs.getLast())).append('\n');
        }
        if (runs.size() == 2) text.append(ScenarioReport.comparison(runs.get(0), runs.get(1)).replaceAll("(?m)^== ", ""));
        return new Reply(runs, text.toString().stripTrailing());
    }
}
