package hvlab.vmm.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A snapshot appears whole or not at all, even when the process taking it is killed: a child
 * JVM takes and deletes snapshots of a running VM with a disk, and is killed with SIGKILL at
 * random moments, again and again. After each kill the store must open, every snapshot it lists
 * must be one a VM can be reverted to, and the VM must run from it.
 */
class SnapshotCrashTest {
    @TempDir
    Path dir;

    @Test
    void killedWhileSnapshottingTheStoreStaysWhole() throws Exception {
        Path store = dir.resolve("store");
        try (Host host = new Host("local", store, 1)) {
            host.create(new VmSpec("c", "counter", null, "1M", VmSpec.DEFAULT_WEIGHT, 0, null));
        }
        Random random = new Random(42);
        int killed = 0;
        for (int round = 0; round < 4; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    SnapshotCrashChild.class.getName(), store.toString(), "r" + round)
                    .redirectErrorStream(true).start();
            try (var out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                String first = out.readLine();
                assertEquals("snapshotting", first, "the child did not start");
                // However loaded the machine, at least one snapshot exists before the kill.
                String second = out.readLine();
                while (second != null && second.startsWith("note: ")) {
                    System.err.println("child, round " + round + ": " + second);
                    second = out.readLine();
                }
                if (!"first snapshot taken".equals(second)) {
                    StringBuilder rest = new StringBuilder(second).append('\n');
                    for (String line; (line = out.readLine()) != null && rest.length() < 20_000; ) {
                        rest.append(line).append('\n');
                    }
                    fail("the child took no snapshot in round " + round + ":\n" + rest);
                }
                Thread.sleep(random.nextInt(900));
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            }
            killed++;
            checkWhole(store);
        }
        assertEquals(4, killed);
    }

    private static void checkWhole(Path store) throws Exception {
        try (Host host = new Host("local", store, 1)) {
            List<SnapshotInfo> snapshots = host.snapshots("c");
            assertFalse(snapshots.isEmpty(), "the child had time to take at least one snapshot");
            try (Stream<Path> hidden = Files.list(store.resolve("vms/c/snapshots"))) {
                assertEquals(List.of(), hidden.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                        "unfinished work is cleared away");
            }
            // The oldest and the newest: the longest chain of incremental pages and the latest write.
            for (SnapshotInfo snapshot : List.of(snapshots.getFirst(), snapshots.getLast())) {
                VmInfo reverted = host.revert("c", snapshot.name(), "test");
                assertEquals("running", reverted.state(), snapshot.name());
                String before = host.console("c", 0).text();
                long deadline = System.currentTimeMillis() + 10_000;
                while (host.console("c", 0).text().length() <= before.length()) {
                    assertTrue(System.currentTimeMillis() < deadline, "the VM counts on after reverting to " + snapshot.name());
                    Thread.sleep(20);
                }
            }
            host.act("c", PowerAction.POWEROFF, "test");
            // The secure log was written by the killed process too: a record it tore is reported, the chain holds.
            var verdict = host.verifySecureLog();
            assertTrue(verdict.ok(), verdict.summary());
        }
    }
}
