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

    /** The properties on which the defence changed the outcome. */
    public static String comparison(ScenarioRun undefended, ScenarioRun defended) {
        StringBuilder line = new StringBuilder("== the defence made a difference to:");
        boolean any = false;
        for (Property p : Property.values()) {
            var before = undefended.achieved(p);
            var after = defended.achieved(p);
            if (before.isPresent() && after.isPresent() && !before.equals(after)) {
                line.append(' ').append(p.label()).append(before.get() ? " (breached -> held)" : " (held -> breached)");
                any = true;
            }
        }
        return any ? line.toString() : "== the defence changed no property's outcome";
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
