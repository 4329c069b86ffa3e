package hvlab.tui.matrix;

import hvlab.tui.threat.Feature;
import hvlab.tui.threat.Finding;
import hvlab.tui.threat.Property;
import hvlab.tui.threat.ScenarioRun;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Figure 4 twice: the paper's cells with their citations, the rules that turn scenario runs into signs, and a note per difference. */
class MatrixTest {
    private static Finding surface(String attack, Feature f, Property p, boolean achieved) {
        return new Finding(attack, f, Finding.Role.SURFACE, p, achieved, "seen");
    }

    private static Finding defence(String attack, Feature f, Property p, boolean achieved) {
        return new Finding(attack, f, Finding.Role.DEFENCE, p, achieved, "seen");
    }

    @Test
    void thePapersCellsCarryTheirSections() {
        PaperAssessment paper = PaperAssessment.load();
        PaperCell transfer = paper.cell(Feature.TRANSFER, Property.INTEGRITY);
        assertEquals(Sign.MINUS, transfer.sign());
        assertTrue(transfer.where().contains("IV.D.1") && transfer.why().contains("Oberheide"), transfer.toString());
        assertEquals(Sign.PLUS, paper.cell(Feature.LOGGING, Property.NON_REPUDIATION).sign());
        assertEquals(Sign.NONE, paper.cell(Feature.POWER, Property.CONFIDENTIALITY).sign());
        for (Feature f : Feature.values()) {
            for (Property p : Property.values()) {
                PaperCell c = paper.cell(f, p);
                assertTrue(c.sign() == Sign.NONE || c.where().matches("(IV|V|VI)\\..*|V|VI"), f + " " + p + " cites " + c.where());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> PaperAssessment.parse("TRANSFER | Q | + | IV | x"));
        assertThrows(IllegalArgumentException.class, () -> PaperAssessment.parse("TRANSFER | C | + | IV | x\nTRANSFER | C | - | IV | y"));
    }

    @Test
    void paperPrintsEveryCitedCellWithoutRunningAnything() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        MatrixCommand command = new MatrixCommand(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        command.paperOnly = true;
        assertEquals(0, command.call());
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("transfer") && text.contains("IV.D.1: Oberheide"), text);
        assertEquals(text.lines().filter(l -> l.startsWith("  ")).count(),
                java.util.Arrays.stream(Feature.values()).mapToLong(f -> java.util.Arrays.stream(Property.values())
                        .filter(p -> PaperAssessment.load().cell(f, p).sign() != Sign.NONE).count()).sum(), "one line per cell");
    }

    @Test
    void signsFollowWhatTheAttackAchievedInEachForm() {
        List<ScenarioRun> runs = List.of(
                new ScenarioRun("e", false, "off", List.of(
                        surface("only undefended", Feature.TRANSFER, Property.INTEGRITY, true),
                        surface("both", Feature.NETWORKING, Property.CONFIDENTIALITY, true),
                        surface("neither", Feature.ISOLATION, Property.CONFIDENTIALITY, false),
                        defence("a defence that held", Feature.LOGGING, Property.NON_REPUDIATION, true),
                        surface("mixed 1", Feature.ROLLBACK, Property.INTEGRITY, false),
                        surface("mixed 2", Feature.ROLLBACK, Property.INTEGRITY, true)), 1),
                new ScenarioRun("e", true, "on", List.of(
                        surface("only undefended", Feature.TRANSFER, Property.INTEGRITY, false),
                        surface("both", Feature.NETWORKING, Property.CONFIDENTIALITY, true),
                        surface("neither", Feature.ISOLATION, Property.CONFIDENTIALITY, false),
                        defence("a defence that held", Feature.LOGGING, Property.NON_REPUDIATION, false),
                        surface("mixed 1", Feature.ROLLBACK, Property.INTEGRITY, false),
                        surface("mixed 2", Feature.ROLLBACK, Property.INTEGRITY, true)), 1));
        ComputedAssessment computed = ComputedAssessment.of(runs);
        assertEquals(Sign.MIXED, computed.cell(Feature.TRANSFER, Property.INTEGRITY).sign());
        assertEquals(Sign.MINUS, computed.cell(Feature.NETWORKING, Property.CONFIDENTIALITY).sign());
        assertEquals(Sign.PLUS, computed.cell(Feature.ISOLATION, Property.CONFIDENTIALITY).sign());
        assertEquals(Sign.PLUS, computed.cell(Feature.LOGGING, Property.NON_REPUDIATION).sign());
        assertEquals(Sign.MIXED, computed.cell(Feature.ROLLBACK, Property.INTEGRITY).sign(), "+ and - about one cell is ±");
        assertEquals(Sign.NONE, computed.cell(Feature.TPM, Property.AUTHENTICITY).sign());
        assertEquals(2, computed.cell(Feature.ROLLBACK, Property.INTEGRITY).evidence().size());
    }

    @Test
    void everyDifferenceHasANoteAndAgreementHasNone() {
        ComputedAssessment computed = ComputedAssessment.of(List.of(
                new ScenarioRun("e", false, "off", List.of(surface("a", Feature.TRANSFER, Property.INTEGRITY, true),
                        defence("b", Feature.LOGGING, Property.NON_REPUDIATION, false)), 1),
                new ScenarioRun("e", true, "on", List.of(surface("a", Feature.TRANSFER, Property.INTEGRITY, true),
                        defence("b", Feature.LOGGING, Property.NON_REPUDIATION, false)), 1)));
        Matrix m = Matrix.of(PaperAssessment.load(), computed);
        assertEquals(Feature.values().length, m.rows().size());
        int differing = 0;
        for (Matrix.Row row : m.rows()) {
            for (int i = 0; i < Property.values().length; i++) {
                if (row.paper().get(i) != row.computed().get(i)) differing++;
            }
        }
        assertEquals(differing, m.notes().size());
        assertTrue(m.notes().stream().noneMatch(n -> n.feature() == Feature.TRANSFER && n.property() == Property.INTEGRITY),
                "paper - and hvlab - agree");
        assertTrue(m.notes().stream().noneMatch(n -> n.feature() == Feature.LOGGING && n.property() == Property.NON_REPUDIATION));
        assertTrue(m.notes().stream().allMatch(n -> !n.why().isEmpty()), "every note says why");
        List<String> table = MatrixText.table(m);
        assertTrue(table.stream().anyMatch(l -> l.startsWith("transfer") && l.endsWith("*")), String.join("\n", table));
        assertFalse(MatrixText.notes(m).isEmpty());
    }
}
