package hvlab.tui.language;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.tui.ExitStatus;
import hvlab.tui.FakeHost;
import hvlab.vmm.host.VmLifecycle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static hvlab.tui.language.VmCommandsTest.sleep;
import static org.junit.jupiter.api.Assertions.*;

/** {@code wait} and {@code expect}: what they wait for, what they check, and how they say they failed. */
class WaitAndExpectTest {
    final FakeHost host = new FakeHost();
    final Interpreter script = new Interpreter(host, Place.SCRIPT);

    @BeforeEach
    void twoVms() {
        assertTrue(script.execute("vm create c1 --guest counter").ok());
        assertTrue(script.execute("vm create w1 --guest spinner").ok());
    }

    Outcome ok(String line) {
        Outcome o = script.execute(line);
        assertTrue(o.ok(), line + " -> " + o);
        return o;
    }

    void fails(String line, int status, String error) {
        Outcome o = script.execute(line);
        assertEquals(status, o.status(), line + " -> " + o);
        assertEquals(error, o.error());
    }

    @Test
    void waitForConsoleTextThatComesLater() {
        ok("vm start c1");
        Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= 5; i++) {
                sleep(20);
                host.print("c1", "tick " + i + "\n");
            }
        });
        assertTrue(ok("wait c1 --console \"tick 5\" --timeout 5s").text().startsWith("'tick 5' is on the console of c1 (waited "));
    }

    @Test
    void waitForConsoleTimesOutSayingWhatItSaw() {
        host.print("c1", "tick 1\ntick 2\n");
        fails("wait c1 --console \"tick 5\" --timeout 100ms", ExitStatus.FAILED,
                "timed out after 100ms waiting for 'tick 5' on the console of c1 (its last line is 'tick 2')");
        fails("wait w1 --console x --timeout 0", ExitStatus.FAILED,
                "timed out after 0s waiting for 'x' on the console of w1 (its console is empty)");
    }

    @Test
    void waitForAStateSeesEvenAPassingOne() {
        ok("vm start w1");
        Thread.ofVirtual().start(() -> {
            sleep(50);
            host.moveTo("w1", VmLifecycle.PAUSED, null);
            host.moveTo("w1", VmLifecycle.RUNNING, null); // paused for no time at all: only the event shows it
        });
        ok("wait w1 --state paused --timeout 5s");
        assertEquals(0, host.subscribers(), "the wait stops listening when it ends");
        fails("wait w1 --state paused --timeout 50ms", ExitStatus.FAILED, "timed out after 50ms waiting for w1 to be paused: it is running");
        assertEquals(0, host.subscribers());
    }

    @Test
    void waitForATimeAndItsJson() throws Exception {
        long start = System.nanoTime();
        assertEquals("", ok("wait --for 150ms").text());
        assertTrue(System.nanoTime() - start >= 150_000_000L);
        JsonNode json = new ObjectMapper().readTree(ok("wait w1 --state defined --json").text());
        assertEquals("w1", json.get("vm").asText());
        assertEquals("defined", json.get("state").asText());
        assertTrue(json.has("waitedMillis"));
    }

    @Test
    void ctrlCEndsAWait() {
        AtomicBoolean ctrlC = new AtomicBoolean();
        Thread.ofVirtual().start(() -> {
            sleep(50);
            ctrlC.set(true);
        });
        Interpreter shell = new Interpreter(host, Place.SHELL);
        Outcome o = shell.execute("wait --for 1h", new Session("shell", text -> { }, ctrlC::get));
        assertEquals(ExitStatus.FAILED, o.status());
        assertEquals("wait --for cancelled (Ctrl-C)", o.error());
    }

    @Test
    void waitFormsThatMakeNoSense() {
        fails("wait", ExitStatus.USAGE, "wait needs NAME --console TEXT, NAME --state S, or --for D (see 'help wait')");
        fails("wait w1", ExitStatus.USAGE, "wait w1 needs exactly one of --console TEXT or --state S (see 'help wait')");
        fails("wait w1 --console x --state running", ExitStatus.USAGE,
                "wait w1 needs exactly one of --console TEXT or --state S (see 'help wait')");
        fails("wait w1 --for 2s", ExitStatus.USAGE, "wait --for D takes no VM, --console or --state (see 'help wait')");
        fails("wait --for soon", ExitStatus.USAGE,
                "wait: invalid value for option '--for': bad duration 'soon' (use 500ms, 2s, 1m, 1h or a number of seconds)");
        fails("wait w1 --state asleep", ExitStatus.USAGE, "wait: invalid value for option '--state': "
                + "unknown state 'asleep' (states: defined, running, paused, shutting-down, crashed)");
        fails("wait nope --state running --timeout 0", ExitStatus.BAD_INPUT, "no VM named 'nope'");
    }

    @Test
    void waitOnAVmIsRefusedFromASingleCommand() {
        Interpreter oneShot = new Interpreter(host, Place.ONE_SHOT);
        assertEquals("wait w1 needs a host that keeps running: use 'hv shell' or 'hv script FILE'",
                oneShot.execute("wait w1 --state running").error());
        assertTrue(oneShot.execute("wait --for 1ms").ok());
        assertEquals("expect share needs a host that keeps running: use 'hv shell' or 'hv script FILE'",
                oneShot.execute("expect share w1 0..1").error());
        assertEquals("expect console needs a host that keeps running: use 'hv shell' or 'hv script FILE'",
                oneShot.execute("expect console w1 contains x").error());
        assertTrue(oneShot.execute("expect state w1 defined").ok());
    }

    @Test
    void expectConsole() {
        host.print("c1", "boot\ntick 1\ntick 2\n");
        assertEquals("ok: the console of c1 contains 'tick 2'", ok("expect console c1 contains \"tick 2\"").text());
        assertEquals("ok: the console of c1 contains 'tick 1'", ok("expect console c1 contains tick 1").text());
        fails("expect console c1 contains \"tick 5\"", ExitStatus.FAILED,
                "expect failed: the console of c1 does not contain 'tick 5' (its last line is 'tick 2')");
        fails("expect console c1 has \"tick 5\"", ExitStatus.USAGE,
                "expect console NAME contains TEXT: the third word must be 'contains', not 'has'");
    }

    @Test
    void expectState() {
        assertEquals("ok: w1 is defined", ok("expect state w1 defined").text());
        assertEquals("ok: w1 is defined", ok("expect state w1 shut-off").text());
        ok("vm start w1");
        fails("expect state w1 paused", ExitStatus.FAILED, "expect failed: w1 is running, wanted paused");
        fails("expect state w1 dozing", ExitStatus.USAGE, "expect state: invalid value for positional parameter at index 1 (S): "
                + "unknown state 'dozing' (states: defined, running, paused, shutting-down, crashed)");
    }

    @Test
    void expectShare() throws Exception {
        host.share("w1", 0.3123);
        fails("expect share w1 0.45..0.55", ExitStatus.FAILED, "expect failed: share of w1 is 0.31, wanted 0.45..0.55");
        host.share("w1", 0.5012);
        assertEquals("ok: share of w1 is 0.50 (0.45..0.55)", ok("expect share w1 0.45..0.55").text());
        JsonNode json = new ObjectMapper().readTree(ok("expect share w1 0.45..0.55 --json").text());
        assertEquals("share", json.get("check").asText());
        assertTrue(json.get("ok").asBoolean());
        assertEquals(0.5012, json.get("actual").asDouble());
        assertEquals("0.45..0.55", json.get("wanted").asText());
        fails("expect share w1 half", ExitStatus.USAGE, "expect share: invalid value for positional parameter at index 1 (LO..HI): "
                + "bad share range 'half' (use LO..HI, fractions of one CPU with LO <= HI, e.g. 0.45..0.55)");
        fails("expect share nope 0..1", ExitStatus.BAD_INPUT, "no VM named 'nope'");
    }

    @Test
    void aFailedExpectUnderJsonIsAnErrorObject() throws Exception {
        Outcome o = script.execute("expect state w1 running --json");
        assertEquals(ExitStatus.FAILED, o.status());
        assertTrue(o.json());
        assertFalse(o.errorForStderr());
        assertEquals("expect failed: w1 is defined, wanted running", new ObjectMapper().readTree(o.text()).get("error").asText());
    }
}
