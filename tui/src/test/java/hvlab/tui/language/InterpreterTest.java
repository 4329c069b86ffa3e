package hvlab.tui.language;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.tui.ExitStatus;
import hvlab.tui.FakeHost;
import hvlab.vmm.host.VmInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The interpreter's own part: unknown words, help, quit, --json errors, checking without running. */
class InterpreterTest {
    final FakeHost host = new FakeHost();
    final Interpreter shell = new Interpreter(host, Place.SHELL);

    void fails(String line, int status, String error) {
        Outcome o = shell.execute(line);
        assertEquals(status, o.status(), line + " -> " + o);
        assertEquals(error, o.error());
        assertTrue(o.errorForStderr());
    }

    @Test
    void blankLinesAndCommentsDoNothing() {
        assertEquals(Outcome.NOTHING, shell.execute(""));
        assertEquals(Outcome.NOTHING, shell.execute("   # just a note"));
    }

    @Test
    void unknownWordsAreNamed() {
        fails("frob w1", ExitStatus.USAGE, "unknown command 'frob' (type 'help' for the list)");
        fails("vm frob w1", ExitStatus.USAGE, "unknown command 'vm frob' (vm has: create, start, pause, resume, reset, "
                + "shutdown, poweroff, destroy, undefine, list, info, console, screen, send, clone, history, traps, gdb, backup, restore, attach, detach, "
                + "migrate, recording, replay, iotune)");
        fails("expect speed w1 3", ExitStatus.USAGE, "unknown command 'expect speed' (expect has: console, state, share, fails)");
        fails("vm list --colour", ExitStatus.USAGE, "vm list: unknown option '--colour' (see 'help vm list')");
        fails("vm list extra", ExitStatus.USAGE, "vm list: unexpected argument 'extra' (see 'help vm list')");
        fails("vm start", ExitStatus.USAGE, "vm start: missing required parameter: 'NAME' (see 'help vm start')");
        fails("vm", ExitStatus.USAGE, "vm needs one of: create, start, pause, resume, reset, shutdown, poweroff, destroy, "
                + "undefine, list, info, console, screen, send, clone, history, traps, gdb, backup, restore, attach, detach, migrate, "
                + "recording, replay, iotune (see 'help vm')");
        fails("vm send t1 \"unclosed", ExitStatus.USAGE, "a quote is not closed");
    }

    @Test
    void errorsUnderJsonAreErrorObjectsOnStandardOutput() throws Exception {
        for (String line : new String[] {"vm info nope --json", "frob --json", "vm start --json", "vm send \"x --json"}) {
            Outcome o = shell.execute(line);
            assertFalse(o.ok(), line);
            assertTrue(o.json(), line);
            JsonNode json = new ObjectMapper().readTree(o.text());
            assertEquals(o.error(), json.get("error").asText(), line);
            assertEquals(1, json.size(), line);
        }
    }

    @Test
    void helpListsEveryCommandAndShowsOne() throws Exception {
        String overview = shell.execute("help").text();
        for (String command : new String[] {"vm create", "vm start", "vm pause", "vm resume", "vm reset", "vm shutdown",
                "vm poweroff", "vm destroy", "vm undefine", "vm list", "vm info", "vm console", "vm screen", "vm send", "vm clone", "vm history", "vm traps", "vm backup", "vm restore",
                "snapshot create", "snapshot list", "snapshot revert", "snapshot delete", "image export",
                "image import", "image inspect", "tpm pcrs", "tpm log", "tpm policy", "tpm accept", "attest", "wait",
                "expect console", "expect state", "expect share", "help", "quit|exit"}) {
            assertTrue(overview.contains("\n  " + command + " "), command + " in:\n" + overview);
        }
        String create = shell.execute("help vm create").text();
        assertTrue(create.startsWith("Usage: vm create [-h] [--apic] [--closed-box] [--[no-]if-mirror] [--json] [--keyboard]"), create);
        assertTrue(create.contains("--weight=N"), create);
        assertEquals(create, shell.execute("vm create --help").text());
        assertTrue(shell.execute("vm --help").text().contains("Usage: vm [-h] [--json] [COMMAND]"));
        fails("help vm frob", ExitStatus.USAGE, "no command 'vm frob' (type 'help' for the list)");
        JsonNode json = new ObjectMapper().readTree(shell.execute("help --json").text());
        assertTrue(json.get("commands").isArray());
        assertEquals("vm create", json.get("commands").get(0).get("command").asText());
    }

    @Test
    void anOutcomeAsTheLinesOfAScreen() {
        shell.execute("vm create w1 --guest spinner");
        assertEquals(java.util.List.of("ok: w1 is defined"), shell.execute("expect state w1 defined").lines());
        assertEquals(java.util.List.of("error: expect failed: w1 is defined, wanted paused"), shell.execute("expect state w1 paused").lines());
        assertEquals(java.util.List.of("{\"error\":\"expect failed: w1 is defined, wanted paused\"}"),
                shell.execute("expect state w1 paused --json").lines());
        assertEquals(java.util.List.of(), shell.execute("# nothing").lines());
    }

    @Test
    void quitAndExitEndTheSession() {
        assertTrue(shell.execute("quit").quit());
        assertTrue(shell.execute("exit").quit());
        assertFalse(shell.execute("vm list").quit());
    }

    @Test
    void checkParsesWithoutRunning() {
        assertEquals(Outcome.NOTHING, Interpreter.check("vm start w1", Place.SCRIPT));
        assertEquals(Outcome.NOTHING, Interpreter.check("# nothing", Place.SCRIPT));
        assertEquals("unknown command 'strat' (type 'help' for the list)", Interpreter.check("strat w1", Place.SCRIPT).error());
        assertEquals("vm start needs a host that keeps running: use 'hv shell' or 'hv script FILE'",
                Interpreter.check("vm start w1", Place.ONE_SHOT).error());
        assertTrue(host.actors.isEmpty(), "nothing reached the host");
    }

    @Test
    void aBugInsideIsOneLineAndKeepsItsCauseForDebugging() {
        FakeHost broken = new FakeHost() {
            @Override
            public VmInfo info(String name) {
                throw new NullPointerException("oops");
            }
        };
        Outcome o = new Interpreter(broken, Place.SHELL).execute("vm info w1");
        assertEquals(ExitStatus.SOFTWARE, o.status());
        assertEquals("internal error: oops (set HV_DEBUG=1 for details)", o.error());
        assertInstanceOf(NullPointerException.class, o.cause());
    }

    @Test
    void theSessionsActorReachesTheHost() {
        shell.execute("vm create w1 --guest spinner");
        shell.execute("vm start w1", new Session("script demo.hv:3", t -> { }, () -> false));
        assertEquals(hvlab.tui.roles.Principal.owner().label() + ", script demo.hv:3", host.actors.getLast());
    }
}
