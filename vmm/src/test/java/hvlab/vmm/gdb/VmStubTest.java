package hvlab.vmm.gdb;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The stub on a real VM of a real host, spoken to byte by byte (no gdb needed): what it refuses
 * with one line, how Ctrl-C and kill act on the VM's lifecycle, and that the VMM's region and
 * addresses outside RAM are errors, never reads of the VMM's memory.
 */
class VmStubTest {
    @TempDir
    Path dir;
    private Host host;

    @BeforeEach
    void host() {
        host = new Host("local", dir.resolve("store"), 1);
    }

    @AfterEach
    void close() {
        host.close();
    }

    @Test
    void refusesWhatCannotBeDebuggedWithOneLine() {
        host.create(new VmSpec("off", "spinner", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false));
        HostException notRunning = assertThrows(HostException.class, () -> host.serveGdb("off", 0, "test"));
        assertEquals("cannot debug 'off': it is defined (start it first)", notRunning.getMessage());
        assertThrows(HostException.class, () -> host.serveGdb("nobody", 0, "test"));

        host.create(new VmSpec("secret", "spinner", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, true));
        host.act("secret", PowerAction.START, "test");
        HostException closed = assertThrows(HostException.class, () -> host.serveGdb("secret", 0, "test"));
        assertTrue(closed.getMessage().contains("closed-box"), closed.getMessage());

        host.create(new VmSpec("w", "spinner", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false));
        host.act("w", PowerAction.START, "test");
        int port = host.serveGdb("w", 0, "test");
        HostException twice = assertThrows(HostException.class, () -> host.serveGdb("w", 0, "test"));
        assertEquals("'w' already has a gdb stub on port " + port, twice.getMessage());
        host.act("off", PowerAction.START, "test");
        HostException busy = assertThrows(HostException.class, () -> host.serveGdb("off", port, "test"));
        assertTrue(busy.getMessage().startsWith("cannot serve gdb for 'off': port " + port + " is busy"), busy.getMessage());
    }

    @Test
    void attachPausesCtrlCStopsDetachResumesKillPowersOff() throws IOException, InterruptedException {
        host.create(new VmSpec("w", "spinner", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false));
        host.act("w", PowerAction.START, "test");
        int port = host.serveGdb("w", 0, "test");
        try (RspClient gdb = new RspClient(port)) {
            assertEquals("T05thread:1;", gdb.ask("?"));
            assertEquals("paused", host.info("w").state());
            String g = gdb.ask("g");
            assertEquals(616, g.length());
            assertEquals("08000000", g.substring(80, 88), "CS as the guest kernel sees it: RPL 0, not the real 3");
            assertEquals("E0e", gdb.ask("mfff00000,16"), "the VMM's region is not the guest's");
            assertEquals("E0e", gdb.ask("mfff10000,1"));
            assertEquals("E0e", gdb.ask("m400000,4"), "beyond the guest's 4 MiB");
            assertEquals("E0e", gdb.ask("Mfff00000,4:00000000"));
            assertEquals("E0e", gdb.ask("Z0,fff10000,1"));
            assertEquals("E0e", gdb.ask("P0a=0b000000"), "CS is the VMM's to keep");
            assertEquals(8, gdb.ask("m3ffffc,8").length(), "a read that runs off the end of RAM gives what there is");
            for (int i = 0; i < 256; i++) {
                assertEquals("OK", gdb.ask("Z0," + Integer.toHexString(0x200000 + i) + ",1"));
            }
            assertEquals("E0e", gdb.ask("Z0,300000,1"), "a bound on the hooks a client can make");
            assertEquals("OK", gdb.ask("z0,200000,1"));
            assertEquals("OK", gdb.ask("Z0,300000,1"));
            assertEquals("T05thread:1;", gdb.ask("s"));
            gdb.raw(new String(Rsp.frame("c"), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals('+', gdb.readByte());
            waitFor("running");
            gdb.raw("\u0003");
            assertEquals("T02thread:1;", gdb.reply());
            assertEquals("paused", host.info("w").state());
            assertEquals("OK", gdb.ask("D"));
        }
        waitFor("running");
        try (RspClient gdb = new RspClient(port)) {
            assertEquals("T05thread:1;", gdb.ask("?"));
            assertEquals("OK", gdb.ask("vKill;1"));
        }
        waitFor("defined");
    }

    @Test
    void theGuestsEndDuringAContinueReachesGdbAsAnExit() throws IOException, InterruptedException {
        host.create(new VmSpec("w", "typist", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false));
        host.act("w", PowerAction.START, "test");
        int port = host.serveGdb("w", 0, "test");
        try (RspClient gdb = new RspClient(port)) {
            assertEquals("T05thread:1;", gdb.ask("?"));
            gdb.raw(new String(Rsp.frame("vCont;c"), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals('+', gdb.readByte());
            waitFor("running");
            host.send("w", "quit\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("W01", gdb.reply(), "debug exit 0: the status hv run reports, (0 << 1) | 1");
            assertEquals("E16", gdb.ask("g"), "no machine, no registers");
            assertEquals("OK", gdb.ask("D"));
        }
        assertEquals("defined", host.info("w").state());
    }

    private void waitFor(String state) throws InterruptedException {
        for (int i = 0; i < 500 && !host.info("w").state().equals(state); i++) {
            Thread.sleep(10);
        }
        assertEquals(state, host.info("w").state());
    }
}
