package hvlab.tui.ui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import hvlab.vmm.host.HostControl;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The default datacenter in the UI, on Lanterna's virtual terminal: three hosts in this JVM with
 * a manager that speaks TLS to them, the demo VMs on h1, view 7, and a live migration by keys.
 */
class DatacenterViewTest {
    @TempDir
    Path dir;
    EmbeddedDatacenter dc;
    DefaultVirtualTerminal terminal;
    Screen screen;
    DatacenterUi ui;

    @BeforeEach
    void open() throws Exception {
        dc = EmbeddedDatacenter.start(dir, 3, 1, false);
        DemoVms.furnish(dc.host("h1"));
        terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
        screen = new TerminalScreen(terminal);
        screen.startScreen();
        List<HostControl> hosts = new ArrayList<>();
        dc.hostNames().forEach(h -> hosts.add(dc.host(h)));
        ui = new DatacenterUi(screen, hosts, line -> List.of("ran: " + line), dc.manager());
    }

    @AfterEach
    void close() throws Exception {
        screen.stopScreen();
        dc.close();
    }

    @Test
    void theTreeShowsEveryHostAndTheDemoVmsOnH1() throws Exception {
        String shown = frame();
        assertTrue(shown.contains("host h1  (0/15 on)"), shown);
        assertTrue(shown.contains("host h2  (0/0 on)") && shown.contains("host h3  (0/0 on)"), shown);
        assertTrue(shown.contains("○ ticks"), shown);
        assertTrue(shown.lines().allMatch(line -> line.length() == 80));
        // the last demo VM is reached by the keys, and the tree scrolls to it
        for (int i = 0; i < 14; i++) press(new KeyStroke(KeyType.ArrowDown));
        assertEquals("hvos", model().selectedRow().name);
        assertTrue(frame().contains("hvos"), frame());
    }

    @Test
    void keysMigrateTheSelectedVmLiveAndView7DrawsItsRounds() throws Exception {
        select("counter");
        press(key('s'));
        awaitFrame("counter counting", () -> dc.host("h1").console("counter", 0).text().contains("count 3"));
        String seven = press(key('7'));
        assertTrue(seven.contains("h1") && seven.contains("h2") && seven.contains("h3") && seven.contains("imbalance"), seven);
        String asked = press(key('m'));
        assertTrue(asked.contains("migrate counter (on h1) live to: 2 h2  3 h3"), asked);
        press(key('2'));
        String done = awaitFrame("the migration to end", () -> {
            var shown = model().migration.shown();
            return shown != null && !shown.running();
        });
        assertTrue(done.contains("migration counter h1 → h2 · done"), done);
        assertTrue(done.contains("pre-copy") && done.contains("stop-and-copy") && done.contains("downtime"), done);
        assertTrue(dc.host("h2").hasVm("counter") && !dc.host("h1").hasVm("counter"));
        String followed = awaitFrame("the selection to follow it", () -> model().selectedRow() != null && model().selectedRow().host.equals("h2"));
        assertTrue(followed.contains("host h2  (1/1 on)"), followed);
        press(key('7'));
        String flagged = awaitFrame("the manager's patch report", () -> model().managerWatch.seen().flagged().size() > 0);
        assertTrue(flagged.contains("patches  ") && flagged.contains("flagged: ticks (off, missing)"), flagged);
    }

    @Test
    void aMigrationToAHostItsPlacementForbidsIsRefusedAndTheBalancerExplains() throws Exception {
        select("ticks");
        controller().run("dc place ticks h1 h2");
        awaitIdle();
        assertTrue(controller().output.toString().contains("ticks may run on h1, h2"), controller().output.toString());
        press(key('m'));
        press(key('3'));
        awaitIdle();
        String refused = frame();
        assertTrue(refused.contains("may run only on h1, h2"), refused);
        assertTrue(dc.host("h1").hasVm("ticks"));
        controller().run("dc where ticks");
        awaitIdle();
        assertTrue(controller().output.toString().contains("has been on: h1"), controller().output.toString());
        press(key('s')); // ticks runs, then is replicated to h2: view 7 shows the replica
        controller().run("dc replicate ticks --to h2 --every 100");
        awaitIdle();
        press(key('7'));
        String replicated = awaitFrame("the replica in view 7", () -> model().managerWatch.seen().replicas().stream()
                .anyMatch(r -> r.primary() && r.epochsAcked() > 0));
        assertTrue(replicated.contains("replica  ticks → h2 · replicating"), replicated);
        controller().run("dc replicate ticks --stop");
        awaitIdle();
        press(key('b'));
        awaitIdle();
        assertTrue(controller().output.toString().contains("imbalance (standard deviation of host loads)"), controller().output.toString());
    }

    @Test
    void theDatacenterLecturePlaysBalancesRefusesThePinnedVmAndFlagsTheRevert() throws Exception {
        var interpreter = new hvlab.tui.language.Interpreter(dc.host("h1"), hvlab.tui.language.Place.SCRIPT);
        DatacenterUi lectureUi = new DatacenterUi(screen, List.of(dc.host("h1"), dc.host("h2"), dc.host("h3")),
                line -> {
                    var outcome = interpreter.execute(line);
                    if (!outcome.ok()) throw new IllegalStateException(outcome.error());
                    return outcome.lines();
                }, dc.manager());
        List<String> all = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/lectures/datacenter.lecture");
             LecturePlayer player = new LecturePlayer(Lecture.parse("datacenter", new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()),
                     lectureUi.commands())) {
            while (!player.finished()) {
                if (player.advance()) {
                    while (player.busy()) Thread.sleep(50);
                    all.addAll(player.lines()); // each step's lines replace the last step's
                }
            }
        }
        String text = String.join("\n", all);
        List<String> failures = text.lines().filter(l -> l.startsWith("line ")).toList();
        assertEquals(1, failures.size(), text);
        assertTrue(failures.getFirst().contains("'lec-s3' may run only on h1 (its placement policy), not on h2"), text);
        assertTrue(text.contains("not lec-s3 -> h"), text);
        assertTrue(text.contains("migrated lec-s"), text);
        assertTrue(text.contains("UNPATCHED AGAIN: lost HVSA-2026-002 by the revert to snapshot 'pre-HVSA-2026-002'"), text);
        assertTrue(text.matches("(?s).*lec-rp +h1 +no patches +quarantined: HVSA-2026-003 has no fix.*"), text);
        assertTrue(text.matches("(?s).*lec-s1 -> h1: replicating, [1-9]\\d* checkpoints.*"), text);
        assertTrue(text.contains("migrated lec-m from h1 to h3 over TLS") && text.contains("its vTPM sealed to the TPM of host h3"), text);
        assertTrue(text.contains("the end of"), text);
        for (String host : dc.hostNames()) {
            // A backup's copy goes when its replication's stop reaches it, a moment after 'dc replicate --stop' returns.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (dc.host(host).list().stream().anyMatch(vm -> vm.name().startsWith("lec-")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(dc.host(host).list().stream().noneMatch(vm -> vm.name().startsWith("lec-")), "tidied up on " + host + ": "
                    + dc.host(host).list().stream().map(vm -> vm.name() + " " + vm.state()).toList() + "\n" + text);
        }
    }

    private void select(String vm) throws Exception {
        frame();
        for (int i = 0; i < 20 && !model().selectedRow().name.equals(vm); i++) press(new KeyStroke(KeyType.ArrowDown));
        assertEquals(vm, model().selectedRow().name);
    }

    private void awaitIdle() throws Exception {
        awaitFrame("the command to end", () -> !controller().commandRunning());
    }

    String press(KeyStroke key) throws Exception {
        terminal.addInput(key);
        return frame();
    }

    String frame() throws Exception {
        for (KeyStroke k = screen.pollInput(); k != null; k = screen.pollInput()) {
            controller().handle(k);
        }
        model().refresh(controller().view);
        screen.doResizeIfNecessary();
        ui.draw();
        screen.refresh(Screen.RefreshType.COMPLETE);
        StringBuilder text = new StringBuilder();
        TerminalSize size = terminal.getTerminalSize();
        for (int y = 0; y < size.getRows(); y++) {
            for (int x = 0; x < size.getColumns(); x++) {
                text.append(terminal.getCharacter(x, y).getCharacterString());
            }
            text.append('\n');
        }
        return text.toString();
    }

    String awaitFrame(String what, BooleanSupplier until) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        String shown = frame();
        while (!until.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for " + what + "\n" + shown);
            Thread.sleep(50);
            shown = frame();
        }
        return frame();
    }

    Controller controller() {
        return ui.controller();
    }

    DatacenterModel model() {
        return ui.model();
    }

    static KeyStroke key(char c) {
        return new KeyStroke(c, false, false);
    }
}
