package hvlab.tui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code net limit} as a user types it: show, set, keep across runs, back to the default, and mistakes in one line. */
class NetLimitCommandTest {
    @TempDir
    Path dir;

    private String[] hv(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--store";
        all[args.length + 1] = dir.resolve("store").toString();
        int status = Main.execute(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void setShowKeepAndReset() {
        assertEquals("0", hv("net", "create", "lan")[0]);
        assertEquals("0", hv("vm", "create", "p", "--guest", "net-ping", "--net", "lan")[0]);
        String[] shown = hv("net", "limit", "p");
        assertEquals("p: 10,000 frames/s (burst 1,000), 12,500,000 bytes/s (burst 1,250,000) (the host's default)\n", shown[1], shown[2]);
        String[] set = hv("net", "limit", "p", "--frames", "100", "--bytes", "64K");
        assertEquals("0", set[0], set[2]);
        assertEquals("p: 100 frames/s (burst 10), 65,536 bytes/s (burst 6,553)\n", set[1]);
        assertEquals("p: 100 frames/s (burst 10), 65,536 bytes/s (burst 6,553)\n", hv("net", "limit", "p")[1], "kept in the store");
        assertEquals("p: unlimited frames, 65,536 bytes/s (burst 6,553)\n", hv("net", "limit", "p", "--frames", "0")[1]);
        assertEquals("p: 10,000 frames/s (burst 1,000), 12,500,000 bytes/s (burst 1,250,000)\n", hv("net", "limit", "p", "--default")[1]);
    }

    @Test
    void mistakesAreOneLine() {
        assertEquals("0", hv("vm", "create", "p", "--guest", "spinner")[0]);
        String[] bad = hv("net", "limit", "p", "--bytes", "lots");
        assertNotEquals("0", bad[0]);
        assertEquals("hv: net limit: --bytes lots: not a size (try 64K or 1M, or 0 for unlimited)\n", bad[2]);
        String[] both = hv("net", "limit", "p", "--default", "--frames", "5");
        assertNotEquals("0", both[0]);
        assertEquals(1, both[2].lines().count(), both[2]);
        String[] negative = hv("net", "limit", "p", "--frames", "-5");
        assertNotEquals("0", negative[0]);
        assertEquals(1, negative[2].lines().count(), negative[2]);
        String[] nobody = hv("net", "limit", "nobody");
        assertNotEquals("0", nobody[0]);
        assertEquals(1, nobody[2].lines().count(), nobody[2]);
        assertFalse(nobody[2].contains("Exception"), nobody[2]);
    }
}
