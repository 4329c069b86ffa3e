package hvlab.vmm.gdb;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Packet bodies to requests: what gdb sends for i386, and what it must never be able to break. */
class RequestsTest {

    @Test
    void readsWhatGdbSends() {
        assertEquals(new Request.ReadMemory(0x100000, 4), Requests.parse("m100000,4"));
        assertEquals(new Request.Breakpoint(true, 0x10002a), Requests.parse("Z0,10002a,1"));
        assertEquals(new Request.Breakpoint(false, 0x10002a), Requests.parse("z0,10002a,1"));
        assertEquals(new Request.Breakpoint(true, 0x10002a), Requests.parse("Z1,10002a,1"));
        assertEquals(new Request.ReadRegister(8), Requests.parse("p8"));
        assertEquals(new Request.Continue(), Requests.parse("vCont;c"));
        assertEquals(new Request.Step(), Requests.parse("vCont;s:1;c"));
        assertEquals(new Request.Step(), Requests.parse("vCont;s:p1.1;c"));
        assertEquals(new Request.Features("target.xml", 0, 0xffb), Requests.parse("qXfer:features:read:target.xml:0,ffb"));
        assertEquals(new Request.Supported(), Requests.parse("qSupported:multiprocess+;swbreak+;hwbreak+"));
        assertEquals(new Request.Kill(false), Requests.parse("k"));
        assertEquals(new Request.Kill(true), Requests.parse("vKill;1"));
        assertInstanceOf(Request.Unsupported.class, Requests.parse("Z2,1000,4")); // watchpoints: not offered
        assertInstanceOf(Request.Unsupported.class, Requests.parse("qTStatus"));
        assertInstanceOf(Request.Unsupported.class, Requests.parse(""));
    }

    @Test
    void writesCarryTheirBytes() {
        Request.WriteMemory m = (Request.WriteMemory) Requests.parse("M1000,2:beef");
        assertEquals(0x1000, m.address());
        assertArrayEquals(new byte[] {(byte) 0xbe, (byte) 0xef}, m.bytes());
        Request.WriteRegister p = (Request.WriteRegister) Requests.parse("P8=78563412");
        assertEquals(8, p.number());
        assertEquals(4, p.value().length);
    }

    @Test
    void nothingHostileThrows() {
        for (String body : List.of("m", "m,", "mzz,4", "m1000", "m1000,", "m100000000,4", "mffffffffffffffffff,1",
                "M1000,2:be", "M1000,2:zzzz", "M1000,ffffffff:00", "M1000", "P", "P8", "P8=zz", "pzz", "p", "G0",
                "Gzz", "Z0", "Z0,", "Z0,zz,1", "z", "vCont;", "vCont;x", "vCont;c:2", "qXfer:features:read:target.xml",
                "qXfer:features:read:target.xml:zz,1", "c1000", "s1000", "\u0000\u00ff", "m-1,4")) {
            Request r = Requests.parse(body);
            assertNotNull(r, body);
            assertTrue(r instanceof Request.Malformed || r instanceof Request.Unsupported, body + " -> " + r);
        }
    }

    @Test
    void aHugeReadIsCutToWhatOneReplyHolds() {
        assertEquals(new Request.ReadMemory(0x1000, Requests.MAX_READ), Requests.parse("m1000,7fffffff"));
    }
}
