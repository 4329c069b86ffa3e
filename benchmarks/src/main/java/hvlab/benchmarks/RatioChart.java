package hvlab.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code hv bench --chart FILE.svg}: every ratio figure as a horizontal bar against its goal,
 * in hand-written SVG (a picture a browser, an editor or a README shows; no library needed).
 *
 * <p>The scale is logarithmic and centred on 1, "as fast as the yardstick": a ratio of 2 lies as
 * far to the right as 0.5 lies to the left, so a cost ("VMM / no-op upcall") and a speed ("VMM /
 * bare MIPS") read alike. Each bar carries its error as a whisker (JMH's 99.9% interval); the goal
 * is a black tick with the words beside it. Green: the goal is met, red: missed, grey: no goal, and
 * a pale bar where the interval crosses the goal, so noise is not mistaken for a verdict.
 */
final class RatioChart {
    private static final int LABEL_WIDTH = 300;
    private static final int PLOT_WIDTH = 640;
    private static final int TEXT_WIDTH = 300;
    private static final int ROW = 22;
    private static final double LOW = 0.1;
    private static final double HIGH = 1000;

    private RatioChart() {}

    /** The figures whose unit is "ratio", one bar each. */
    static List<Figure> ratios(List<Figure> figures) {
        return figures.stream().filter(f -> "ratio".equals(f.unit())).toList();
    }

    static String svg(List<Figure> figures, String title, String method) {
        List<Figure> bars = ratios(figures);
        List<String> methodLines = List.of(method.split("; "));
        int top = 60 + 16 * methodLines.size();
        int height = top + bars.size() * ROW + 20;
        int width = LABEL_WIDTH + PLOT_WIDTH + TEXT_WIDTH;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", escape(title)));
        for (int i = 0; i < methodLines.size(); i++) {
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" fill=\"#555\">%s</text>%n", 40 + 16 * i,
                    escape(methodLines.get(i))));
        }
        for (double tick : new double[] {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}) {
            double x = x(tick);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n",
                    x, top - 6, x, top + bars.size() * ROW, tick == 1 ? "#000" : "#ddd"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                    x, top - 9, number(tick)));
        }
        int row = 0;
        for (Figure f : bars) {
            int y = top + row++ * ROW;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 8, y + 15, escape(f.id())));
            bar(s, f, y);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void bar(StringBuilder s, Figure f, int y) {
        Double value = f.value();
        double from = x(1);
        double to = value == null ? from : x(value);
        String colour = colour(f);
        s.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-id=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\">"
                        + "<title>%s</title></rect>%n",
                escape(f.id()), Math.min(from, to), y + 4, Math.abs(to - from), colour, escape(describe(f))));
        if (value != null && f.error() != null) {
            double left = x(value - f.error());
            double right = x(value + f.error());
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>%n",
                    left, y + 11, right, y + 11));
        }
        if (f.goal() != null) {
            double g = x(f.goal());
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\"/>%n",
                    g, y + 1, g, y + 21));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LABEL_WIDTH + PLOT_WIDTH + 8, y + 15,
                escape(describe(f))));
    }

    /** "2.31 ± 0.40, goal <= 5: met" */
    static String describe(Figure f) {
        if (f.value() == null) {
            return "n/a";
        }
        String text = number(f.value()) + (f.error() == null ? "" : " ± " + number(f.error()));
        if (f.goal() == null) {
            return text;
        }
        return text + ", goal " + (f.atMost() ? "<= " : ">= ") + number(f.goal()) + ": " + verdict(f);
    }

    /** "met" or "missed"; "met?" or "missed?" when the error interval reaches across the goal. */
    static String verdict(Figure f) {
        if (f.goal() == null) {
            return "";
        }
        String word = Boolean.TRUE.equals(f.met()) ? "met" : "missed";
        return crossesGoal(f) ? word + "?" : word;
    }

    private static boolean crossesGoal(Figure f) {
        return f.value() != null && f.error() != null && Math.abs(f.value() - f.goal()) <= f.error();
    }

    private static String colour(Figure f) {
        if (f.goal() == null || f.value() == null) {
            return "#999";
        }
        boolean met = Boolean.TRUE.equals(f.met());
        if (crossesGoal(f)) {
            return met ? "#a6d8a6" : "#f0b0b0";
        }
        return met ? "#2e8b57" : "#c0392b";
    }

    private static double x(double ratio) {
        double clamped = Math.max(LOW, Math.min(HIGH, ratio));
        return LABEL_WIDTH + PLOT_WIDTH * (Math.log10(clamped) - Math.log10(LOW)) / (Math.log10(HIGH) - Math.log10(LOW));
    }

    private static String number(double x) {
        return String.format(Locale.ROOT, Math.abs(x) >= 10 ? "%.0f" : "%.2f", x).replaceAll("\\.00$", "");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Writes the file whole or not at all: a temporary file beside it, then a rename. */
    static void write(Path file, List<Figure> figures, String title, String method) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(temporary, svg(figures, title, method));
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
