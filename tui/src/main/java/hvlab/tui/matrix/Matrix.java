package hvlab.tui.matrix;

import hvlab.tui.threat.Feature;
import hvlab.tui.threat.Property;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 4 twice, side by side: the paper's assessment and hvlab's measured one, and a note on
 * every cell where they differ. A note says what the paper says and where, what hvlab saw (each
 * scenario's finding, both forms), and, where {@code resources/matrix/notes.txt} has one, why.
 */
public final class Matrix {
    public record Row(Feature feature, List<Sign> paper, List<Sign> computed) {
        public boolean differs() {
            return !paper.equals(computed);
        }
    }

    public record Note(Feature feature, Property property, PaperCell paper, ComputedCell computed, String why) {}

    private final List<Row> rows = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();

    private Matrix() {}

    public static Matrix of(PaperAssessment paper, ComputedAssessment computed) {
        Map<String, String> why = explanations();
        Matrix m = new Matrix();
        for (Feature f : Feature.values()) {
            List<Sign> p = new ArrayList<>();
            List<Sign> c = new ArrayList<>();
            for (Property property : Property.values()) {
                PaperCell pc = paper.cell(f, property);
                ComputedCell cc = computed.cell(f, property);
                p.add(pc.sign());
                c.add(cc.sign());
                if (pc.sign() != cc.sign()) {
                    String reason;
                    if (!computed.measured()) {
                        reason = "not measured yet (hv matrix, or t in the UI, runs the threat scenarios)";
                    } else if (cc.sign() == Sign.NONE) {
                        reason = "no threat scenario attacks this cell";
                    } else {
                        reason = why.getOrDefault(f.name() + " " + property.abbreviation(),
                                pc.sign() == Sign.NONE ? "the paper names no effect here; a scenario measured one" : "");
                    }
                    m.notes.add(new Note(f, property, pc, cc, reason));
                }
            }
            m.rows.add(new Row(f, List.copyOf(p), List.copyOf(c)));
        }
        return m;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public List<Note> notes() {
        return List.copyOf(notes);
    }

    /** The hand-written reasons for differences, by "FEATURE PROPERTY". */
    private static Map<String, String> explanations() {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = Matrix.class.getResourceAsStream("/matrix/notes.txt")) {
            if (in == null) return out;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\\|", 3);
                out.put(f[0].strip() + " " + f[1].strip(), f[2].strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the matrix notes: " + e.getMessage(), e);
        }
        return out;
    }
}
