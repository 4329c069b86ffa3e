package hvlab.vmmm.patch;

import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmmm.migration.Json;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A VM's patch level, read from its history (paper IV.E.3, monotonicity: a real machine's patch
 * level only rises; a VM reverted to a snapshot taken before a patch is unpatched again, and
 * nobody is told). Replaying the history knows the level at every snapshot, so a revert brings
 * back exactly the level the snapshot had, and the patches it lost are named.
 *
 * @param applied patches it has now
 * @param lost    patches it once had and lost by a revert, each with the snapshot it went back to
 */
public record PatchLevel(Set<String> applied, Map<String, String> lost) {
    public PatchLevel {
        applied = Set.copyOf(applied);
        lost = Map.copyOf(lost);
    }

    /** Replays {@code history} (JSON lines: {@code patched}, {@code snapshot}, {@code revert} events). */
    public static PatchLevel of(List<String> history) {
        Set<String> level = new LinkedHashSet<>();
        Set<String> ever = new LinkedHashSet<>();
        Map<String, Set<String>> atSnapshot = new HashMap<>();
        Map<String, String> lost = new LinkedHashMap<>();
        for (String line : history) {
            JsonNode event;
            try {
                event = Json.MAPPER.readTree(line);
            } catch (IOException unreadable) {
                continue; // a line the history writer did not finish: not an event
            }
            String snapshot = event.path("snapshot").asText();
            switch (event.path("event").asText()) {
                case "patched" -> {
                    String patch = event.path("patch").asText();
                    level.add(patch);
                    ever.add(patch);
                    lost.remove(patch);
                }
                case "snapshot" -> atSnapshot.put(snapshot, new LinkedHashSet<>(level));
                case "revert" -> {
                    level = new LinkedHashSet<>(atSnapshot.getOrDefault(snapshot, Set.of()));
                    lost.clear();
                    for (String patch : ever) {
                        if (!level.contains(patch)) lost.put(patch, snapshot);
                    }
                }
                default -> { }
            }
        }
        return new PatchLevel(level, lost);
    }
}
