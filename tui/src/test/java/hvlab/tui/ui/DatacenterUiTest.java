package hvlab.tui.ui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** The UI on Lanterna's virtual terminal over a real host: what a person would see, key by key. */
class DatacenterUiTest {
    @TempDir
    Path dir;
    Host host;
    DefaultVirtualTerminal terminal;
    Screen screen;
    DatacenterUi ui;

    @BeforeEach
    void open() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("ticks", "ticks"));
        host.create(VmSpec.of("hello", "hello"));
        terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
        screen = new TerminalScreen(terminal);
        screen.startScreen();
        ui = new DatacenterUi(screen, List.of(host), line -> List.of("ran: " + line));
    }

    @AfterEach
    void close() throws Exception {
        screen.stopScreen();
        host.close();
    }

    /** Presses a key, lets the UI act and draw, and returns the screen's text. */
    String press(KeyStroke key) throws Exception {
        terminal.addInput(key);
        return frame();
    }

    String frame() throws Exception {
        for (KeyStroke k = screen.pollInput(); k != null; k = screen.pollInput()) {
            uiController().handle(k);
        }
        uiModel().refresh(uiController().view);
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
        long deadline = System.currentTimeMillis() + 10_000;
        String shown = frame();
        while (!until.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for " + what + "\n" + shown);
            Thread.sleep(50);
            shown = frame();
        }
        return frame();
    }

    Controller uiController() throws Exception {
        var field = DatacenterUi.class.getDeclaredField("controller");
        field.setAccessible(true);
        return (Controller) field.get(ui);
    }

    DatacenterModel uiModel() throws Exception {
        var field = DatacenterUi.class.getDeclaredField("model");
        field.setAccessible(true);
        return (DatacenterModel) field.get(ui);
    }

    static KeyStroke key(char c) {
        return new KeyStroke(c, false, false);
    }

    @Test
    void at80x24ItShowsTheTreeTheSelectedVmAndTheKeys() throws Exception {
        String screenText = frame();
        assertTrue(screenText.contains("host local"), screenText);
        assertTrue(screenText.contains("○ hello"), screenText);
        assertTrue(screenText.contains("○ ticks"), screenText);
        assertTrue(screenText.contains("F1 help"), screenText);
        String keys = screenText.lines().toList().getLast();
        for (String needed : List.of("s start", "p pause", "r resume", "1-8 view", "i type", "q quit")) {
            assertTrue(keys.contains(needed), "the bottom line shows '" + needed + "' in 80 columns: " + keys);
        }
        assertEquals(24, screenText.lines().count());
        assertTrue(screenText.lines().allMatch(line -> line.length() == 80));
    }

    @Test
    void startWatchPauseResumeAndQuitWithTheKeysOnScreen() throws Exception {
        press(new KeyStroke(KeyType.ArrowDown)); // hello, ticks: the second row
        String started = press(key('s'));
        assertTrue(started.contains("ticks: start -> running"), started);
        press(key('2'));
        String console = awaitFrame("ticks on the console", () -> host.console("ticks", 0).text().contains("tick 3"));
        assertTrue(console.contains("tick 1"), console);
        press(key('3'));
        String exits = frame();
        assertTrue(exits.contains("privileged") && exits.contains("interrupt"), exits);
        for (int i = 0; i < 3; i++) { // the same order in every frame, so that a person can follow a row
            String again = frame();
            assertTrue(again.indexOf("│interrupt ") < again.indexOf("│io ") && again.indexOf("│io ") < again.indexOf("│privileged "), again);
        }
        String paused = press(key('p'));
        assertTrue(paused.contains("‖ ticks") && paused.contains("paused"), paused);
        String resumed = press(key('r'));
        assertTrue(resumed.contains("● ticks") || resumed.contains("○ ticks"), resumed);
        press(key('q'));
        assertTrue(uiController().quit);
    }

    @Test
    void theOverviewSaysWhetherAVmIsRecordedForReplay() throws Exception {
        String plain = frame();
        assertTrue(plain.contains("replay  not recorded"), plain);
        host.replay().startRecorded("ticks", "test"); // the VM selected: the first in the tree
        String recorded = awaitFrame("the line to change", () -> {
            try {
                return !frame().contains("replay  not recorded");
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(recorded.contains("replay  ● recording") || recorded.contains("replay  recorded"), recorded);
    }

    @Test
    void theOverviewListsTheNetworkCardAndItsNetwork() throws Exception {
        host.network().create("lan");
        host.create(new hvlab.vmm.host.VmSpec("anet", "ticks", null, null, hvlab.vmm.host.VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        String shown = frame();
        for (int row = 0; row < 3 && !shown.contains("─ anet ·"); row++) shown = press(new KeyStroke(KeyType.ArrowDown));
        assertTrue(shown.contains("NIC (0x500, IRQ11) on lan, 52:54:00:"), shown);
    }

    @Test
    void theOverviewShowsTheIdsAlertsOfTheVmsNetwork() throws Exception {
        host.network().create("lan");
        host.network().mirror("lan", List.of(), "test");
        for (String[] vm : new String[][] {{"victim", "net-echo"}, {"scanner", "port-scan"}}) {
            host.create(new hvlab.vmm.host.VmSpec(vm[0], vm[1], "4M", null, hvlab.vmm.host.VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
            host.act(vm[0], PowerAction.START, "test");
        }
        String shown = frame();
        for (int row = 0; row < 4 && !shown.contains("─ scanner ·"); row++) shown = press(new KeyStroke(KeyType.ArrowDown));
        assertTrue(shown.contains("─ scanner ·"), shown);
        String alerted = awaitFrame("the IDS alert in view 1", () -> {
            try {
                return frame().contains("IDS: ");
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(alerted.contains("on lan (:net alerts)") && alerted.contains("scanner: port scan"), alerted);
    }

    @Test
    void mShowsFigureFourAndTheArrowsWalkItsFeaturesNotes() throws Exception {
        String screen = press(new KeyStroke('M', false, false));
        assertTrue(screen.contains("figure 4") && screen.contains("trap program execution") && screen.contains("IV.A.1"), screen);
        assertTrue(screen.contains("t: run the threat scenarios"), screen);
        for (int i = 0; i < 17; i++) {
            screen = press(new KeyStroke(KeyType.ArrowDown));
        }
        assertTrue(screen.contains("transfer") && screen.contains("IV.D.1"), "the table scrolls with the cursor:\n" + screen);
        assertTrue(screen.contains("I: paper - (IV.D.1), hvlab empty: not measured yet"), "the selected feature's notes:\n" + screen);
        screen = press(new KeyStroke(KeyType.Escape));
        assertFalse(screen.contains("figure 4"), screen);
        assertFalse(uiController().matrix.open);
    }

    @Test
    void helpOpensWithF1AndAnyKeyClosesIt() throws Exception {
        String help = press(new KeyStroke(KeyType.F1));
        assertTrue(help.contains("Press any key to go back"), help);
        String back = press(key('x'));
        assertFalse(back.contains("Press any key to go back"));
    }

    @Test
    void theCommandLineRunsTheManagementLanguage() throws Exception {
        press(key(':'));
        for (char c : "vm list".toCharArray()) press(key(c));
        String typed = frame();
        assertTrue(typed.contains(": vm list"), typed);
        press(new KeyStroke(KeyType.Enter));
        String ran = awaitFrame("the command's output", () -> {
            try {
                return !uiController().commandRunning() && uiController().output.size() > 1;
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(ran.contains("ran: vm list"), ran);
    }

    @Test
    void tabCompletesTheCommandLineAsTheShellDoes() throws Exception {
        press(key(':'));
        for (char c : "vm cr".toCharArray()) press(key(c));
        assertTrue(press(new KeyStroke(KeyType.Tab)).contains(": vm create "), "one candidate: the word, and a space");
        for (char c : "x --gu".toCharArray()) press(key(c));
        assertTrue(press(new KeyStroke(KeyType.Tab)).contains(": vm create x --guest "));
        for (char c : "ti".toCharArray()) press(key(c));
        assertTrue(press(new KeyStroke(KeyType.Tab)).contains(": vm create x --guest ticks "), "a built-in guest");
        press(new KeyStroke(KeyType.Escape));

        press(key(':'));
        for (char c : "vm info ".toCharArray()) press(key(c));
        String both = press(new KeyStroke(KeyType.Tab));
        assertTrue(both.contains("hello  ticks"), "two VMs fit: both are listed\n" + both);
        press(key('h'));
        assertTrue(press(new KeyStroke(KeyType.Tab)).contains(": vm info hello "), "the host's VM names");
        press(new KeyStroke(KeyType.Escape));
    }

    @Test
    void itRedrawsForALargerTerminalAndSaysSoWhenTooSmall() throws Exception {
        terminal.setTerminalSize(new TerminalSize(120, 40));
        String large = frame();
        assertEquals(40, large.lines().count());
        assertTrue(large.lines().findFirst().orElse("").length() == 120);
        terminal.setTerminalSize(new TerminalSize(60, 20));
        String small = frame();
        assertTrue(small.contains("at least 80x24"), small);
    }

    @Test
    void typingGoesToTheGuestsSerialPort() throws Exception {
        host.create(VmSpec.of("echo", "typist"));
        frame();
        while (!uiModel().selectedRow().name.equals("echo")) press(new KeyStroke(KeyType.ArrowDown));
        press(key('s'));
        awaitFrame("the prompt", () -> host.console("echo", 0).text().contains("type a line"));
        press(key('i'));
        for (char c : "hi".toCharArray()) press(key(c));
        press(new KeyStroke(KeyType.Enter));
        String shown = awaitFrame("the echo", () -> host.console("echo", 0).text().contains("> hi"));
        assertTrue(shown.contains("Esc stops"), shown);
    }

    @Test
    void theHistoryViewDrawsTheSnapshotTreeThatSTakes() throws Exception {
        frame();
        while (!uiModel().selectedRow().name.equals("ticks")) press(new KeyStroke(KeyType.ArrowDown));
        press(key('s'));
        awaitFrame("ticking", () -> host.console("ticks", 0).text().contains("tick 2"));
        String empty = press(key('4'));
        assertTrue(empty.contains("[4 history]"), empty);
        assertTrue(empty.contains("none yet"), empty);
        String taking = press(key('S'));
        // on another thread, so the screen goes on meanwhile (unless it was quicker than a frame)
        assertTrue(taking.contains("taking a snapshot") || taking.contains("snapshot ui-"), taking);
        String tree = awaitFrame("the tree", () -> {
            try {
                return host.snapshots("ticks").size() == 1 && !uiController().commandRunning();
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(tree.contains("ticks: snapshot ui-"), tree);
        assertTrue(tree.contains("● ui-") && tree.contains("◀ now"), tree);
        assertTrue(tree.contains("snapshot"), tree);
        assertTrue(tree.lines().allMatch(line -> line.length() == 80), tree);
    }

    @Test
    void theTrapLogShowsEachTrapWithItsInstructionAndCanBeFilteredAndHeld() throws Exception {
        frame();
        while (!uiModel().selectedRow().name.equals("ticks")) press(new KeyStroke(KeyType.ArrowDown));
        press(key('s'));
        String log = press(key('5'));
        assertTrue(log.contains("[5 log]"), log);
        log = awaitFrame("traps in the log", () -> {
            try {
                return uiModel().selectedRow().trapLog.shown().size() >= 3;
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(log.contains("/s sampled"), log);
        assertTrue(log.contains("→"), log);
        // ticks: its timer interrupts are delivered through its IDT, its EOIs and output are port I/O
        assertTrue(log.contains("interrupt") || log.contains("io"), log);
        press(key('f')); // privileged only
        String privileged = frame();
        assertTrue(privileged.contains("privileged only"), privileged);
        press(key('h'));
        String held = frame();
        assertTrue(held.contains("HELD"), held);
        long before = uiModel().selectedRow().trapLog.lastSeq;
        Thread.sleep(600);
        frame();
        assertEquals(before, uiModel().selectedRow().trapLog.lastSeq, "held: nothing new is taken in");
        assertTrue(held.lines().allMatch(line -> line.length() == 80), held);
    }

    @Test
    void theVmiViewShowsTheIdtFromOutsideAndIWatchesItsIntegrity() throws Exception {
        host.create(VmSpec.of("counter", "counter")); // a guest that does not end while it is watched
        frame();
        for (int i = 0; i < 10 && !uiModel().selectedRow().name.equals("counter"); i++) press(new KeyStroke(KeyType.ArrowDown));
        assertEquals("counter", uiModel().selectedRow().name);
        press(key('s'));
        press(key('6'));
        String inside = awaitFrame("the IDT seen from outside", () -> {
            try {
                return !uiModel().selectedRow().vmi.gates.isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(inside.contains("[6 vmi]") && inside.contains("0x20 -> 0008:"), inside);
        assertTrue(inside.contains("cpl 0 "), "the guest's virtual CPL, not the real 3: " + inside);
        press(key('I'));
        String watched = awaitFrame("an integrity verdict", () -> {
            try {
                return uiModel().selectedRow().vmi.integrity != null;
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(watched.contains("integrity baseline taken") || watched.contains("integrity: clean"), watched);
        assertTrue(watched.lines().allMatch(line -> line.length() == 80), watched);
    }

    @Test
    void forHvosTheVmiViewShowsItsKernelsProcessTableAndChecksItsSystemCalls() throws Exception {
        host.create(VmSpec.of("os", "hvos"));
        frame();
        for (int i = 0; i < 10 && !uiModel().selectedRow().name.equals("os"); i++) press(new KeyStroke(KeyType.ArrowDown));
        assertEquals("os", uiModel().selectedRow().name);
        press(key('s'));
        press(key('6'));
        String inside = awaitFrame("the kernel's processes seen from outside", () -> {
            try {
                var processes = uiModel().selectedRow().vmi.processes;
                return processes != null && processes.stream().anyMatch(p -> p.name().equals("sh"));
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(inside.contains("kernel's process table (") && inside.contains(" init"), inside);
        press(key('I'));
        String watched = awaitFrame("a kernel verdict", () -> {
            try {
                return uiModel().selectedRow().vmi.kernel != null;
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(watched.contains("kernel: clean, text and 22 system calls"), watched);
        assertTrue(watched.lines().allMatch(line -> line.length() == 80), watched);
    }
}
