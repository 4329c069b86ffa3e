package hvlab.tui.matrix;

/** One cell of the paper's assessment: its sign, where the paper says so, and what it says. */
public record PaperCell(Sign sign, String where, String why) {
    static final PaperCell EMPTY = new PaperCell(Sign.NONE, "", "");
}
