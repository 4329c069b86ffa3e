package hvlab.tui.ui;

import com.googlecode.lanterna.TextColor;
import hvlab.tui.matrix.Matrix;
import hvlab.tui.matrix.Sign;
import hvlab.tui.threat.Property;

import java.util.ArrayList;
import java.util.List;

/**
 * 'M': the paper's figure 4 beside hvlab's measured one (hv matrix), a feature per row, scrolled
 * with the cursor; under the table, the notes on the selected feature's differences.
 */
final class MatrixPanel {
    private static final int NOTE_LINES = 4;

    private MatrixPanel() {}

    static void draw(Canvas screen, MatrixState state) {
        int width = Math.min(screen.width, 110);
        int height = screen.height - 2;
        Canvas box = screen.inner((screen.width - width) / 2, 1, width, height);
        for (int y = 0; y < box.height; y++) box.text(0, y, " ".repeat(box.width));
        box.frame("figure 4: the paper's assessment | hvlab's, measured by hv threat");
        Canvas in = box.inside();
        StringBuilder head = new StringBuilder(String.format("%-24s %-8s", "feature", "section"));
        for (int twice = 0; twice < 2; twice++) {
            head.append("│");
            for (Property p : Property.values()) head.append(String.format("%3s", p.abbreviation()));
            head.append(' ');
        }
        in.text(0, 0, head.toString(), TextColor.ANSI.CYAN, true);
        Matrix matrix = state.matrix;
        List<Matrix.Row> rows = matrix.rows();
        int visible = Math.max(1, in.height - 3 - NOTE_LINES);
        int first = Math.max(0, Math.min(state.cursor - visible / 2, rows.size() - visible));
        for (int i = 0; i < visible && first + i < rows.size(); i++) {
            Matrix.Row row = rows.get(first + i);
            StringBuilder line = new StringBuilder(String.format("%-24.24s %-8s", row.feature().label(), row.feature().section()));
            for (List<Sign> signs : List.of(row.paper(), row.computed())) {
                line.append("│");
                for (Sign s : signs) line.append(String.format("%3s", s.symbol()));
                line.append(' ');
            }
            line.append(row.differs() ? " *" : "");
            if (first + i == state.cursor) in.bar(1 + i, line.toString());
            else in.text(0, 1 + i, line.toString());
        }
        List<String> notes = notes(matrix, rows.get(state.cursor));
        for (int i = 0; i < Math.min(NOTE_LINES, notes.size()); i++) {
            in.text(0, in.height - 2 - NOTE_LINES + i, notes.get(i), TextColor.ANSI.YELLOW, false);
        }
        in.text(0, in.height - 2, state.status);
        in.text(0, in.height - 1, "↑↓ feature   t run the threat scenarios   any other key closes   (hv matrix prints it all)");
    }

    private static List<String> notes(Matrix matrix, Matrix.Row row) {
        List<String> out = new ArrayList<>();
        for (Matrix.Note n : matrix.notes()) {
            if (n.feature() != row.feature()) continue;
            out.add(n.property().abbreviation() + ": paper " + symbol(n.paper().sign()) + " (" + n.paper().where() + "), hvlab "
                    + symbol(n.computed().sign()) + (n.why().isEmpty() ? "" : ": " + n.why()));
        }
        if (out.isEmpty()) out.add("the paper and hvlab agree on " + row.feature().label());
        return out;
    }

    private static String symbol(Sign s) {
        return s == Sign.NONE ? "empty" : s.symbol();
    }
}
