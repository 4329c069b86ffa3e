package hvlab.tui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shipped hvos-network script on a real host: three hvos VMs with the kernel's network stack,
 * two on one private network (ping, a UDP echo), the third on another, which reaches nobody.
 */
class HvosNetworkScriptTest {
    @TempDir
    Path dir;

    @Test
    void twoHvosPingAndTradeADatagramAndTheThirdOnAnotherNetworkHearsNothing() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(new String[] {"script", "hvos-network", "--store", dir.resolve("store").toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        String text = out.toString(StandardCharsets.UTF_8);
        String both = text + "\nstderr:\n" + err.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, both);
        for (int seq = 1; seq <= 3; seq++) {
            assertTrue(text.matches("(?s).*\n64 bytes from 10\\.0\\.0\\.2: seq=" + seq + " time=\\d+\\.\\d{3} ms\n.*"), both);
        }
        assertTrue(text.contains("\n--- 10.0.0.2: 3 sent, 3 received ---\n"), both);
        assertTrue(text.contains("\nreply from 10.0.0.2:7: hello from os-a\n"), both);
        assertTrue(text.matches("(?s).*\n  arp: 10\\.0\\.0\\.2 at 52:54:00:[0-9a-f:]{8}, \\d+ s ago\n.*"), both);
        assertTrue(text.contains("no reply from 10.0.0.2: seq=1 (no host answers ARP for that address)\n--- 10.0.0.2: 1 sent, 0 received ---"), both);
        assertTrue(text.lines().anyMatch(l -> l.matches(" +os-a +52:54:00:\\S+ up .*")), both);
        assertFalse(text.contains("panic"), both);
    }
}
