package hvlab.tui.script;

import hvlab.tui.ExitStatus;
import hvlab.tui.FakeHost;
import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Place;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Scripts: comments and blank lines, the first failure named by file and line, checked before running. */
class ScriptTest {
    final FakeHost host = new FakeHost();
    final List<String> out = new ArrayList<>();
    final List<String> trace = new ArrayList<>();

    Script.Result run(String text) {
        return new Script("demo.hv", text).run(new Interpreter(host, Place.SCRIPT), out::add, trace::add);
    }

    @Test
    void runsEveryLineSkippingCommentsAndBlankLines() {
        Script.Result result = run("""
                # a demo

                vm create w1 --guest spinner   # the first VM
                vm start w1
                   # indented comment
                expect state w1 running
                """);
        assertTrue(result.ok(), result.toString());
        assertEquals(List.of("defined w1 (guest spinner, 16 MiB, trap mode, weight 256, no cap)", "w1 started (running)",
                "ok: w1 is running"), out);
        assertEquals(List.of("demo.hv:3: vm create w1 --guest spinner   # the first VM", "demo.hv:4: vm start w1",
                "demo.hv:6: expect state w1 running"), trace);
        assertEquals(hvlab.tui.roles.Principal.owner().label() + ", script demo.hv:4", host.actors.getFirst(),
                "the host's event log learns who asked, and which line");
    }

    @Test
    void aFailingExpectStopsTheScriptAndNamesItsLine() {
        host.create(hvlab.vmm.host.VmSpec.of("w1", "spinner"));
        host.share("w1", 0.31);
        Script.Result result = run("""
                # line 1
                vm start w1

                expect share w1 0.45..0.55
                vm pause w1
                """);
        assertEquals(new Script.Result(ExitStatus.FAILED, 4, "demo.hv:4: expect failed: share of w1 is 0.31, wanted 0.45..0.55"), result);
        assertEquals("running", host.info("w1").state(), "line 5 never ran");
    }

    @Test
    void aHostRefusalStopsTheScriptWithTheHostsMessage() {
        Script.Result result = run("vm create w1 --guest spinner\nvm pause w1\n");
        assertEquals(new Script.Result(ExitStatus.BAD_INPUT, 2, "demo.hv:2: cannot pause 'w1': it is defined"), result);
    }

    @Test
    void aLineWrittenWrongStopsTheScriptBeforeAnythingRuns() {
        Script.Result result = run("""
                vm create w1 --guest spinner
                vm start w1
                vm strat w1
                """);
        assertEquals(ExitStatus.BAD_INPUT, result.status(), "a script line written wrong is bad input, not a bad command line");
        assertEquals(3, result.line());
        assertTrue(result.error().startsWith("demo.hv:3: unknown command 'vm strat' (vm has: create, start,"), result.error());
        assertTrue(host.names().isEmpty(), "lines 1 and 2 did not run");
        assertTrue(out.isEmpty());
    }

    @Test
    void everyKindOfLineErrorNamesItsLine() {
        assertEquals("demo.hv:2: a quote is not closed", run("\nvm send w1 \"hi\n").error());
        assertEquals("demo.hv:1: wait: invalid value for option '--for': bad duration '5 minutes' "
                + "(use 500ms, 2s, 1m, 1h or a number of seconds)", run("wait --for \"5 minutes\"").error());
        assertEquals("demo.hv:1: vm console --follow runs until Ctrl-C, which a script cannot press: use 'wait w1 --console TEXT' "
                + "to wait for output, or 'vm console w1' to show it", run("vm console w1 --follow").error());
    }

    @Test
    void quitEndsTheScriptSuccessfully() {
        Script.Result result = run("vm create w1 --guest spinner\nquit\nvm start w1\n");
        assertTrue(result.ok());
        assertEquals("defined", host.info("w1").state());
    }

    @Test
    void aFailingJsonCommandPrintsItsErrorObjectAndStillNamesTheLine() {
        Script.Result result = run("vm info nope --json");
        assertEquals(List.of("{\"error\":\"no VM named 'nope'\"}"), out);
        assertEquals("demo.hv:1: no VM named 'nope'", result.error());
    }

    @Test
    void checkAloneRunsNothing() {
        Script script = new Script("demo.hv", "vm create w1 --guest spinner\nvm start w1\n");
        assertTrue(script.check().ok());
        assertTrue(host.names().isEmpty());
    }

    @Test
    void everyShippedScriptParses() throws Exception {
        for (String name : List.of("fair-shares", "power-cycle", "first-steps", "hvos-tour", "rollback")) {
            Script script = Script.builtIn(name).orElseThrow(() -> new AssertionError(name + " is not shipped"));
            assertEquals(name + ".hv", script.name());
            assertTrue(script.check().ok(), name + ": " + script.check());
        }
        assertTrue(Script.builtIn("no-such-script").isEmpty());
        assertTrue(Script.builtIn("../scripts/fair-shares").isEmpty());
    }
}
