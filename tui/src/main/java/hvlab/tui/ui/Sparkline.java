package hvlab.tui.ui;

import java.util.List;

/**
 * A sparkline: a row of block characters, one per sample, tall for large values and short for
 * small ones (Tufte's "data-intense, design-simple, word-sized graphics"). Scaled to the largest
 * sample shown, or to a fixed top (a share is drawn against 100%).
 */
final class Sparkline {
    private static final char[] BARS = {' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {}

    /** The last {@code width} samples, scaled to {@code top} (0 or less: to the largest sample shown). */
    static String of(List<Double> samples, int width, double top) {
        if (width <= 0) {
            return "";
        }
        int from = Math.max(0, samples.size() - width);
        List<Double> shown = samples.subList(from, samples.size());
        double max = top > 0 ? top : shown.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder out = new StringBuilder(width);
        for (int i = shown.size(); i < width; i++) {
            out.append(' ');
        }
        for (double value : shown) {
            int level = max <= 0 || value <= 0 ? 0 : (int) Math.ceil(Math.min(1.0, value / max) * (BARS.length - 1));
            out.append(BARS[level]);
        }
        return out.toString();
    }
}
