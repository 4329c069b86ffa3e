package hvlab.vmm.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A VM's history: one JSON object a line in {@code history.jsonl} in its folder, appended and
 * never rewritten (created, started, paused, snapshot, revert, clone-from, clone-to, export,
 * import, backup, restore...). Paper IV.E.3: with snapshots and rollback a VM's life is no longer
 * a line but a graph, and this file is what the graph is drawn from.
 *
 * <p>Each line is written with one {@code write} to a file opened for appending and then forced
 * to disk, so a crash leaves whole lines behind; a torn last line (from a crash mid-write) is
 * skipped when the history is read.
 */
public final class VmHistory {
    static final String FILE = "history.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VmHistory() {}

    /** Appends one event: {@code {"time", "event", ...details}}. */
    public static void append(Path folder, String event, Map<String, ?> details) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("event", event);
        details.forEach((key, value) -> line.putPOJO(key, value));
        try (FileChannel channel = FileChannel.open(folder.resolve(FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new HostException("cannot write the history of " + folder.getFileName() + ": " + VmStore.reason(e));
        }
    }

    /** Every whole line, oldest first (a missing history is empty). */
    public static List<String> lines(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(VmHistory::whole).toList();
        } catch (IOException e) {
            throw new HostException("cannot read the history of " + folder.getFileName() + ": " + VmStore.reason(e));
        }
    }

    /** Replaces a history with {@code lines} (a VM brought in from elsewhere keeps its past). */
    static void write(Path folder, List<String> lines) throws IOException {
        StringBuilder all = new StringBuilder();
        lines.forEach(line -> all.append(line).append('\n'));
        VmStore.writeAtomically(folder.resolve(FILE), all.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean whole(String line) {
        try {
            return JSON.readTree(line).has("event");
        } catch (IOException torn) {
            return false;
        }
    }
}
