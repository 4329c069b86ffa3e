package hvlab.tui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code vm iotune} as a user types it: show, set, keep across runs, back to unlimited, and mistakes in one line. */
class VmIotuneCommandTest {
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
    void setShowKeepAndLift() {
        assertEquals("0", hv("vm", "create", "d", "--guest", "diskio", "--disk", "1M")[0]);
        assertEquals("d: disk unlimited bytes, unlimited operations\n", hv("vm", "iotune", "d")[1]);
        String[] set = hv("vm", "iotune", "d", "--bytes", "64K", "--ops", "50");
        assertEquals("0", set[0], set[2]);
        assertEquals("d: disk 65,536 bytes/s (burst 6,553), 50 operations/s (burst 5) (from its next start)\n", set[1]);
        assertEquals("d: disk 65,536 bytes/s (burst 6,553), 50 operations/s (burst 5)\n", hv("vm", "iotune", "d")[1], "kept in the store");
        assertEquals("d: disk 65,536 bytes/s (burst 6,553), unlimited operations (from its next start)\n",
                hv("vm", "iotune", "d", "--ops", "0")[1]);
        assertTrue(hv("vm", "iotune", "d", "--json")[1].contains("\"bytesPerSecond\":65536"));
        assertEquals("d: disk unlimited bytes, unlimited operations (from its next start)\n", hv("vm", "iotune", "d", "--unlimited")[1]);
        assertTrue(hv("vm", "history", "d")[1].contains("disk-limit"));
    }

    @Test
    void mistakesAreOneLine() {
        assertEquals("0", hv("vm", "create", "d", "--guest", "spinner")[0]);
        String[] bad = hv("vm", "iotune", "d", "--bytes", "lots");
        assertNotEquals("0", bad[0]);
        assertEquals("hv: vm iotune: --bytes lots: not a size (try 64K or 1M, or 0 for unlimited)\n", bad[2]);
        for (String[] wrong : new String[][] {{"vm", "iotune", "d", "--unlimited", "--ops", "5"}, {"vm", "iotune", "d", "--ops", "-5"},
                {"vm", "iotune", "nobody"}}) {
            String[] o = hv(wrong);
            assertNotEquals("0", o[0], String.join(" ", wrong));
            assertEquals(1, o[2].lines().count(), o[2]);
            assertFalse(o[2].contains("Exception"), o[2]);
        }
    }
}
