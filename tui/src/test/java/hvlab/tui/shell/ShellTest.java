package hvlab.tui.shell;

import hvlab.tui.FakeHost;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The shell driven through JLine's dumb terminal with piped input, as a pipe drives {@code hv shell}. */
class ShellTest {
    @TempDir
    Path dir;
    final FakeHost host = new FakeHost();

    String session(String input) throws Exception {
        var out = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8)) {
            assertEquals(0, new Shell(host, terminal, dir.resolve("history"), false).run("welcome"));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsLinesPrintsResultsAndErrorsAndStopsAtQuit() throws Exception {
        String screen = session("""
                vm create w1 --guest spinner
                vm list
                frob
                expect state w1 "running"
                quit
                vm create w2 --guest spinner
                """);
        assertTrue(screen.startsWith("welcome\n"), screen);
        assertTrue(screen.contains("local> defined w1 (guest spinner"), screen);
        assertTrue(screen.contains("NAME  STATE    MODE  WEIGHT/CAP  SHARE  GUEST\nw1    defined"), screen);
        assertTrue(screen.contains("error: unknown command 'frob' (type 'help' for the list)"), screen);
        assertTrue(screen.contains("error: expect failed: w1 is defined, wanted running"), screen);
        assertEquals(List.of("w1"), host.names(), "nothing after quit ran");
    }

    @Test
    void leavingSaysWhichVmsStopWithTheShell() throws Exception {
        String screen = session("vm create w1 --guest spinner\nvm start w1\nquit\n");
        assertTrue(screen.endsWith("powering off 1 VM still running with this shell (their definitions stay in the store)\n"), screen);
    }

    @Test
    void endOfInputEndsTheShellLikeCtrlD() throws Exception {
        session("vm create w1 --guest spinner\n");
        assertEquals(List.of("w1"), host.names());
    }

    @Test
    void historyOutlivesTheSession() throws Exception {
        session("vm list\nhelp vm list\nexit\n");
        List<String> lines = Files.readAllLines(dir.resolve("history"));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith("vm list"), lines.toString());
        assertTrue(lines.get(1).endsWith("help vm list"), lines.toString());
    }

    @Test
    void textWithAnExclamationMarkIsNotHistoryExpansion() throws Exception {
        host.create(hvlab.vmm.host.VmSpec.of("t1", "typist"));
        String screen = session("vm start t1\nvm send t1 hello!\nvm console t1\n");
        assertTrue(screen.contains("typed 'hello!' and a newline into t1"), screen);
    }
}
