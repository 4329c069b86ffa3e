package hvlab.tui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code hv shell --datacenter} and {@code hv script --datacenter}: the embedded datacenter of
 * {@code ./hv} (h1 on the store, h2 and h3 beside it, a manager, loopback TLS) in the shell, so that
 * {@code dc ...} runs there; without the flag, {@code dc} says where it runs, in one line.
 */
class ShellDatacenterTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    Run hv(String input, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theShellWithADatacenterMigratesAndReplicatesThroughItsManager() {
        String input = String.join("\n",
                "dc hosts",
                "vm create c --guest counter",
                "vm start c",
                "wait c --console \"count 2\" --timeout 20s",
                "dc migrate c --to h2",
                "dc where c",
                "dc replicate c --to h2 --every 50",
                "dc replicate c --to h3 --every 50",
                "wait --for 1s",
                "dc replicas",
                "dc replicate c --stop",
                "dc undefine c",
                "quit", "");
        Run run = hv(input, "shell", "--datacenter", "--store", dir.resolve("store").toString(), "--history",
                dir.resolve("history").toString(), "--threads", "1");
        assertEquals(0, run.status(), run.out() + run.err());
        String screen = run.out();
        assertTrue(screen.contains("in a datacenter of hosts h1, h2, h3"), screen);
        assertTrue(screen.contains("migrated c from h1 to h2 over TLS") && screen.contains("pages; its vTPM sealed to the TPM of host h2"), screen);
        assertTrue(screen.contains("has been on: h1 -> h2"), screen);
        assertTrue(screen.contains("a replica is never on its primary's host"), screen);
        assertTrue(screen.contains("replicating c from h2 to h3"), screen);
        assertTrue(screen.matches("(?s).*h2: c -> h3: replicating, [1-9]\\d* checkpoints every 50 ms.*"), screen);
        assertTrue(screen.contains("h3: c <- h2 (backup): replicating"), screen);
        assertTrue(screen.contains("undefined c on h2"), screen);
    }

    @Test
    void aScriptThatEndsWhileReplicatingLeavesNoFailoverBehind() throws Exception {
        String script = String.join("\n", "vm create c --guest counter", "vm start c", "wait c --console \"count 2\" --timeout 20s",
                "dc replicate c --to h3 --every 50", "wait --for 1s", "dc replicas", "");
        Run run = hv(script, "script", "--datacenter", "--store", dir.resolve("store").toString(), "--threads", "1", "-");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("h3: c <- h1 (backup): replicating"), run.out());
        Thread.sleep(500);
        try (var h3 = new hvlab.vmm.host.Host("h3", dir.resolve("store").resolve("datacenter").resolve("h3"), 1)) {
            assertFalse(h3.hasVm("c"), "the datacenter ended with its process: no backup took over");
        }
    }

    @Test
    void aScriptWithADatacenterStopsAtAManagersRefusalAndWithoutOneDcSaysWhereItRuns() {
        String script = String.join("\n", "dc hosts", "vm create c --guest counter", "dc replicate c --to h1", "");
        Run run = hv(script, "script", "--datacenter", "--store", dir.resolve("store").toString(), "--threads", "1", "-");
        assertEquals(ExitStatus.BAD_INPUT, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("h3"), run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("stdin:3: "), run.err());

        Run plain = hv("dc hosts\n", "script", "--store", dir.resolve("other").toString(), "-");
        assertNotEquals(0, plain.status());
        assertEquals(1, plain.err().lines().count(), plain.err());
        assertTrue(plain.err().contains("needs the datacenter's manager: start the shell or script with --datacenter"), plain.err());
    }
}
