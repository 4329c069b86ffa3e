package hvlab.vmm.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** What a process killed in the middle of a store operation leaves behind, and how the next look clears it. */
class SnapshotStoreTest {
    @TempDir
    Path vm;

    @Test
    void unfinishedWorkOfAKilledProcessIsClearedAndFinishedSnapshotsStay() throws Exception {
        SnapshotStore store = new SnapshotStore(vm);
        SnapshotRecord kept = new SnapshotRecord("a1", "before", null, Instant.now(), "defined", null, true, 0, 4096, "g");
        store.create(kept, null, null);
        store.setCurrent("a1");
        Path snapshots = vm.resolve("snapshots");
        // Killed while writing a second snapshot, while replacing 'current', and while merging into a1.
        Files.createDirectories(snapshots.resolve(".b2.writing"));
        Files.writeString(snapshots.resolve(".b2.writing/snapshot.json"), "{\"id\":");
        Files.writeString(snapshots.resolve(".current.new"), "b2");
        Files.writeString(snapshots.resolve("a1/.memory.pages.new"), "half");

        assertEquals(List.of("before"), store.list().stream().map(SnapshotRecord::name).toList());
        assertEquals("a1", store.current().orElseThrow(), "the old 'current' stands: the new one was never renamed in");
        try (Stream<Path> all = Files.walk(snapshots)) {
            assertEquals(List.of(), all.filter(p -> p.getFileName().toString().startsWith(".")).toList());
        }
    }

    @Test
    void aDeletedSnapshotIsGoneAtOnce() throws Exception {
        SnapshotStore store = new SnapshotStore(vm);
        SnapshotRecord record = new SnapshotRecord("c3", "x", null, Instant.now(), "defined", null, true, 0, 4096, "g");
        store.create(record, null, null);
        store.delete(record);
        assertTrue(store.byName("x").isEmpty());
        assertFalse(Files.exists(vm.resolve("snapshots/c3")));
    }
}
