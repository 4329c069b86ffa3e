package hvlab.tui.language;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.host.SnapshotInfo;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Draws a VM's history graph (paper IV.E.3, "monotonicity"): without virtualization a machine's
 * life is a line; with snapshots, reverts and clones it becomes a tree, and a tree is best seen.
 * The snapshot tree is drawn with box characters for the terminal, or as Graphviz DOT for a
 * picture; clones, imports and restores appear as edges to other VMs.
 */
public final class HistoryGraph {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Events that link this VM to another one. */
    private static final List<String> LINKS = List.of("clone-from", "clone-to", "import", "restore", "duplicate-identity",
            "export", "backup");

    private HistoryGraph() {}

    /**
     * The snapshots as a tree, roots first, children in the order they were taken. The one the VM
     * descends from is marked "◀ now" (followed by {@code nowNote} when given).
     */
    public static List<String> snapshotTree(List<SnapshotInfo> snapshots, String nowNote) {
        return tree(snapshots, List.of(), nowNote, false);
    }

    /** The tree for a narrow panel: name, "◀ now", then only the time of day and the state. */
    public static List<String> compactTree(List<SnapshotInfo> snapshots) {
        return tree(snapshots, List.of(), null, true);
    }

    /** As {@link #compactTree(List)}, with the runs reverts left behind and the clones' forks from the history. */
    public static List<String> compactTree(List<SnapshotInfo> snapshots, List<String> events) {
        return tree(snapshots, HistoryMark.of(snapshots, parse(events)), null, true);
    }

    /** The snapshot tree with the runs reverts left behind and the clones' forks hung where they happened. */
    private static List<String> tree(List<SnapshotInfo> snapshots, List<HistoryMark> marks, String nowNote, boolean compact) {
        List<String> lines = new ArrayList<>();
        for (Object root : children(snapshots, marks, null)) {
            drawItem(snapshots, marks, root, "", "", lines, nowNote, compact);
        }
        return lines;
    }

    /** A snapshot's children and the marks under it (or the roots, for null), in the order they happened. */
    private static List<Object> children(List<SnapshotInfo> snapshots, List<HistoryMark> marks, String parent) {
        List<Object> items = new ArrayList<>(childrenOf(snapshots, parent));
        marks.stream().filter(m -> Objects.equals(m.after(), parent)).forEach(items::add);
        items.sort(Comparator.comparing(item -> item instanceof SnapshotInfo s ? s.created() : ((HistoryMark) item).time()));
        return items;
    }

    private static void drawItem(List<SnapshotInfo> all, List<HistoryMark> marks, Object item, String lead, String childLead,
                                 List<String> lines, String nowNote, boolean compact) {
        if (!(item instanceof HistoryMark mark)) {
            draw(all, marks, (SnapshotInfo) item, lead, childLead, lines, nowNote, compact);
        } else if (compact) {
            lines.add(lead + (mark.fork() ? "⑂ " + mark.vm() + "  " + TIME_OF_DAY.format(mark.time()) + " cloned"
                    : "✕ " + TIME_OF_DAY.format(mark.time()) + " left: reverted to " + mark.to()));
        } else {
            lines.add(lead + (mark.fork()
                    ? "⑂ " + mark.vm() + "  " + CLOCK.format(mark.time()) + "  cloned: " + mark.vm() + " goes on from here"
                    : "✕ " + CLOCK.format(mark.time()) + "  a run left behind: reverted to " + mark.to()));
        }
    }

    private static void drawChildren(List<SnapshotInfo> all, List<HistoryMark> marks, SnapshotInfo node, String childLead,
                                     List<String> lines, String nowNote, boolean compact) {
        List<Object> children = children(all, marks, node.name());
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            drawItem(all, marks, children.get(i), childLead + (last ? "└─" : "├─"), childLead + (last ? "  " : "│ "), lines,
                    nowNote, compact);
        }
    }

    private static void draw(List<SnapshotInfo> all, List<HistoryMark> marks, SnapshotInfo node, String lead, String childLead,
                             List<String> lines, String nowNote, boolean compact) {
        String mark = node.current() ? "●" : "○";
        if (compact) {
            lines.add(lead + mark + " " + node.name() + (node.current() ? " ◀ now" : "") + "  "
                    + TIME_OF_DAY.format(node.created()) + " " + node.vmState());
            drawChildren(all, marks, node, childLead, lines, null, true);
            return;
        }
        StringBuilder line = new StringBuilder(lead).append(mark).append(' ').append(node.name())
                .append("  ").append(CLOCK.format(node.created())).append("  ").append(node.vmState());
        if (node.pages() > 0) {
            line.append(", ").append(node.pages()).append(node.fullMemory() ? " pages (full)" : " changed");
        }
        if (node.hasDiskLayer()) {
            line.append(", disk layer");
        }
        if (node.current()) {
            line.append("  ◀ now").append(nowNote == null ? "" : " " + nowNote);
        }
        lines.add(line.toString());
        drawChildren(all, marks, node, childLead, lines, nowNote, false);
    }

    private static List<SnapshotInfo> childrenOf(List<SnapshotInfo> all, String parent) {
        return all.stream().filter(s -> Objects.equals(s.parent(), parent))
                .sorted((a, b) -> a.created().compareTo(b.created())).toList();
    }

    /** The whole history for the terminal: the tree, then every event oldest first. */
    public static List<String> text(String vm, List<SnapshotInfo> snapshots, List<String> events) {
        List<String> lines = new ArrayList<>();
        lines.add("History of " + vm);
        lines.add("");
        List<Map<String, Object>> parsed = parse(events);
        List<HistoryMark> marks = HistoryMark.of(snapshots, parsed);
        if (snapshots.isEmpty()) {
            lines.add("  (no snapshots: its life is still a line)");
        }
        tree(snapshots, marks, null, false).forEach(line -> lines.add("  " + line));
        lines.add("");
        lines.add("Events:");
        for (Map<String, Object> event : parsed) {
            lines.add("  " + describe(event));
        }
        return lines;
    }

    /** One event as a line: its time, its name and what it concerns. */
    public static String describe(Map<String, Object> event) {
        return describe(event, false);
    }

    /** As {@link #describe(Map)}; {@code compact} gives the time of day only and leaves out who did it. */
    public static String describe(Map<String, Object> event, boolean compact) {
        Object time = event.get("time");
        String when = time == null ? "?" : (compact ? TIME_OF_DAY : CLOCK).format(Instant.parse(time.toString()));
        String name = String.valueOf(event.get("event"));
        String detail = switch (name) {
            case "snapshot" -> "took " + event.get("snapshot") + parentText(event.get("parent"));
            case "revert" -> "reverted to " + event.get("snapshot") + " (new generation ID)";
            case "snapshot-deleted" -> "deleted snapshot " + event.get("snapshot");
            case "clone-from" -> "cloned from " + event.getOrDefault("vm", event.get("from"));
            case "clone-to" -> "copied into " + event.get("vm");
            case "import" -> "imported (it was " + event.get("from") + ")";
            case "restore" -> "restored from a backup of " + event.get("from");
            case "export", "backup" -> "written to " + event.get("file")
                    + (Boolean.TRUE.equals(event.get("encrypted")) ? ", encrypted" : "");
            case "duplicate-identity" -> "shares its identity with " + event.get("with");
            case "attested" -> Boolean.TRUE.equals(event.get("trusted")) ? "attested: trusted"
                    : "attested: untrusted, " + event.get("reasons");
            case "vtpm-new-identity" -> "its vTPM got a new identity (" + event.get("reason") + ")";
            case "vtpm-replaced" -> "given a new vTPM (" + event.get("reason") + ")";
            case "net-attach" -> "its NIC plugged into network " + event.get("network");
            case "net-detach" -> "its NIC taken off network " + event.get("network");
            case "net-spoofed" -> "the switch dropped its frame: " + event.get("reason") + " (" + event.get("dropped") + " so far)";
            case "ids-alert" -> "IDS on " + event.get("network") + ": " + event.get("message") + " [" + event.get("traffic") + "]";
            case "gdb-stub" -> "a gdb stub listens on port " + event.get("port");
            case "gdb-write" -> "gdb wrote " + event.get("what");
            default -> textOf(event.get("from"), event.get("to"), event.get("detail"));
        };
        Object actor = event.get("actor");
        if (compact) {
            return when + " " + String.format("%-9s", name) + " " + detail;
        }
        return when + "  " + String.format("%-18s", name) + " " + detail + (actor == null || actor.toString().isEmpty() ? "" : "  [" + actor + "]");
    }

    private static String parentText(Object parent) {
        return parent == null || parent.toString().isEmpty() ? " (a root)" : " on " + parent;
    }

    private static String textOf(Object from, Object to, Object detail) {
        String move = from == null || from.toString().isEmpty() ? "→ " + to : from + " → " + to;
        return detail == null || detail.toString().isEmpty() ? move : move + " (" + detail + ")";
    }

    /**
     * The history as Graphviz DOT: a node per snapshot, an edge to each child, a "now" node
     * on the current one, a node for each run a revert left behind, and a box for each VM this
     * one was cloned into (forking from where it stood) or from.
     */
    public static String dot(String vm, List<SnapshotInfo> snapshots, List<String> events) {
        StringBuilder dot = new StringBuilder("digraph history {\n");
        dot.append("  rankdir=LR;\n  label=").append(quote("history of " + vm)).append(";\n");
        dot.append("  node [shape=ellipse, fontname=\"monospace\"];\n");
        for (SnapshotInfo s : snapshots) {
            dot.append("  ").append(quote("snap:" + s.name())).append(" [label=")
                    .append(quote(s.name() + "\n" + s.vmState() + (s.hasDiskLayer() ? ", disk" : "")))
                    .append(s.current() ? ", style=bold" : "").append("];\n");
            if (s.parent() != null) {
                dot.append("  ").append(quote("snap:" + s.parent())).append(" -> ").append(quote("snap:" + s.name())).append(";\n");
            }
        }
        snapshots.stream().filter(SnapshotInfo::current).findFirst().ifPresent(current -> dot
                .append("  now [shape=plaintext, label=\"now\"];\n  ")
                .append(quote("snap:" + current.name())).append(" -> now [style=dashed];\n"));
        // The runs reverts left behind and the clones' forks, where they happened; before the
        // first snapshot that is the VM itself.
        List<Map<String, Object>> parsed = parse(events);
        List<HistoryMark> marks = HistoryMark.of(snapshots, parsed);
        int link = 0;
        int left = 0;
        for (HistoryMark mark : marks) {
            String from = mark.after() == null ? quote(vm) : quote("snap:" + mark.after());
            if (mark.fork()) {
                String node = quote("link" + link++);
                dot.append("  ").append(node).append(" [shape=box, label=").append(quote(mark.vm())).append("];\n");
                dot.append("  ").append(from).append(" -> ").append(node).append(" [label=\"clone-to\", style=dotted];\n");
            } else {
                String node = quote("left" + left++);
                dot.append("  ").append(node).append(" [shape=plaintext, label=")
                        .append(quote("left " + TIME_OF_DAY.format(mark.time()) + "\nreverted to " + mark.to())).append("];\n");
                dot.append("  ").append(from).append(" -> ").append(node).append(" [style=dashed, color=gray];\n");
            }
        }
        boolean vmBox = marks.stream().anyMatch(m -> m.after() == null);
        for (Map<String, Object> event : parsed) {
            String name = String.valueOf(event.get("event"));
            if (!LINKS.contains(name) || name.equals("clone-to")) {
                continue;
            }
            String other = String.valueOf(event.getOrDefault("vm", event.getOrDefault("from",
                    event.getOrDefault("file", event.get("with")))));
            String node = quote("link" + link++);
            vmBox = true;
            dot.append("  ").append(node).append(" [shape=box, label=").append(quote(other)).append("];\n");
            boolean outward = List.of("duplicate-identity", "export", "backup").contains(name);
            dot.append("  ").append(outward ? quote(vm) + " -> " + node : node + " -> " + quote(vm))
                    .append(" [label=").append(quote(name)).append(", style=dotted];\n");
        }
        if (vmBox) {
            dot.append("  ").append(quote(vm)).append(" [shape=box, style=bold];\n");
        }
        return dot.append("}\n").toString();
    }

    /** DOT's quoted string: backslashes and quotes escaped, newlines as DOT's line breaks. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** The history lines as maps (the JSON reply of {@code vm history}). */
    public static List<Map<String, Object>> parse(List<String> events) {
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (String line : events) {
            try {
                parsed.add(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {}));
            } catch (IOException torn) {
                // the host already skips torn lines; a line that still does not parse is left out
            }
        }
        return parsed;
    }
}
