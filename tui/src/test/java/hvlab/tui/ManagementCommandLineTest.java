package hvlab.tui;

import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.host.HostControl;
import hvlab.vmm.host.VmSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code hv vm ...}, {@code hv script}, {@code hv shell} as a user types them, on a fake host. */
class ManagementCommandLineTest {
    @TempDir
    Path dir;
    final FakeHost host = new FakeHost();
    final List<Path> opened = new ArrayList<>();
    final List<Integer> threads = new ArrayList<>();

    HostControl open(Path store, int workers) {
        opened.add(store);
        threads.add(workers);
        return host;
    }

    record Outcome(int status, String out, String err) {}

    Outcome typing(String input, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), this::open);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Outcome hv(String... args) {
        return typing("", args);
    }

    static void assertOneLine(String err) {
        assertEquals(1, err.lines().count(), "one line on stderr, got: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void singleCommandsRunOnTheStoreAndCloseTheHost() throws Exception {
        Outcome created = hv("vm", "create", "w1", "--guest", "spinner", "--weight", "512", "--store", dir.toString());
        assertEquals(0, created.status(), created.err());
        assertEquals(List.of(dir), opened);
        assertEquals(List.of(1), threads);
        assertTrue(host.closed);
        Outcome list = hv("vm", "list", "--store", dir.toString());
        assertTrue(list.out().startsWith("NAME  STATE    MODE  WEIGHT/CAP"), list.out());
        var json = new ObjectMapper().readTree(hv("vm", "info", "w1", "--json").out());
        assertEquals("defined", json.get("state").asText());
        assertTrue(json.has("share"));
        assertEquals(Path.of("hvlab-data"), opened.getLast(), "the default store (when HVLAB_STORE is not set)");
        assertEquals(0, hv("expect", "state", "w1", "defined").status());
        assertEquals(1, hv("expect", "state", "w1", "running").status());
    }

    @Test
    void lifecycleFromASingleCommandIsRefusedBeforeTheHostOpens() {
        Outcome o = hv("vm", "start", "w1");
        assertEquals(ExitStatus.USAGE, o.status());
        assertEquals("hv: vm start needs a host that keeps running: use 'hv shell' or 'hv script FILE'\n", o.err());
        assertTrue(opened.isEmpty());
        assertEquals(ExitStatus.USAGE, hv("wait", "w1", "--state", "running").status());
        assertEquals(ExitStatus.OK, hv("wait", "--for", "1ms").status());
    }

    @Test
    void helpNeedsNoHost() {
        Outcome o = hv("vm", "--help");
        assertEquals(0, o.status());
        assertTrue(o.out().startsWith("Usage: vm [-h] [--json] [COMMAND]"), o.out());
        assertTrue(hv("vm", "create", "-h").out().contains("--guest=G"));
        assertTrue(opened.isEmpty());
    }

    @Test
    void errorsAreOneLineWithTheirStatus() {
        Outcome unknownVm = hv("vm", "info", "nope");
        assertEquals(ExitStatus.BAD_INPUT, unknownVm.status());
        assertEquals("hv: no VM named 'nope'\n", unknownVm.err());
        Outcome unknownCommand = hv("vm", "frob");
        assertEquals(ExitStatus.USAGE, unknownCommand.status());
        assertOneLine(unknownCommand.err());
        host.create(VmSpec.of("w1", "spinner"));
        Outcome duplicate = hv("vm", "create", "w1", "--guest", "hello");
        assertEquals("hv: a VM named 'w1' already exists\n", duplicate.err());
        Outcome json = hv("vm", "info", "nope", "--json");
        assertEquals("{\"error\":\"no VM named 'nope'\"}\n", json.out());
        assertEquals("", json.err(), "under --json the error is the JSON on standard output");
        assertEquals(ExitStatus.BAD_INPUT, json.status());
    }

    @Test
    void scriptFromAFileNamesTheFailingLine() throws Exception {
        Path script = dir.resolve("demo.hv");
        Files.writeString(script, "# demo\nvm create w1 --guest spinner\nexpect state w1 running\nvm start w1\n");
        Outcome o = hv("script", script.toString(), "--threads", "3", "--store", dir.resolve("store").toString());
        assertEquals(ExitStatus.FAILED, o.status());
        assertEquals("defined w1 (guest spinner, 16 MiB, trap mode, weight 256, no cap)\n", o.out());
        assertEquals(script + ":3: expect failed: w1 is defined, wanted running\n", o.err());
        assertEquals(List.of(3), threads);
        assertTrue(host.closed);
    }

    @Test
    void scriptWithATypoNeverOpensTheHost() throws Exception {
        Path script = dir.resolve("typo.hv");
        Files.writeString(script, "vm create w1 --guest spinner\nvm strat w1\n");
        Outcome o = hv("script", script.toString());
        assertEquals(ExitStatus.BAD_INPUT, o.status());
        assertTrue(o.err().startsWith(script + ":2: unknown command 'vm strat'"), o.err());
        assertTrue(opened.isEmpty());
    }

    @Test
    void scriptFromStandardInputAndTrace() {
        Outcome o = typing("vm create w1 --guest spinner\nvm start w1\n", "script", "-", "-x");
        assertEquals(0, o.status(), o.err());
        assertEquals("stdin:1: vm create w1 --guest spinner\nstdin:2: vm start w1\n", o.err());
        assertEquals("running", host.info("w1").state());
    }

    @Test
    void aMissingScriptIsNoInput() {
        Outcome o = hv("script", dir.resolve("nope.hv").toString());
        assertEquals(ExitStatus.NO_INPUT, o.status());
        assertEquals("hv: cannot read script '" + dir.resolve("nope.hv") + "': no such file (nor a shipped script of that name)\n", o.err());
    }

    @Test
    void threadsMustBePositive() {
        Outcome o = hv("script", "-", "--threads", "0");
        assertEquals(ExitStatus.USAGE, o.status());
        assertEquals("hv: --threads must be 1 or more, not 0\n", o.err());
    }

    @Test
    void shellReadsPipedInput() {
        Outcome o = typing("vm create w1 --guest spinner\nvm start w1\nquit\n", "shell", "--store", dir.toString(),
                "--history", dir.resolve("history").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith("hvlab shell on host 'local' (store " + dir + ","), o.out());
        assertTrue(o.out().contains("local> w1 started (running)"), o.out());
        assertTrue(host.closed);
    }

    @Test
    void theStoreComesFromTheOptionThenTheEnvironmentThenTheDefault() {
        assertEquals(Path.of("a"), HostOptions.storeOrDefault(Path.of("a"), Map.of("HVLAB_STORE", "b")));
        assertEquals(Path.of("b"), HostOptions.storeOrDefault(null, Map.of("HVLAB_STORE", "b")));
        assertEquals(Path.of("hvlab-data"), HostOptions.storeOrDefault(null, Map.of()));
        assertEquals(Path.of("hvlab-data"), HostOptions.storeOrDefault(null, Map.of("HVLAB_STORE", " ")));
    }

    @Test
    void runAndGuestsStillWork() {
        assertEquals(0, hv("guests").status());
        assertTrue(hv("guests").out().contains("hello"));
    }
}
