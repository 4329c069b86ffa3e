package hvlab.tui.threat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** How a run is told in one line per property, and the two forms side by side. */
public final class ScenarioReport {
    private ScenarioReport() {}

    /** {@code C breached  I held  A -  Au held  NR held}: "-" where no attack aimed at the property. */
    public static String summary(ScenarioRun run) {
        StringBuilder line = new StringBuilder("attacker achieved:");
        for (Property p : Property.values()) {
            line.append("  ").append(p.abbreviation()).append(' ')
                    .append(run.achieved(p).map(got -> got ? "BREACHED" : "held").orElse("-"));
        }
        return line.toString();
    }

    /** What the defence changed: the attacks it stopped, and the properties whose outcome changed as a whole. */
    public static String comparison(ScenarioRun undefended, ScenarioRun defended) {
        StringBuilder line = new StringBuilder("== the defence stopped:");
        int stopped = 0;
        for (Finding before : undefended.findings()) {
            boolean after = defended.findings().stream().anyMatch(f -> f.attack().equals(before.attack()) && f.achieved());
            if (before.achieved() && !after) {
                line.append(stopped++ == 0 ? " " : "; ").append(before.attack()).append(" (").append(before.property().abbreviation()).append(')');
            }
        }
        if (stopped == 0) line.append(" nothing");
        StringBuilder properties = new StringBuilder();
        for (Property p : Property.values()) {
            var was = undefended.achieved(p);
            var is = defended.achieved(p);
            if (was.isPresent() && is.isPresent() && !was.equals(is)) {
                properties.append(' ').append(p.label()).append(was.get() ? " (breached -> held)" : " (held -> breached)");
            }
        }
        return line + "\n== properties held as a whole thanks to it:" + (properties.isEmpty() ? " none" : properties.toString());
    }

    static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a scratch file left behind in the temporary folder
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}
