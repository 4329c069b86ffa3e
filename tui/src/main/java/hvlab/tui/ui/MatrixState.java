package hvlab.tui.ui;

import hvlab.tui.matrix.ComputedAssessment;
import hvlab.tui.matrix.Matrix;
import hvlab.tui.matrix.MatrixCommand;
import hvlab.tui.matrix.PaperAssessment;

import java.util.List;

/**
 * The matrix panel's state ('M'): open or not, the feature under the cursor, and the matrix, whose
 * hvlab half is empty until 't' runs every threat scenario in both forms in the background.
 */
final class MatrixState {
    private final PaperAssessment paper = PaperAssessment.load();
    boolean open;
    int cursor;
    volatile Matrix matrix = Matrix.of(paper, ComputedAssessment.of(List.of()));
    volatile String status = "t: run the threat scenarios (about a minute) to fill in hvlab's half";
    private volatile boolean running;

    void move(int delta) {
        cursor = Math.max(0, Math.min(matrix.rows().size() - 1, cursor + delta));
    }

    /** Runs the scenarios on a thread of their own; the panel shows which one is running. */
    void runScenarios() {
        if (running) return;
        running = true;
        Thread.ofPlatform().daemon().name("hvlab-ui-threats").start(() -> {
            try {
                var runs = MatrixCommand.runAll(line -> status = line + "...");
                matrix = Matrix.of(paper, ComputedAssessment.of(runs));
                status = "measured: " + runs.size() + " scenario runs; '*' marks a difference, its notes below";
            } catch (Exception e) {
                status = "the scenarios failed: " + e.getMessage();
            } finally {
                running = false;
            }
        });
    }
}
