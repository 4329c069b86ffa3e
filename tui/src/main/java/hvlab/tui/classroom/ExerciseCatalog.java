package hvlab.tui.classroom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The exercises hvlab ships, read from its resources ({@code exercises/index.txt} names them in order). */
public final class ExerciseCatalog {
    private static final String ROOT = "/exercises/";
    private static final Map<String, Grader> GRADERS = Map.ofEntries(
            Map.entry("red-pill", new RedPillGrader()),
            Map.entry("paging-alias", new PagingAliasGrader()),
            Map.entry("chain-verifier", new ChainVerifierGrader()),
            Map.entry("stop-condition", new StopConditionGrader()),
            Map.entry("dirty-pages", new DirtyPagesGrader()),
            Map.entry("lie-detector", new LieDetectorGrader()),
            Map.entry("pit-ticks", new PitTicksGrader()),
            Map.entry("pv-console", new PvConsoleGrader()),
            Map.entry("covert-decoder", new CovertDecoderGrader()),
            Map.entry("lidt", new LidtGrader()),
            Map.entry("nic-escape", new NicEscapeGrader()),
            Map.entry("balancer", new BalancerGrader()),
            Map.entry("rollback", new RollbackGrader()));

    private ExerciseCatalog() {}

    public static List<String> names() {
        return Arrays.stream(text("index.txt").split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The exercise {@code name}; an unknown name is a {@link IllegalArgumentException} that lists the known ones. */
    public static Exercise load(String name) {
        if (!names().contains(name)) {
            throw new IllegalArgumentException("no exercise '" + name + "' (there are: " + String.join(", ", names()) + ")");
        }
        String[] parts = text(name + "/exercise.txt").split("\n\n", 2);
        Map<String, String> header = new LinkedHashMap<>();
        for (String line : parts[0].split("\n")) {
            int colon = line.indexOf(':');
            header.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        List<String> hints = new ArrayList<>();
        for (String hint : text(name + "/hints.txt").split("\n\n")) {
            if (!hint.isBlank()) {
                hints.add(hint.strip());
            }
        }
        List<String> files = Arrays.stream(header.get("files").split(",")).map(String::strip).toList();
        return new Exercise(name, header.get("title"), header.get("paper"), header.get("kind"), parts[1].strip(), hints, files,
                GRADERS.get(name));
    }

    /** A file of the exercise's starting point ({@code start}) or reference solution ({@code solution}). */
    public static byte[] file(Exercise exercise, String which, String file) {
        return bytes(exercise.name() + "/" + which + "/" + file);
    }

    private static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static byte[] bytes(String path) {
        try (InputStream in = ExerciseCatalog.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("the exercise resource " + path + " is missing from this build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the exercise resource " + path + ": " + e.getMessage(), e);
        }
    }
}
