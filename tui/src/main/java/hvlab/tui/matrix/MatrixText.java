package hvlab.tui.matrix;

import hvlab.tui.threat.Feature;
import hvlab.tui.threat.Property;

import java.util.ArrayList;
import java.util.List;

/** The matrix as lines of text: both tables side by side, then the notes on every difference. */
public final class MatrixText {
    private MatrixText() {}

    public static List<String> table(Matrix matrix) {
        List<String> out = new ArrayList<>();
        StringBuilder head = new StringBuilder(String.format("%-30s %-9s", "feature", "section"));
        StringBuilder sub = new StringBuilder(" ".repeat(40));
        head.append(" | paper (figure 4)     | hvlab (threat scenarios)");
        for (int twice = 0; twice < 2; twice++) {
            sub.append(" |");
            for (Property p : Property.values()) sub.append(String.format("%3s ", p.abbreviation()));
        }
        out.add(head.toString());
        out.add(sub.toString());
        String group = "";
        for (Matrix.Row row : matrix.rows()) {
            if (!row.feature().group().equals(group)) {
                group = row.feature().group();
                out.add("-- " + group);
            }
            StringBuilder line = new StringBuilder(String.format("%-30s %-9s", row.feature().label(), row.feature().section()));
            for (List<Sign> signs : List.of(row.paper(), row.computed())) {
                line.append(" |");
                for (Sign s : signs) line.append(String.format("%3s ", s.symbol()));
            }
            if (row.differs()) line.append(" *");
            out.add(line.toString());
        }
        return out;
    }

    public static List<String> notes(Matrix matrix) {
        List<String> out = new ArrayList<>();
        Feature current = null;
        for (Matrix.Note n : matrix.notes()) {
            if (n.feature() != current) {
                current = n.feature();
                out.add("* " + current.label() + " (" + current.section() + ")");
            }
            String paper = n.paper().sign() == Sign.NONE ? "paper: empty" : "paper " + n.paper().sign().symbol() + " (" + n.paper().where()
                    + ": " + n.paper().why() + ")";
            String hvlab = n.computed().sign() == Sign.NONE ? "hvlab: empty" : "hvlab " + n.computed().sign().symbol();
            out.add("  " + n.property().label() + ": " + paper + "; " + hvlab + (n.why().isEmpty() ? "" : ": " + n.why()));
            for (String e : n.computed().evidence()) {
                out.add("      " + e);
            }
        }
        return out;
    }
}
