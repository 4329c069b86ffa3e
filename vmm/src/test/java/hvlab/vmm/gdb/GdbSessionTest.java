package hvlab.vmm.gdb;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/** The conversation gdb has with the stub, over a real socket, against a made-up target. */
class GdbSessionTest {
    private FakeTarget target;
    private GdbServer server;

    @BeforeEach
    void listen() {
        target = new FakeTarget();
        server = new GdbServer(0, () -> target, "test");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersTheHandshakeGdbOpensWith() throws IOException {
        try (RspClient gdb = new RspClient(server.port())) {
            assertTrue(gdb.ask("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+").contains("qXfer:features:read+"));
            assertEquals("", gdb.ask("vMustReplyEmpty"));
            assertEquals("OK", gdb.ask("Hg0"));
            assertTrue(gdb.ask("qXfer:features:read:target.xml:0,ffb").contains("<architecture>i386</architecture>"));
            assertEquals("T05thread:1;", gdb.ask("?"));
            assertEquals("QC1", gdb.ask("qC"));
            assertEquals("1", gdb.ask("qAttached"));
            assertEquals("m1", gdb.ask("qfThreadInfo"));
            assertEquals("l", gdb.ask("qsThreadInfo"));
            assertEquals("vCont;c;C;s;S", gdb.ask("vCont?"));
        }
    }

    @Test
    void readsAndWritesRegistersInGdbsI386Layout() throws IOException {
        try (RspClient gdb = new RspClient(server.port())) {
            String g = gdb.ask("g");
            assertEquals(2 * (16 * 4 + 8 * 10 + 8 * 4 + 8 * 16 + 4), g.length());
            assertEquals("01000000", g.substring(0, 8));          // eax
            assertEquals("00100000", g.substring(64, 72));        // eip
            assertEquals("OK", gdb.ask("P8=78563412"));
            assertEquals("78563412", gdb.ask("p8"));
            assertEquals(0x12345678, target.registers.eip());
            assertEquals("7f030000", gdb.ask("p18"));             // fctrl (24)
            assertEquals("E16", gdb.ask("p29"));                   // 41: no such register
            assertEquals("OK", gdb.ask("G" + g));
            assertEquals(0x1000, target.registers.eip());
            assertEquals("E01", gdb.ask("G" + g.substring(0, 10)));
        }
    }

    @Test
    void memoryInsideIsReadAndWrittenAndOutsideIsAnError() throws IOException {
        try (RspClient gdb = new RspClient(server.port())) {
            assertEquals("OK", gdb.ask("M1010,4:deadbeef"));
            assertEquals("deadbeef", gdb.ask("m1010,4"));
            assertEquals("E0e", gdb.ask("m0,4"));
            assertEquals("E0e", gdb.ask("mfff00000,4"));
            assertEquals("E0e", gdb.ask("Mfff00000,1:00"));
            assertEquals("E01", gdb.ask("m1010"));
            assertEquals("E01", gdb.ask("M1010,4:dead"));
        }
    }

    @Test
    void breakpointsStepsContinueAndCtrlC() throws IOException {
        try (RspClient gdb = new RspClient(server.port())) {
            assertEquals("OK", gdb.ask("Z0,1004,1"));
            assertTrue(target.breakpoints.contains(0x1004L));
            assertEquals("OK", gdb.ask("z0,1004,1"));
            assertTrue(target.breakpoints.isEmpty());
            assertEquals("T05thread:1;", gdb.ask("vCont;s:1"));
            assertEquals(1, target.steps);
            gdb.raw(new String(Rsp.frame("c"), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals('+', gdb.readByte());
            while (target.running == null) Thread.onSpinWait();
            gdb.raw("\u0003");
            assertEquals("T02thread:1;", gdb.reply());
            assertEquals("OK", gdb.ask("D"));
            assertTrue(target.detached);
        }
    }

    @Test
    void garbageGetsErrorsAndNeverEndsTheSession() throws IOException {
        try (RspClient gdb = new RspClient(server.port())) {
            gdb.raw("\u0000\u00ff garbage ##");
            gdb.raw("$g#00");                 // bad checksum: the stub asks again
            assertEquals('-', gdb.readByte());
            assertEquals("E01", gdb.ask("M1000,1:" + "00".repeat(Rsp.MAX_BODY)));
            assertEquals("E01", gdb.ask("mzz,4"));
            assertEquals("", gdb.ask("qNoSuchThing"));
            assertEquals("OK", gdb.ask("Hc-1"));
            gdb.raw("-");                      // nack: the last reply again
            assertEquals("OK", gdb.reply());
            assertEquals("T05thread:1;", gdb.ask("?"));
        }
    }

    @Test
    void aClientThatLeavesDetachesAndTheNextOneIsServed() throws IOException {
        try (RspClient gdb = new RspClient(server.port())) {
            assertEquals("T05thread:1;", gdb.ask("?"));
        }
        try (RspClient gdb = new RspClient(server.port())) {
            assertEquals("T05thread:1;", gdb.ask("?"));
            assertTrue(target.detached);
            gdb.raw(new String(Rsp.frame("k"), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals('+', gdb.readByte());
            assertEquals(-1, gdb.readByte());
            assertTrue(target.killed);
        }
    }

    @Test
    void aClientThatSendsWithoutReadingIsAnsweredInTurn() throws IOException {
        try (RspClient gdb = new RspClient(server.port())) {
            String one = new String(Rsp.frame("qC"), java.nio.charset.StandardCharsets.ISO_8859_1);
            gdb.raw(one.repeat(5000));
            for (int i = 0; i < 5000; i++) {
                assertEquals("QC1", gdb.reply());
            }
            assertEquals("T05thread:1;", gdb.ask("?"));
        }
    }

    @Test
    void aSecondDebuggerIsTurnedAwayWhileTheFirstIsThere() throws IOException {
        try (RspClient first = new RspClient(server.port())) {
            assertEquals("T05thread:1;", first.ask("?"));
            try (RspClient second = new RspClient(server.port())) {
                assertEquals(-1, second.readByte(), "closed at once, not left waiting");
            }
            assertEquals("QC1", first.ask("qC"));
        }
    }

    @Test
    void aBusyPortIsRefusedWithOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GdbServer(server.port(), () -> target, "second"));
        assertTrue(e.getMessage().startsWith("port " + server.port() + " is busy"), e.getMessage());
    }
}
