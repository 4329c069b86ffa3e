package hvlab.tui.language;

import hvlab.vmm.host.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** net listen, net connect and net tunnels between two real hosts in this process, over loopback TCP. */
class NetTunnelCommandsTest {
    @TempDir
    Path dir;

    @Test
    void twoHostsJoinTheirSwitchesFromTheLanguage() {
        try (Host h1 = new Host("h1", dir.resolve("h1"), 1); Host h2 = new Host("h2", dir.resolve("h2"), 1)) {
            Interpreter one = new Interpreter(h1, Place.SCRIPT);
            Interpreter two = new Interpreter(h2, Place.SCRIPT);
            Outcome listening = two.execute("net listen");
            assertTrue(listening.ok(), listening.error());
            Matcher port = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(String.join("\n", listening.lines()));
            assertTrue(port.find(), listening.lines().toString());
            Outcome connected = one.execute("net connect 127.0.0.1:" + port.group(1));
            assertTrue(connected.ok(), connected.error());
            assertTrue(String.join("\n", connected.lines()).contains("tunnel to h2 at 127.0.0.1:" + port.group(1) + " is up"));
            Outcome listed = one.execute("net tunnels");
            assertTrue(String.join("\n", listed.lines()).matches("(?s).*h2 +up .*"), listed.lines().toString());
            Outcome again = two.execute("net listen");
            assertFalse(again.ok());
            assertTrue(again.error().contains("already listens"), again.error());
        }
    }

    @Test
    void aTargetThatIsNotAddressAndPortIsAUsageError() {
        try (Host h1 = new Host("h1", dir.resolve("h1"), 1)) {
            Outcome bad = new Interpreter(h1, Place.SCRIPT).execute("net connect nowhere");
            assertFalse(bad.ok());
            assertTrue(bad.error().contains("give the other host as ADDRESS:PORT"), bad.error());
        }
    }
}
