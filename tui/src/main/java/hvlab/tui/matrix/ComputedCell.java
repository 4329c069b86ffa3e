package hvlab.tui.matrix;

import java.util.List;

/** One cell computed from the threat scenarios: its sign and the observations it came from (empty: no scenario tried it). */
public record ComputedCell(Sign sign, List<String> evidence) {
    public ComputedCell {
        evidence = List.copyOf(evidence);
    }
}
