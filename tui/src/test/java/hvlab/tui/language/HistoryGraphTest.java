package hvlab.tui.language;

import hvlab.vmm.host.SnapshotInfo;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The history graph's drawing, from made-up snapshot lists and history lines. */
class HistoryGraphTest {
    static SnapshotInfo snap(String name, String parent, int second, boolean current) {
        return new SnapshotInfo("w1", name, "id-" + name, parent, Instant.parse("2026-11-29T10:00:00Z").plusSeconds(second),
                "running", parent == null, 3, true, current);
    }

    // base ── a ── a2 (now)
    //      └─ b
    final List<SnapshotInfo> tree = List.of(snap("b", "base", 3, false), snap("a2", "a", 2, true),
            snap("base", null, 0, false), snap("a", "base", 1, false));

    @Test
    void aRevertIsDrawnAsABranchWithNowOnTheCurrentSnapshot() {
        List<String> lines = HistoryGraph.snapshotTree(tree, null);
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("○ base  2026-11-29 10:00:00  running, 3 pages (full), disk layer"), lines.get(0));
        assertTrue(lines.get(1).startsWith("├─○ a  "), lines.get(1));
        assertTrue(lines.get(2).startsWith("│ └─● a2  "), lines.get(2));
        assertTrue(lines.get(2).endsWith("◀ now"), lines.get(2));
        assertTrue(lines.get(3).startsWith("└─○ b  "), lines.get(3));
        assertEquals(1, lines.stream().filter(l -> l.contains("◀ now")).count());
    }

    @Test
    void eventsAreDescribedAndOtherVmsBecomeLinks() {
        List<String> events = List.of(
                "{\"time\":\"2026-11-29T10:00:00Z\",\"event\":\"created\",\"from\":\"\",\"to\":\"defined\",\"actor\":\"cli\",\"detail\":\"\"}",
                "{\"time\":\"2026-11-29T10:00:05Z\",\"event\":\"revert\",\"snapshot\":\"a\",\"actor\":\"cli\"}",
                "{\"time\":\"2026-11-29T10:00:06Z\",\"event\":\"clone-to\",\"vm\":\"w1-copy\",\"uuid\":\"u\"}",
                "{\"time\":\"2026-11-29T10:00:07Z\",\"event\":\"import\",\"from\":\"old \\\"name\\\"\",\"actor\":\"cli\"}",
                "{\"time\":\"2026-11-29T10:00:08Z\",\"ev");                  // torn by a crash: left out
        List<String> text = HistoryGraph.text("w1", tree, events);
        assertEquals("History of w1", text.get(0));
        assertTrue(text.contains("  2026-11-29 10:00:05  revert             reverted to a (new generation ID)  [cli]"), String.join("\n", text));
        assertTrue(text.contains("  2026-11-29 10:00:06  clone-to           copied into w1-copy"), String.join("\n", text));
        assertEquals(4, HistoryGraph.parse(events).size());

        String dot = HistoryGraph.dot("w1", tree, events);
        assertTrue(dot.startsWith("digraph history {"));
        assertTrue(dot.contains("\"snap:base\" -> \"snap:a\";"), dot);
        assertTrue(dot.contains("\"snap:a2\" -> now [style=dashed];"), dot);
        // The clone forked off where the VM stood: on a, which it had just been reverted to.
        assertTrue(dot.contains("\"snap:a\" -> \"link0\" [label=\"clone-to\", style=dotted];"), dot);
        assertTrue(dot.contains("[shape=box, label=\"old \\\"name\\\"\"]"), dot);
        assertEquals(dot.chars().filter(c -> c == '{').count(), dot.chars().filter(c -> c == '}').count());
    }

    // The life of w1 as its history has it: snapshots base and a, a revert to base, b taken on the
    // new branch, a clone, then a deleted (merged into a2) and a revert to it from b.
    static String event(int second, String json) {
        return "{\"time\":\"" + Instant.parse("2026-11-29T10:00:00Z").plusSeconds(second) + "\"," + json + "}";
    }

    final List<String> life = List.of(
            event(0, "\"event\":\"snapshot\",\"snapshot\":\"base\",\"parent\":\"\""),
            event(1, "\"event\":\"snapshot\",\"snapshot\":\"a\",\"parent\":\"base\""),
            event(2, "\"event\":\"snapshot\",\"snapshot\":\"a2\",\"parent\":\"a\""),
            event(2, "\"event\":\"revert\",\"snapshot\":\"base\""),
            event(3, "\"event\":\"snapshot\",\"snapshot\":\"b\",\"parent\":\"base\""),
            event(4, "\"event\":\"clone-to\",\"vm\":\"w2\""),
            event(5, "\"event\":\"revert\",\"snapshot\":\"a2\""));

    @Test
    void aRevertLeavesItsRunBehindAsABranchAndACloneForksWhereTheVmStood() {
        List<String> text = HistoryGraph.text("w1", tree, life);
        String all = String.join("\n", text);
        // base ─┬─ a ── a2 (now) ── ✕ the run after a2, left by the revert to base
        //       └─ b ─┬─ ⑂ w2
        //             └─ ✕ the run after b, left by the revert to a2
        int a2 = text.indexOf(text.stream().filter(l -> l.contains("● a2")).findFirst().orElseThrow());
        assertTrue(text.get(a2 + 1).startsWith("  │   └─✕ 2026-11-29 10:00:02  a run left behind: reverted to base"), all);
        assertTrue(text.get(a2 + 2).startsWith("  └─○ b  "), all);
        assertEquals("    ├─⑂ w2  2026-11-29 10:00:04  cloned: w2 goes on from here", text.get(a2 + 3), all);
        assertEquals("    └─✕ 2026-11-29 10:00:05  a run left behind: reverted to a2", text.get(a2 + 4), all);

        String dot = HistoryGraph.dot("w1", tree, life);
        assertTrue(dot.contains("\"snap:a2\" -> \"left0\" [style=dashed, color=gray];"), dot);
        assertTrue(dot.contains("\"snap:b\" -> \"link0\" [label=\"clone-to\", style=dotted];"), dot);
        assertTrue(dot.contains("\"snap:b\" -> \"left1\""), dot);
        assertFalse(dot.contains("\"w1\" [shape=box"), "no edge needs the VM's own box: " + dot);

        // The UI's narrow panel draws the same marks, shorter.
        List<String> compact = HistoryGraph.compactTree(tree, life);
        assertTrue(compact.contains("│   └─✕ 10:00:02 left: reverted to base"), String.join("\n", compact));
        assertTrue(compact.contains("  ├─⑂ w2  10:00:04 cloned"), String.join("\n", compact));
        assertEquals(HistoryGraph.compactTree(tree), HistoryGraph.compactTree(tree, List.of()));
    }

    @Test
    void aDeletedSnapshotHandsItsMarksToItsNearestAncestor() {
        // a2 was deleted; the run left behind after it hangs under a, and a clone made before
        // any snapshot hangs at the top, from the VM itself.
        List<SnapshotInfo> pruned = List.of(snap("base", null, 0, false), snap("a", "base", 1, false), snap("b", "base", 3, true));
        List<String> events = List.of(event(-1, "\"event\":\"clone-to\",\"vm\":\"early\""), life.get(0), life.get(1), life.get(2),
                life.get(3), life.get(4));
        List<String> text = HistoryGraph.text("w1", pruned, events);
        String all = String.join("\n", text);
        assertEquals("  ⑂ early  2026-11-29 09:59:59  cloned: early goes on from here", text.get(2), all);
        assertTrue(text.get(4).startsWith("  ├─○ a  "), all);
        assertTrue(text.get(5).startsWith("  │ └─✕ 2026-11-29 10:00:02  a run left behind: reverted to base"), all);
        String dot = HistoryGraph.dot("w1", pruned, events);
        assertTrue(dot.contains("\"w1\" -> \"link0\" [label=\"clone-to\", style=dotted];"), dot);
        assertTrue(dot.contains("\"w1\" [shape=box, style=bold];"), dot);
    }

    @Test
    void aVmWithoutSnapshotsHasALine() {
        List<String> text = HistoryGraph.text("w1", List.of(), List.of());
        assertTrue(text.contains("  (no snapshots: its life is still a line)"));
        assertFalse(HistoryGraph.dot("w1", List.of(), List.of()).contains("->"));
    }

    @Test
    void graphvizParsesTheDot() throws Exception {
        String dot = HistoryGraph.dot("w \"1\"", tree, List.of(life.get(2), life.get(3),
                "{\"time\":\"2026-11-29T10:00:06Z\",\"event\":\"clone-to\",\"vm\":\"w1-copy\"}",
                "{\"time\":\"2026-11-29T10:00:07Z\",\"event\":\"backup\",\"file\":\"/tmp/a b\\\\c.ova\"}"));
        Process graphviz;
        try {
            graphviz = new ProcessBuilder("dot", "-Tsvg").redirectErrorStream(true).start();
        } catch (java.io.IOException missing) {
            org.junit.jupiter.api.Assumptions.abort("Graphviz's dot is not installed (.ci/run installs it)");
            return;
        }
        graphviz.getOutputStream().write(dot.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        graphviz.getOutputStream().close();
        String svg = new String(graphviz.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, graphviz.waitFor(), svg + "\n" + dot);
        assertTrue(svg.contains("<svg"), svg);
        assertTrue(svg.contains("a2") && svg.contains("w1&#45;copy"), svg);
    }
}
