package hvlab.tui.matrix;

/** A cell of figure 4: the feature helps (+), hurts (-), both or it depends (±), or no effect is known (empty). */
public enum Sign {
    PLUS("+"), MINUS("-"), MIXED("±"), NONE("");

    private final String symbol;

    Sign(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    static Sign parse(String text) {
        return switch (text.strip()) {
            case "+" -> PLUS;
            case "-" -> MINUS;
            case "±", "+/-" -> MIXED;
            case "" -> NONE;
            default -> throw new IllegalArgumentException("'" + text + "' is not +, -, ± or empty");
        };
    }

    /** Two pieces of evidence about one cell together: the same sign stays, any disagreement is ±. */
    Sign and(Sign other) {
        if (this == NONE) return other;
        if (other == NONE || other == this) return this;
        return MIXED;
    }
}
