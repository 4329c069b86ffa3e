package hvlab.benchmarks;

/**
 * One number {@code hv bench} reports, as {@code --json} writes it: a ratio or a measurement,
 * with the error of its mean, and the goal it should reach where the project set one.
 *
 * @param id    stable name (DESIGN.md section 8 fixes the ids of the ratios it lists)
 * @param value the figure, or null when a benchmark behind it failed
 * @param unit  "ratio", "MIPS", "us", ...
 * @param error half-width of the 99.9% confidence interval (JMH's score error, propagated to
 *              first order through a ratio or formula); null when unknown
 * @param goal  the least value that meets the goal (the most, for a cost: {@code atMost}), or
 *              null when the figure has no goal
 * @param atMost true for a cost, where lower is better (a snapshot over a copy of RAM: at most 3)
 */
public record Figure(String id, Double value, String unit, Double error, Double goal, boolean atMost) {
    public Figure {
        value = finiteOrNull(value);
        error = finiteOrNull(error);
        goal = finiteOrNull(goal);
    }

    /** A figure where higher is better, or that has no goal. */
    public Figure(String id, Double value, String unit, Double error, Double goal) {
        this(id, value, unit, error, goal, false);
    }

    /** True or false where there is a goal (a figure with no value misses it), null where there is none. */
    public Boolean met() {
        if (goal == null) {
            return null;
        }
        return value != null && (atMost ? value <= goal : value >= goal);
    }

    private static Double finiteOrNull(Double x) {
        return x == null || x.isNaN() || x.isInfinite() ? null : x;
    }
}
