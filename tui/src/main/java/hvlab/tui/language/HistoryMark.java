package hvlab.tui.language;

import hvlab.vmm.host.SnapshotInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The points of a VM's life that are not snapshots but belong in its history graph (paper IV.E.3,
 * monotonicity): the run a revert left behind, and the moment a clone forked off.
 *
 * <p>A snapshot tree alone hides both. Revert to {@code base} and run on, and the run that came
 * before the revert is gone from the tree unless a snapshot happens to sit on it, yet that run
 * happened: it printed, it talked to the network, it handed out nonces that the new branch may hand
 * out again. And a clone is a fork of one life into two machines, at the point where the original
 * stood when it was copied. So each is drawn where it happened: under the snapshot the VM descended
 * from at that moment (or at the top, before the first snapshot).
 *
 * <p>The marks are read back from the history's events in order: a {@code snapshot} event moves
 * "where the VM stands" to that snapshot, a {@code revert} leaves a mark there and moves to the
 * snapshot reverted to, a {@code clone-to} leaves a mark there. A snapshot deleted since (its
 * pages merged into its children) hands its marks to the nearest ancestor that still exists, as
 * the snapshot events recorded the parents.
 *
 * @param after the snapshot the VM descended from at that moment, or null (before any snapshot)
 * @param vm    for a clone, the VM it forked into; null for a run left by a revert
 * @param to    for a revert, the snapshot the VM went back to
 */
record HistoryMark(String after, Instant time, String vm, String to) {

    boolean fork() {
        return vm != null;
    }

    /** The marks of {@code events} (parsed history lines, oldest first), placed on {@code snapshots}. */
    static List<HistoryMark> of(List<SnapshotInfo> snapshots, List<Map<String, Object>> events) {
        Set<String> existing = snapshots.stream().map(SnapshotInfo::name).collect(Collectors.toSet());
        Map<String, String> parents = new HashMap<>();
        snapshots.forEach(s -> parents.put(s.name(), s.parent()));
        List<HistoryMark> marks = new ArrayList<>();
        String standing = null;
        for (Map<String, Object> event : events) {
            Object time = event.get("time");
            String name = String.valueOf(event.get("event"));
            String snapshot = text(event.get("snapshot"));
            switch (name) {
                case "snapshot" -> {
                    if (snapshot != null && !existing.contains(snapshot)) {
                        parents.put(snapshot, text(event.get("parent")));
                    }
                    standing = snapshot;
                }
                case "revert" -> {
                    if (time != null) {
                        marks.add(new HistoryMark(standing, Instant.parse(time.toString()), null, snapshot));
                    }
                    standing = snapshot;
                }
                case "clone-to" -> {
                    if (time != null) {
                        marks.add(new HistoryMark(standing, Instant.parse(time.toString()), String.valueOf(event.get("vm")), null));
                    }
                }
                default -> { }
            }
        }
        return marks.stream().map(m -> new HistoryMark(surviving(m.after, existing, parents), m.time, m.vm, m.to)).toList();
    }

    /** {@code name}, or its nearest ancestor still in the tree (null when none is). */
    private static String surviving(String name, Set<String> existing, Map<String, String> parents) {
        for (int hops = 0; name != null && !existing.contains(name) && hops <= parents.size(); hops++) {
            name = parents.get(name);
        }
        return name != null && existing.contains(name) ? name : null;
    }

    private static String text(Object value) {
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }
}
