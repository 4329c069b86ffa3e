package hvlab.tui.ui;

import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Outcome;
import hvlab.tui.language.Place;
import hvlab.vmm.host.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Lectures: the file format, every shipped lecture checked, and one played from start to end on a real host. */
class LectureTest {
    @TempDir
    Path dir;

    static List<String> shipped(String name) throws Exception {
        try (InputStream in = LectureTest.class.getResourceAsStream("/lectures/" + name + ".lecture")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    static List<String> index() throws Exception {
        try (InputStream in = LectureTest.class.getResourceAsStream("/lectures/index.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void captionsStartStepsAndCommentsAreSkipped() {
        Lecture lecture = Lecture.parse("t", List.of("# comment", "## one", "## more of one", "vm list", "", "## two", "vm info x"));
        assertEquals(2, lecture.steps().size());
        assertEquals(List.of("one", "more of one"), lecture.steps().get(0).caption());
        assertEquals(List.of(new Lecture.Command(4, "vm list")), lecture.steps().get(0).commands());
        assertEquals(7, lecture.steps().get(1).commands().get(0).line());
        assertThrows(IllegalArgumentException.class, () -> Lecture.parse("empty", List.of("# nothing")));
    }

    @Test
    void everyShippedLectureIsWellFormedLanguage() throws Exception {
        assertTrue(index().size() >= 4);
        for (String name : index()) {
            Lecture lecture = Lecture.parse(name, shipped(name));
            for (Lecture.Step step : lecture.steps()) {
                assertFalse(step.caption().isEmpty(), name + ": every step has a caption");
                for (Lecture.Command command : step.commands()) {
                    Outcome checked = Interpreter.check(command.text(), Place.SCRIPT);
                    assertTrue(checked.ok(), name + ":" + command.line() + ": " + checked.error());
                }
            }
        }
    }

    @Test
    void theDeprivilegingLecturePlaysFromStartToEnd() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            List<String> lines = play(host, "deprivileging");
            assertTrue(String.join("\n", lines).contains("the end of deprivileging"), lines.toString());
            assertTrue(host.console("lec-hello", 0).text().contains("CPL=3"));
        }
    }

    @Test
    void theRollbackLectureShowsTheGuestNoticingTheRevert() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            String all = String.join("\n", play(host, "rollback"));
            assertEquals(List.of("before", "later"), host.snapshots("lec-gen").stream().map(s -> s.name()).sorted().toList());
            assertTrue(host.console("lec-gen-copy", 0).text().contains("session 3 count"));
            assertTrue(all.contains("a run left behind: reverted to before") && all.contains("⑂ lec-gen-copy  "), all);
        }
    }

    @Test
    void theIntrospectionLectureCatchesTheRootkitAndUndoesIt() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            String all = String.join("\n", play(host, "introspection"));
            assertTrue(all.contains("CHANGED since the baseline") && all.contains("rootkit.hide-process"), all);
            assertTrue(all.contains("secure log ok"), all);
            String console = host.console("lec-rk", 0).text();
            assertTrue(console.strip().endsWith("ps: 3 processes: init shell secret-miner"), console);
            assertTrue(all.contains("lec-os: ps hides loop (pid 3)"), all);
            assertTrue(all.contains("lec-os: restored system call 11"), all);
            assertTrue(all.contains("syscall 11  (outside the kernel text)"), "the watch sees ps's call go to the hook: " + all);
            assertTrue(host.console("lec-os", 0).text().contains("hvos: pid 3 (loop) killed from outside"));
        }
    }

    @Test
    void theAttestationLecturePlaysAndTheGuestNoticesTheRollback() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            play(host, "attestation");
            assertTrue(host.console("lec-m", 0).text().contains("rollback detected"));
        }
    }

    @Test
    void theShadowPagingLectureShowsHiddenPageFaults() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            String all = String.join("\n", play(host, "shadow-paging"));
            assertTrue(all.contains("user pages: code 00301025 stack 00302027"), all);
            assertTrue(all.contains("shadow-pf"), all);
        }
    }

    @Test
    void theNetworkingLecturePingsIsolatesDropsTheForgerAndAlerts() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 2)) {
            String printed = String.join("\n", play(host, "networking"));
            assertTrue(printed.contains("reply from 10.0.0.2"), printed);
            assertFalse(host.console("lec-lonely", 0).text().contains("reply from"));
            assertTrue(printed.contains("the switch dropped its frame"), printed);
            assertTrue(printed.contains("port scan: 10.0.0.66 tried 16 ports"), printed);
            assertTrue(printed.contains("--- 10.0.0.12: 3 sent, 3 received ---"), "two hvos ping each other: " + printed);
        }
    }

    @Test
    void theApicLectureTicksEchoesTypedTextTwiceAndShowsTheScreen() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 2)) {
            String printed = String.join("\n", play(host, "apic"));
            assertTrue(printed.contains("APIC version 00050014"), printed);
            assertTrue(printed.contains("mmio"), printed);
            // the screen: the title, the clock, and "hello" typed on COM1 and again on the keyboard
            assertTrue(printed.contains("apic-ticks: the local APIC's timer") && printed.contains("uptime "), printed);
            assertTrue(printed.contains("hello\nhello"), printed);
        }
    }

    /** Plays a shipped lecture to its end on {@code host}; returns every line its commands printed. */
    private static List<String> play(Host host, String name) throws Exception {
        Interpreter interpreter = new Interpreter(host, Place.SCRIPT);
        List<String> failures = new ArrayList<>();
        List<String> printed = new ArrayList<>();
        CommandRunner commands = line -> {
            Outcome outcome = interpreter.execute(line);
            if (!outcome.ok()) failures.add(line + ": " + outcome.error());
            printed.addAll(outcome.lines());
            return outcome.lines();
        };
        try (LecturePlayer player = new LecturePlayer(Lecture.parse(name, shipped(name)), commands)) {
            while (!player.finished()) {
                player.advance();
                Thread.sleep(50);
            }
            assertEquals(List.of(), failures);
            printed.addAll(player.lines());
        }
        return printed;
    }
}
