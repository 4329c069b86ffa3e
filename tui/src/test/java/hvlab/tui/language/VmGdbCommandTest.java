package hvlab.tui.language;

import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.tui.ExitStatus;
import hvlab.tui.FakeHost;
import hvlab.vmm.host.HostException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@code vm gdb NAME --port P}: what it says, its JSON, and its refusals (the host's passed through as they are). */
class VmGdbCommandTest {
    final FakeHost host = new FakeHost() {
        @Override
        public int serveGdb(String vm, int port, String actor) {
            if (vm.equals("secret")) {
                throw new HostException("'secret' is a closed-box VM: its policy, measured into its vTPM, forbids introspection");
            }
            if (vm.equals("off")) {
                throw new HostException("cannot debug 'off': it is defined (start it first)");
            }
            return port == 0 ? 40123 : port;
        }
    };
    final Interpreter shell = new Interpreter(host, Place.SHELL);

    @Test
    void saysWhereToPointGdbInWordsAndJson() throws Exception {
        Outcome o = shell.execute("vm gdb k --port 1234");
        assertTrue(o.ok(), o.toString());
        assertEquals("gdb stub for k on 127.0.0.1:1234: gdb KERNEL.elf -ex 'target remote :1234'", o.text());
        var json = new ObjectMapper().readTree(shell.execute("vm gdb k --port 0 --json").text());
        assertEquals(40123, json.get("port").asInt());
        assertEquals("127.0.0.1", json.get("host").asText());
        assertEquals("k", json.get("vm").asText());
    }

    @Test
    void refusesWithOneLine() {
        assertEquals("'secret' is a closed-box VM: its policy, measured into its vTPM, forbids introspection",
                shell.execute("vm gdb secret --port 1234").error());
        assertEquals("cannot debug 'off': it is defined (start it first)", shell.execute("vm gdb off --port 1234").error());
        Outcome badPort = shell.execute("vm gdb k --port 70000");
        assertEquals(ExitStatus.USAGE, badPort.status());
        assertEquals("--port takes 0 to 65535, not 70000", badPort.error());
        assertEquals(ExitStatus.USAGE, shell.execute("vm gdb k").status());
        assertEquals("vm gdb needs a host that keeps running: use 'hv shell' or 'hv script FILE'",
                new Interpreter(host, Place.ONE_SHOT).execute("vm gdb k --port 1234").error());
        assertTrue(shell.execute("help vm gdb").text().contains("target remote"));
    }
}
