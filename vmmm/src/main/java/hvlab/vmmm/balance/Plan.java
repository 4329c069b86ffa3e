package hvlab.vmmm.balance;

import java.util.List;

/** What the balancer proposes: the moves, in order, the imbalance before and after, and what it chose not to do. */
public record Plan(double imbalanceBefore, double imbalanceAfter, List<Move> moves, List<String> notes) {
    public Plan {
        moves = List.copyOf(moves);
        notes = List.copyOf(notes);
    }

    /** Lines for people: the imbalance, each move with its reason, then each note. */
    public List<String> explain() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format(java.util.Locale.ROOT, "imbalance (standard deviation of host loads) %.3f%s", imbalanceBefore,
                moves.isEmpty() ? "" : String.format(java.util.Locale.ROOT, " -> %.3f after %d move(s)", imbalanceAfter, moves.size())));
        moves.forEach(m -> lines.add("  " + m.describe()));
        notes.forEach(n -> lines.add("  " + n));
        return lines;
    }
}
