package hvlab.tui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shipped hvos-migration script in ./hv's datacenter: a running hvos with a background loop
 * moves from h1 to h2 over TLS while another hvos pings it; its shell answers on h2 through
 * {@code dc vm h2 ...}, the loop came along, and the ping lost few of its twenty.
 */
class HvosMigrationScriptTest {
    @TempDir
    Path dir;

    @Test
    void hvosMovesWithItsLoopItsShellAnswersOnH2AndThePingGoesOn() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(new String[] {"script", "--datacenter", "hvos-migration", "--store", dir.resolve("store").toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        String text = out.toString(StandardCharsets.UTF_8);
        String both = text + "\nstderr:\n" + err.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, both);
        assertTrue(text.matches("(?s).*\nmigrated os-m from h1 to h2 over TLS: downtime \\d+\\.\\d ms, total \\d+\\.\\d ms, \\d+ pages.*"), both);
        assertTrue(text.contains("os-m runs on h2\n  has been on: h1 -> h2"), both);
        String ps = text.substring(text.indexOf("typed 'ps' and a newline into os-m on h2"));
        assertTrue(ps.matches("(?s).*\n +\\d+ +2 +\\w+ +\\d+ loop\n.*"), "the loop moved with it and ps ran on h2:\n" + ps);
        Matcher ping = Pattern.compile("--- 10\\.0\\.0\\.2: 20 sent, (\\d+) received ---").matcher(text);
        assertTrue(ping.find(), both);
        assertTrue(Integer.parseInt(ping.group(1)) >= 17, "few losses across the move:\n" + both);
        assertTrue(text.contains("undefined os-m on h2"), both);
    }

    @Test
    void aCommandAimedAtAHostIsCheckedAndEachMistakeIsOneLine() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String input = String.join("\n", "dc vm h9 console x", "dc vm h2 console nobody", "dc vm h2 send", "dc vm h2 reboot x",
                "dc net h3 create lab", "dc net h3 create lab", "quit", "");
        int status = Main.execute(new String[] {"shell", "--datacenter", "--store", dir.resolve("store").toString(), "--history",
                        dir.resolve("history").toString()},
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        String screen = out + "\n" + err;
        assertEquals(0, status, screen);
        assertTrue(screen.contains("h9"), screen);
        assertTrue(screen.contains("nobody"), screen);
        assertTrue(screen.contains("dc vm HOST send VM TEXT"), screen);
        assertTrue(screen.contains("'vm h2 reboot' is not a host command"), screen);
        assertEquals(2, screen.split("network lab on h3", -1).length - 1, "made once, then found: " + screen);
        assertFalse(screen.contains("Exception"), screen);
    }
}
