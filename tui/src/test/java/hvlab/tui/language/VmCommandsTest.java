package hvlab.tui.language;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.tui.ExitStatus;
import hvlab.tui.FakeHost;
import hvlab.vmm.host.VmLifecycle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** The {@code vm} commands against a fake host: what they print, their JSON, and their refusals. */
class VmCommandsTest {
    final FakeHost host = new FakeHost();
    final Interpreter shell = new Interpreter(host, Place.SHELL);

    Outcome ok(String line) {
        Outcome o = shell.execute(line);
        assertTrue(o.ok(), line + " -> " + o);
        return o;
    }

    Outcome fails(String line, int status, String error) {
        Outcome o = shell.execute(line);
        assertEquals(status, o.status(), line + " -> " + o);
        assertEquals(error, o.error());
        assertEquals("", o.text(), "nothing on standard output when a command fails");
        return o;
    }

    static JsonNode json(Outcome o) throws Exception {
        return new ObjectMapper().readTree(o.text());
    }

    @Test
    void createDefinesAndSummarises() {
        assertEquals("defined w1 (guest spinner, 16 MiB, trap mode, weight 512, cap 20%)",
                ok("vm create w1 --guest spinner --weight 512 --cap 20").text());
        assertEquals("defined w2 (guest hello, 16 MiB, bt mode, weight 256, no cap)", ok("vm create w2 --guest hello --mode bt").text());
    }

    @Test
    void createPassesTheHostsRefusalsThrough() {
        ok("vm create w1 --guest spinner");
        fails("vm create w1 --guest hello", ExitStatus.BAD_INPUT, "a VM named 'w1' already exists");
        fails("vm create w2 --guest hello --mem 16Q", ExitStatus.BAD_INPUT, "bad size '16Q'");
        fails("vm create w3 --guest hello --weight 0", ExitStatus.BAD_INPUT, "weight must be at least 1, not 0");
    }

    @Test
    void createNeedsAGuestAndNumbersWhereNumbersGo() {
        fails("vm create w1", ExitStatus.USAGE, "vm create: missing required option: '--guest=G' (see 'help vm create')");
        fails("vm create --guest hello", ExitStatus.USAGE, "vm create: missing required parameter: 'NAME' (see 'help vm create')");
        fails("vm create w1 --guest hello --weight lots", ExitStatus.USAGE,
                "vm create: invalid value for option '--weight': 'lots' is not an int");
    }

    @Test
    void listIsAnAlignedTableAndAJsonArray() throws Exception {
        assertEquals("no VMs defined (try 'vm create NAME --guest hello')", ok("vm list").text());
        ok("vm create w1 --guest spinner --weight 512");
        ok("vm create longer-name --guest hello --cap 20");
        host.share("w1", 0.4987);
        assertEquals("""
                NAME         STATE    MODE  WEIGHT/CAP  SHARE  GUEST
                w1           defined  trap  512/-       49.9%  spinner
                longer-name  defined  trap  256/20%     0.0%   hello""", ok("vm list").text());
        JsonNode list = json(ok("vm list --json"));
        assertTrue(list.isArray());
        assertEquals(2, list.size());
        assertEquals("w1", list.get(0).get("name").asText());
        assertEquals(0.4987, list.get(0).get("share").asDouble());
    }

    @Test
    void infoIsLabelledLinesAndJsonCarriesStateAndShare() throws Exception {
        ok("vm create w1 --guest spinner --cap 20");
        host.share("w1", 0.25);
        String text = ok("vm info w1").text();
        assertTrue(text.startsWith("name:         w1\n"), text);
        assertTrue(text.contains("\nstate:        defined\n"), text);
        assertTrue(text.contains("\ncap:          20% of one CPU\n"), text);
        assertTrue(text.contains("\ncpu share:    25.0% of one CPU over the last measuring window\n"), text);
        assertTrue(text.contains("\ntraps:        io 3\n"), text);
        JsonNode info = json(ok("vm info w1 --json"));
        assertEquals("defined", info.get("state").asText());
        assertEquals(0.25, info.get("share").asDouble());
        assertEquals(20, info.get("cap").asInt());
        fails("vm info nope", ExitStatus.BAD_INPUT, "no VM named 'nope'");
    }

    @Test
    void everyPowerTransitionAndTheActorWhoAsked() throws Exception {
        ok("vm create w1 --guest spinner");
        assertEquals("w1 started (running)", ok("vm start w1").text());
        assertEquals("w1 paused (paused)", ok("vm pause w1").text());
        assertEquals("w1 resumed (running)", ok("vm resume w1").text());
        assertEquals("w1 reset (running)", ok("vm reset w1").text());
        assertEquals("w1 powered off (defined)", ok("vm poweroff w1").text());
        ok("vm start w1");
        assertEquals("running", json(ok("vm info w1 --json")).get("state").asText());
        assertEquals("w1 destroyed (defined)", ok("vm destroy w1").text());
        assertEquals("w1 undefined", ok("vm undefine w1").text());
        fails("vm info w1", ExitStatus.BAD_INPUT, "no VM named 'w1'");
        assertEquals(hvlab.tui.roles.Principal.owner().label() + ", shell", host.actors.getFirst());
    }

    @Test
    void illegalTransitionsAreRefusedNamingTheState() {
        ok("vm create w1 --guest spinner");
        fails("vm pause w1", ExitStatus.BAD_INPUT, "cannot pause 'w1': it is defined");
        fails("vm resume w1", ExitStatus.BAD_INPUT, "cannot resume 'w1': it is defined");
        ok("vm start w1");
        fails("vm start w1", ExitStatus.BAD_INPUT, "cannot start 'w1': it is running");
        fails("vm undefine w1", ExitStatus.BAD_INPUT, "cannot undefine 'w1': it is running");
        fails("vm start nope", ExitStatus.BAD_INPUT, "no VM named 'nope'");
    }

    @Test
    void undefineIfExistsTidiesUpWithoutFailing() throws Exception {
        assertEquals("no VM named 'w1': nothing to undefine", ok("vm undefine w1 --if-exists").text());
        assertFalse(json(ok("vm undefine w1 --if-exists --json")).get("undefined").asBoolean());
        fails("vm undefine w1", ExitStatus.BAD_INPUT, "no VM named 'w1'");
    }

    @Test
    void shutdownWaitsForAGuestThatPowersOff() {
        ok("vm create s1 --guest shutdown-aware");
        ok("vm start s1");
        String text = ok("vm shutdown s1").text();
        assertTrue(text.matches("s1 powered off after \\d+ms \\(defined\\)"), text);
    }

    @Test
    void shutdownOfAGuestThatIgnoresTheButtonFailsAndSuggestsPoweroff() {
        ok("vm create w1 --guest spinner");
        ok("vm start w1");
        fails("vm shutdown w1 --timeout 100ms", ExitStatus.FAILED,
                "w1 did not power off within 100ms (its guest may ignore the power button): 'vm poweroff w1' pulls the plug");
        ok("vm poweroff w1");
        ok("vm start w1");
        assertEquals("pressed the power button of w1 (shutting-down)", ok("vm shutdown w1 --no-wait").text());
    }

    @Test
    void shutdownThatEndsInACrashSaysSo() {
        ok("vm create w1 --guest spinner");
        ok("vm start w1");
        Thread.ofVirtual().start(() -> {
            sleep(50);
            host.moveTo("w1", VmLifecycle.CRASHED, "triple fault at 0x100010");
        });
        fails("vm shutdown w1", ExitStatus.FAILED, "w1 crashed while shutting down: triple fault at 0x100010");
    }

    @Test
    void consoleShowsWhatIsKept() throws Exception {
        ok("vm create c1 --guest counter");
        host.print("c1", "tick 1\ntick 2\n");
        assertEquals("tick 1\ntick 2\n", ok("vm console c1").text());
        assertEquals("tick 2\n", ok("vm console c1 --since 7").text());
        JsonNode json = json(ok("vm console c1 --json"));
        assertEquals("tick 1\ntick 2\n", json.get("text").asText());
        assertEquals(14, json.get("next").asLong());
        fails("vm console c1 --since -1", ExitStatus.USAGE, "--since must be 0 or more bytes");
    }

    @Test
    void followStreamsUntilCtrlC() {
        ok("vm create c1 --guest counter");
        host.print("c1", "tick 1\n");
        List<String> live = new ArrayList<>();
        AtomicBoolean ctrlC = new AtomicBoolean();
        Thread.ofVirtual().start(() -> {
            sleep(100);
            host.print("c1", "tick 2\n");
            sleep(100);
            ctrlC.set(true);
        });
        Outcome o = shell.execute("vm console c1 --follow", new Session("shell", live::add, ctrlC::get));
        assertTrue(o.ok(), o.toString());
        assertEquals("tick 1\ntick 2\n", String.join("", live));
    }

    @Test
    void followIsRefusedWhereNobodyCanPressCtrlC() {
        ok("vm create c1 --guest counter");
        Outcome script = new Interpreter(host, Place.SCRIPT).execute("vm console c1 --follow");
        assertEquals(ExitStatus.USAGE, script.status());
        assertEquals("vm console --follow runs until Ctrl-C, which a script cannot press: use 'wait c1 --console TEXT' "
                + "to wait for output, or 'vm console c1' to show it", script.error());
        Outcome oneShot = new Interpreter(host, Place.ONE_SHOT).execute("vm console c1 -f");
        assertEquals("vm console --follow needs a host that keeps running: use 'hv shell' or 'hv script FILE'", oneShot.error());
        assertEquals("vm console needs a host that keeps running: use 'hv shell' or 'hv script FILE'",
                new Interpreter(host, Place.ONE_SHOT).execute("vm console c1").error(), "a fresh host has no console to show");
    }

    @Test
    void sendTypesTextAndANewline() throws Exception {
        ok("vm create t1 --guest typist");
        fails("vm send t1 hello", ExitStatus.BAD_INPUT, "cannot type into 't1': it is defined");
        ok("vm start t1");
        assertEquals("typed 'hello world' and a newline into t1", ok("vm send t1 hello world").text());
        assertEquals("typed 'no enter' into t1", ok("vm send t1 \"no enter\" --no-newline").text());
        assertEquals("hello world\nno enter", ok("vm console t1").text());
        JsonNode json = json(ok("vm send t1 x --json"));
        assertEquals(2, json.get("bytes").asInt());
        fails("vm send t1", ExitStatus.USAGE, "vm send: missing required parameter: 'TEXT' (see 'help vm send')");
    }

    @Test
    void lifecycleCommandsAreRefusedWhereTheHostDiesWithTheCommand() {
        Interpreter oneShot = new Interpreter(host, Place.ONE_SHOT);
        for (String action : new String[] {"start", "pause", "resume", "reset", "shutdown", "poweroff", "destroy"}) {
            Outcome o = oneShot.execute("vm " + action + " w1");
            assertEquals(ExitStatus.USAGE, o.status());
            assertEquals("vm " + action + " needs a host that keeps running: use 'hv shell' or 'hv script FILE'", o.error());
        }
        assertEquals("vm send needs a host that keeps running: use 'hv shell' or 'hv script FILE'", oneShot.execute("vm send w1 hi").error());
        assertTrue(oneShot.execute("vm create w1 --guest hello").ok());
        assertTrue(oneShot.execute("vm list").ok());
        assertTrue(oneShot.execute("vm info w1").ok());
        assertTrue(oneShot.execute("vm undefine w1").ok());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
