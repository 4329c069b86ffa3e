package hvlab.tui.language;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Durations as scripts write them: 500ms, 2s, 1m, 1h, or plain seconds. */
class DurationsTest {

    @Test
    void everyFormParses() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofSeconds(3), Durations.parse("3"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMillis(100), Durations.parse("0.1"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void badDurationsSayWhatWouldDo() {
        for (String bad : new String[] {"", "s", "5x", "-1s", "1.s", "2 s", "ten", "1e3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals("bad duration '" + bad + "' (use 500ms, 2s, 1m, 1h or a number of seconds)", e.getMessage());
        }
        assertEquals("duration '99999999999999h' is too long",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999h")).getMessage());
    }

    @Test
    void formatPicksTheShortestExactForm() {
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("10s", Durations.format(Duration.ofSeconds(10)));
        assertEquals("1.25s", Durations.format(Duration.ofMillis(1250)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
        assertEquals("1h", Durations.format(Duration.ofHours(1)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
    }
}
