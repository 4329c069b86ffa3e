package hvlab.tui.ui;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The UI as a person meets it: {@code hv} started in a real terminal (tmux), keys sent, the
 * screen read back with {@code capture-pane}. CI installs tmux; without it the test is skipped
 * with a note, never silently passed.
 */
class TmuxEndToEndTest {
    @TempDir
    Path dir;
    private final String session = "hvlab-e2e-" + ProcessHandle.current().pid();

    @AfterEach
    void kill() throws Exception {
        tmux("kill-session", "-t", session);
    }

    static String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    static boolean tmuxInstalled() {
        try {
            return new ProcessBuilder("tmux", "-V").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", session);
    }

    String waitFor(String text) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        String shown = screen();
        while (!shown.contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                fail("the screen never showed '" + text + "':\n" + shown);
            }
            Thread.sleep(200);
            shown = screen();
        }
        return shown;
    }

    void keys(String... keys) throws Exception {
        for (String key : keys) {
            tmux("send-keys", "-t", session, key);
            Thread.sleep(300);
        }
    }

    @Test
    void startTicksWatchItPauseResumeThenTypeIntoAnotherVmAndQuit() throws Exception {
        Assumptions.assumeTrue(tmuxInstalled(), "tmux is not installed: the end-to-end UI test needs it (apt-get install tmux)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.format("HVLAB_STORE=%s %s --enable-native-access=ALL-UNNAMED -cp '%s' hvlab.tui.Main",
                dir.resolve("store"), java, System.getProperty("java.class.path"));
        tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command);

        String first = waitFor("F1 help");
        assertTrue(first.contains("made the demo VMs"), first);
        assertTrue(first.contains("○ ticks"), first);

        keys("s");                                   // ticks is selected first: start it
        waitFor("● ticks");
        keys("2");                                   // its console
        String console = waitFor("tick 5");
        assertTrue(console.contains("tick 1"), console);
        keys("3");                                   // its exits by kind
        String exits = waitFor("interrupt");
        assertTrue(exits.contains("privileged"), exits);
        keys("p");
        String paused = waitFor("‖ ticks");
        assertTrue(paused.contains("paused"), paused);
        keys("r");
        waitFor("● ticks");

        keys("Down", "Down", "Down", "Down");        // select another VM: typist, which echoes what it reads
        waitFor("─ typist · defined");
        keys("s", "2");                              // start it and open its console
        waitFor("typist: type a line");
        keys("i");                                   // type into the guest's serial port
        waitFor("Esc stops");
        keys("hello q", "Enter");                    // 'q' is the guest's now, not the UI's
        String typed = waitFor("> hello q");
        assertTrue(typed.contains("● typist"), "typing did not quit the UI or stop the VM:\n" + typed);
        keys("Escape");
        waitFor("i: type into the guest");

        keys("F1");
        waitFor("Press any key to go back");
        keys("Escape", "q");
        long deadline = System.currentTimeMillis() + 10_000;
        while (tmux("has-session", "-t", session).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200); // has-session prints nothing while the session (hv) lives
        }
        assertTrue(System.currentTimeMillis() < deadline, "hv quit and its terminal closed");
    }
}
