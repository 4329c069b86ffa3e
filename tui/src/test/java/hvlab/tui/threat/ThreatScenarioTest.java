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
            "vmmm-vmm, CONFIDENTIALITY",
            "vmmm-vmm, AUTHENTICITY",
            "vmm-vm, CONFIDENTIALITY",
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
