package hvlab.tui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The shipped networking script, run twice on one store as a student would, and the one-shot {@code hv net} after it. */
class NetworkingScriptTest {
    @TempDir
    Path dir;

    private String[] hv(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void theScriptRunsAndRunsAgain() {
        String store = dir.resolve("store").toString();
        for (int run = 0; run < 2; run++) {
            String[] r = hv("script", "networking", "--store", store);
            assertEquals("0", r[0], r[1] + r[2]);
            assertTrue(r[1].contains("3 replies"), r[1]);
            assertTrue(r[1].contains("port scan: 10.0.0.66"), r[1]);
        }
        String[] list = hv("net", "list", "--store", store);
        assertEquals("0", list[0], list[2]);
        assertTrue(list[1].lines().anyMatch(l -> l.matches("lan +ids +net-\\S+ net-\\S+ net-\\S+ net-\\S+")), list[1]);
        assertTrue(list[1].lines().anyMatch(l -> l.matches("dark +- +net-lonely")), list[1]);
        String[] capture = hv("net", "capture", "net-echo", "x.pcap", "--count", "1", "--store", store);
        assertEquals("hv: net capture needs a host that keeps running: use 'hv shell' or 'hv script FILE'", capture[2].strip());
    }
}
