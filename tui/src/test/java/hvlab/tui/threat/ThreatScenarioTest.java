package hvlab.tui.threat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
            "vmmm-vmm, AVAILABILITY",
    })
    void theDefenceTurnsABreachIntoAHold(String edge, Property property) throws Exception {
        ScenarioRun undefended = run(edge, false);
        ScenarioRun defended = run(edge, true);
        assertEquals(Optional.of(true), undefended.achieved(property), undefended.findings().toString());
        assertEquals(Optional.of(false), defended.achieved(property), defended.findings().toString());
        assertFalse(undefended.configuration().equals(defended.configuration()));
    }

    /** Each edge runs once per form for the whole class: the assertions about one run share it. */
    private static final Map<String, ScenarioRun> RUNS = new HashMap<>();

    private static synchronized ScenarioRun run(String edge, boolean defended) throws Exception {
        String key = edge + (defended ? " defended" : " undefended");
        ScenarioRun run = RUNS.get(key);
        if (run == null) {
            run = ThreatCommand.runOne(Threats.edge(edge), defended, line -> { });
            RUNS.put(key, run);
        }
        return run;
    }

    @Test
    void aStolenOperatorCredentialGetsAnAdminsActionOnlyWhereEveryUserIsAnAdminAndTheLogNamesItsUserEitherWay() throws Exception {
        ScenarioRun weak = run("network-vmmm", false);
        ScenarioRun roles = run("network-vmmm", true);
        Finding got = finding(weak, "stolen operator credential");
        Finding refused = finding(roles, "stolen operator credential");
        assertTrue(got.achieved() && got.evidence().contains("now reads 'COUNT!'"), got.toString());
        assertFalse(refused.achieved(), refused.toString());
        assertTrue(refused.evidence().contains("permission denied: olga is an operator, and 'vmi write' needs an admin"), refused.evidence());
        Finding trace = finding(roles, "deny what a stolen credential did");
        assertFalse(trace.achieved());
        assertTrue(trace.evidence().contains("olga (operator), script") && trace.evidence().contains("refused: needs an admin"), trace.evidence());
        Finding weakTrace = finding(weak, "deny what a stolen credential did");
        assertFalse(weakTrace.achieved());
        assertTrue(weakTrace.evidence().contains("olga (admin)") && weakTrace.evidence().endsWith(": ok"), weakTrace.evidence());
    }

    @Test
    void aBadPatchIsUndoneByTheSnapshotBeforeItAndStaysForGoodWithoutOne() throws Exception {
        ScenarioRun inPlace = run("vmmm-vmm", false);
        ScenarioRun guarded = run("vmmm-vmm", true);
        Finding broken = finding(inPlace, "bad patch, for good");
        assertTrue(broken.achieved() && broken.evidence().contains("nothing to go back to")
                && broken.evidence().contains("cannot start sh"), broken.toString());
        Finding back = finding(guarded, "bad patch, for good");
        assertFalse(back.achieved(), back.toString());
        assertTrue(back.evidence().contains("reverted to 'pre-HVSA-2026-666': the shell prompt came"), back.evidence());
        assertTrue(finding(inPlace, "bad patch's change").achieved());
        assertFalse(finding(guarded, "bad patch's change").achieved(), finding(guarded, "bad patch's change").evidence());
        for (ScenarioRun run : List.of(inPlace, guarded)) {
            Finding trace = finding(run, "patch without a trace");
            assertFalse(trace.achieved());
            assertTrue(trace.evidence().contains("manager patched os with HVSA-2026-666"), trace.evidence());
        }
        assertTrue(finding(guarded, "patch without a trace").evidence().contains("snapshot pre-HVSA-2026-666"));
        assertTrue(ScenarioReport.comparison(inPlace, guarded).contains("break a VM with a bad patch, for good (A)"),
                ScenarioReport.comparison(inPlace, guarded));
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
