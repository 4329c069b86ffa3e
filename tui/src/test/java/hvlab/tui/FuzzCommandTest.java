package hvlab.tui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code hv fuzz}: a short run, its JSON summary, its exit status, and the seed kept for a crash. */
class FuzzCommandTest {
    @TempDir
    Path dir;

    private record Outcome(int status, String out, String err) {}

    private static Outcome fuzz(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var command = new FuzzCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int status = new CommandLine(command).execute(args);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aShortRunIsContainedAndSaysSoInJson() throws Exception {
        Path progress = dir.resolve("progress");
        Outcome outcome = fuzz("--runs", "30", "--seed", "42", "--mode", "all", "--json", "--progress-file", progress.toString());
        assertEquals(0, outcome.status(), outcome.err());
        JsonNode summary = new ObjectMapper().readTree(outcome.out());
        assertEquals(30, summary.get("cases").asLong());
        assertEquals(42, summary.get("firstSeed").asLong());
        assertEquals(0, summary.get("broken").size());
        assertEquals(0, summary.get("escapes").asLong());
        long ended = 0;
        for (JsonNode count : summary.get("exits")) {
            ended += count.asLong();
        }
        assertEquals(30, ended, "every case ends one way or another");
        assertTrue(summary.get("pieces").asLong() >= 30, "every case holds at least one random piece: " + summary);
        assertTrue(summary.get("vmExits").asLong() > 0, "the VMM handled the guests' exits: " + summary);
        assertTrue(summary.get("piecesPerSecond").asLong() > 0, summary.toString());
        assertEquals("71", Files.readString(progress).trim(), "the last case started is the last seed");
    }

    @Test
    void theTextSummaryNamesTheRate() {
        Outcome outcome = fuzz("--runs", "5", "--seed", "7", "--mode", "bt");
        assertEquals(0, outcome.status(), outcome.err());
        assertTrue(outcome.out().contains("5 cases (seeds 7..11, mode bt)"), outcome.out());
        assertTrue(outcome.out().contains("cases/s"), outcome.out());
        assertTrue(outcome.out().matches("(?s).*inputs: \\d+ random pieces \\(\\d+/s\\), \\d+ VM exits handled.*"), outcome.out());
        assertTrue(outcome.out().contains("escapes: 0, broken invariants: 0"), outcome.out());
    }

    @Test
    void anUnknownModeIsAUsageError() {
        FuzzCommand command = new FuzzCommand(System.out, System.err);
        command.runs = 1;
        command.mode = "vmx";
        assertThrows(UsageException.class, command::call);
    }
}
