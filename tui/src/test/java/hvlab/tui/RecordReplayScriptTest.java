package hvlab.tui;

import hvlab.tui.script.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped record-and-replay script, on a real host with hvos, and the language's refusals around it. */
class RecordReplayScriptTest {
    @TempDir
    Path dir;

    private String[] run(String input, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private String[] script(String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in = Script.class.getResourceAsStream("/scripts/" + name)) {
            Files.write(file, in.readAllBytes());
        }
        return run("", "script", file.toString(), "--store", dir.resolve("store").toString());
    }

    @Test
    void hvosRecordedFromPowerOnReplaysToTheSameStateAndToAnEarlierMoment() throws Exception {
        String[] o = script("record-replay.hv");
        String both = "stdout:\n" + o[1] + "\nstderr:\n" + o[2];
        assertEquals("0", o[0], both);
        assertTrue(o[1].contains("rec started (running), recording"), both);
        assertTrue(o[1].matches("(?s).*rec: complete, [\\d,]+ events, [\\d,]+ bytes.*"), both);
        assertTrue(o[1].contains("rec: replay same after "), both);
        assertTrue(o[1].contains("the same registers, memory and serial output as the recording"), both);
        String early = o[1].substring(o[1].indexOf("rec: replay stopped after "));
        assertTrue(early.contains("stopped at the time asked for"), both);
        assertTrue(early.contains(" init ") && !early.contains(" loop "), "loop had not been started 2 s in: " + both);
    }

    @Test
    void replayWithoutARecordingAndRecordOnOtherActionsAreRefusedInOneLine() {
        String store = dir.resolve("store").toString();
        String[] o = run("vm create a --guest hello\nvm replay a\n", "shell", "--store", store);
        assertTrue((o[1] + o[2]).contains("'a' has no recording (start it with 'vm start a --record')"), o[1] + o[2]);
        o = run("vm pause a --record\n", "shell", "--store", store);
        assertTrue((o[1] + o[2]).contains("--record goes with 'vm start' only"), o[1] + o[2]);
    }
}
