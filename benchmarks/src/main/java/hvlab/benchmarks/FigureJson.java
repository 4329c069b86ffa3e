package hvlab.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes {@code hv bench --json FILE}, the contract of DESIGN.md section 8:
 * <pre>
 *   {"figures": [{"id": ..., "value": ..., "unit": ..., "error": ..., "goal": ..., "met": ...}, ...]}
 * </pre>
 * Every figure carries all six fields, in that order; a missing value, error or goal is
 * {@code null}, and so is {@code met} for a figure without a goal.
 */
final class FigureJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FigureJson() {}

    static ObjectNode tree(List<Figure> figures) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("figures");
        for (Figure f : figures) {
            ObjectNode node = list.addObject();
            node.put("id", f.id());
            node.put("value", f.value());
            node.put("unit", f.unit());
            node.put("error", f.error());
            node.put("goal", f.goal());
            node.put("met", f.met());
        }
        return root;
    }

    static String text(List<Figure> figures) {
        try {
            return JSON.writeValueAsString(tree(figures)) + System.lineSeparator();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the figures as JSON", e);
        }
    }

    /** Writes the file whole or not at all: a temporary file beside it, then a rename. */
    static void write(Path file, List<Figure> figures) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(temporary, text(figures));
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
