package hvlab.tui.threat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every edge of figure 2 runs in both forms against real hosts, and the defence changes what the
 * attacker achieved where it matters: the property named here is breached undefended and held
 * defended. (VM -> VM's covert channel is measured but not asserted: its error rate depends on how
 * busy the machine is; memory isolation, which holds in both forms, is.)
 */
class ThreatScenarioTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "network-vmmm, AVAILABILITY",
            "network-vmmm, AUTHENTICITY",
            "network-vmm, INTEGRITY",
            "network-vm, AUTHENTICITY",
            "network-vm, INTEGRITY",
            "vmmm-vmm, CONFIDENTIALITY",
            "vmmm-vmm, AUTHENTICITY",
    })
    void theDefenceTurnsABreachIntoAHold(String edge, Property property) throws Exception {
        ThreatScenario scenario = Threats.edge(edge);
        ScenarioRun undefended = ThreatCommand.runOne(scenario, false, line -> { });
        ScenarioRun defended = ThreatCommand.runOne(scenario, true, line -> { });
        assertEquals(Optional.of(true), undefended.achieved(property), undefended.findings().toString());
        assertEquals(Optional.of(false), defended.achieved(property), defended.findings().toString());
        assertFalse(undefended.configuration().equals(defended.configuration()));
    }

    @Test
    void aClosedBoxStopsIntrospectionButNotTheCopyOfItsImageNorARollbackWhichTheTenantNotices() throws Exception {
        ThreatScenario scenario = Threats.edge("vmm-vm");
        ScenarioRun open = ThreatCommand.runOne(scenario, false, line -> { });
        ScenarioRun closed = ThreatCommand.runOne(scenario, true, line -> { });
        assertTrue(finding(open, "by introspection").achieved() && !finding(closed, "by introspection").achieved());
        assertTrue(finding(open, "by intervention").achieved() && !finding(closed, "by intervention").achieved());
        assertTrue(finding(open, "copy of its image").achieved() && finding(closed, "copy of its image").achieved(),
                "hvlab's closed box does not cover an exported image (DESIGN.md section 15)");
        for (ScenarioRun run : List.of(open, closed)) {
            assertFalse(finding(run, "without it noticing").achieved(), finding(run, "without it noticing").evidence());
        }
        assertTrue(ScenarioReport.comparison(open, closed).contains("read the tenant's secret by introspection (C)"),
                ScenarioReport.comparison(open, closed));
    }

    private static Finding finding(ScenarioRun run, String attack) {
        return run.findings().stream().filter(f -> f.attack().contains(attack)).findFirst().orElseThrow(() -> new AssertionError(
                "no finding '" + attack + "' in " + run.findings()));
    }

    @Test
    void memoryIsolationHoldsInBothFormsOfVmToVm() throws Exception {
        for (boolean form : List.of(false, true)) {
            ScenarioRun run = ThreatCommand.runOne(Threats.edge("vm-vm"), form, line -> { });
            Finding read = run.findings().stream().filter(f -> f.attack().contains("neighbour's memory")).findFirst().orElseThrow();
            assertFalse(read.achieved(), read.toString());
            assertTrue(read.evidence().contains("refused"), read.evidence());
            assertTrue(run.findings().stream().anyMatch(f -> f.attack().contains("shared CPU") && f.evidence().contains("bits heard")),
                    run.findings().toString());
        }
    }

    @Test
    void listNamesEveryEdgeAndAnUnknownEdgeIsOneLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ThreatCommand command = new ThreatCommand(new PrintStream(out, true, StandardCharsets.UTF_8));
        command.action = "list";
        assertEquals(0, command.call());
        String text = out.toString(StandardCharsets.UTF_8);
        for (String edge : List.of("network-vmmm", "network-vmm", "network-vm", "vmmm-vmm", "vmm-vm", "vm-vm")) {
            assertTrue(text.contains(edge), text);
        }
        command.action = "run";
        command.edge = "vm-vmmm";
        var e = assertThrows(hvlab.tui.UsageException.class, command::call);
        assertTrue(e.getMessage().contains("network-vmmm"), e.getMessage());
    }
}
