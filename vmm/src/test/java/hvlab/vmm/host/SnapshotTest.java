package hvlab.vmm.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** Snapshots, rollback and clones on a real host with real guests. */
class SnapshotTest {
    @TempDir
    Path dir;
    Host host;

    @AfterEach
    void close() {
        if (host != null) host.close();
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** The highest "count N" the VM's console shows. */
    int count(String vm) {
        // Only whole lines: the console may be read between "count " and its digits.
        return host.console(vm, 0).text().lines().filter(l -> l.matches("count \\d+\\s*"))
                .mapToInt(l -> Integer.parseInt(l.substring(6).trim())).max().orElse(0);
    }

    @Test
    void aRevertedCounterResumesFromTheSnapshotAndRunningOnMakesABranch() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("c", "counter"));
        host.act("c", PowerAction.START, "test");
        await("count 3", 10_000, () -> count("c") >= 3);
        SnapshotInfo s1 = host.snapshot("c", "s1", "test");
        assertEquals("running", host.info("c").state(), "a live snapshot leaves the VM running");
        assertTrue(s1.fullMemory(), "the first snapshot after a boot keeps all of memory");
        int atSnapshot = count("c");
        await("count moves on", 10_000, () -> count("c") >= atSnapshot + 5);
        String generation = host.store().load("c").generationId();

        VmInfo reverted = host.revert("c", "s1", "test");
        assertEquals("running", reverted.state(), "running, as it was when taken");
        assertNotEquals(generation, host.store().load("c").generationId(), "a rollback is a new generation");
        int back = count("c");
        assertTrue(back <= atSnapshot + 1, "the counter is back near " + atSnapshot + ": " + back);
        await("counting on from the snapshot", 10_000, () -> count("c") >= back + 3);

        SnapshotInfo s2 = host.snapshot("c", "s2", "test");
        assertEquals("s1", s2.parent());
        assertFalse(s2.fullMemory(), "the next snapshot keeps only the pages that changed");
        assertTrue(s2.pages() <= s1.pages(), s2.pages() + " pages against " + s1.pages());
        host.revert("c", "s1", "test");
        SnapshotInfo s3 = host.snapshot("c", "s3", "test");
        assertEquals("s1", s3.parent(), "a second branch from s1");

        List<SnapshotInfo> all = host.snapshots("c");
        assertEquals(List.of("s1", "s2", "s3"), all.stream().map(SnapshotInfo::name).toList());
        assertTrue(all.get(2).current());
        String history = String.join("\n", host.history("c"));
        assertTrue(history.contains("\"revert\"") && history.contains("\"snapshot\""), history);
    }

    @Test
    void deletingAParentMergesItIntoItsChildren() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("c", "counter"));
        host.act("c", PowerAction.START, "test");
        await("count 2", 10_000, () -> count("c") >= 2);
        host.snapshot("c", "a", "test");
        await("count 4", 10_000, () -> count("c") >= 4);
        host.snapshot("c", "b", "test");
        int atB = count("c");
        host.deleteSnapshot("c", "a", "test");
        SnapshotInfo b = host.snapshots("c").getFirst();
        assertEquals("b", b.name());
        assertNull(b.parent());
        assertTrue(b.fullMemory(), "b now holds a's pages under its own");
        await("count moves on", 10_000, () -> count("c") >= atB + 3);
        host.revert("c", "b", "test");
        assertTrue(count("c") <= atB + 1, "b alone still brings the counter back");
        assertThrows(HostException.class, () -> host.revert("c", "a", "test"));
    }

    @Test
    void aDiskSnapshotCopiesNothingAndARevertBringsTheOldSectorsBack() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(new VmSpec("d", "diskio", null, "1M", 256, 0, null));
        Path folder = dir.resolve("store/vms/d");
        long diskBytes = Files.size(folder.resolve("disk.img"));
        host.snapshot("d", "blank", "test");
        assertEquals("defined", host.snapshots("d").getFirst().vmState());
        host.act("d", PowerAction.START, "test");
        await("diskio to finish", 20_000, () -> host.info("d").state().equals("defined"));
        assertTrue(host.console("d", 0).text().contains("written and verified"), host.console("d", 0).text());
        assertEquals(diskBytes, Files.size(folder.resolve("disk.img")));
        byte[] written = Files.readAllBytes(Capture.flatten(folder.resolve(host.store().load("d").disk())));
        assertTrue(nonZero(written), "diskio wrote its pattern");
        assertTrue(isZero(Files.readAllBytes(folder.resolve("disk.img"))), "the base disk was not written: it belongs to the snapshot");

        host.revert("d", "blank", "test");
        byte[] after = Files.readAllBytes(Capture.flatten(folder.resolve(host.store().load("d").disk())));
        assertTrue(isZero(after), "the disk is as it was at the snapshot");
    }

    @Test
    void aCloneIsADifferentMachineWithTheSameContents() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("orig", "counter"));
        host.act("orig", PowerAction.START, "test");
        await("count 3", 10_000, () -> count("orig") >= 3);
        VmInfo clone = host.cloneVm("orig", "copy", "test");
        VmDefinition a = host.store().load("orig");
        VmDefinition b = host.store().load("copy");
        assertNotEquals(a.uuid(), b.uuid());
        assertNotEquals(a.mac(), b.mac());
        assertNotEquals(a.generationId(), b.generationId());
        assertEquals("defined", clone.state());
        int at = count("orig");
        host.act("copy", PowerAction.START, "test");
        await("the clone counting on", 10_000, () -> count("copy") >= at + 2);
        String copyHistory = String.join("\n", host.history("copy"));
        assertTrue(copyHistory.contains("\"clone-from\"") && copyHistory.contains("\"from\":\"orig\""), copyHistory);
        assertTrue(String.join("\n", host.history("orig")).contains("\"clone-to\""));
    }

    static boolean isZero(byte[] bytes) {
        for (byte b : bytes) if (b != 0) return false;
        return true;
    }

    static boolean nonZero(byte[] bytes) {
        return !isZero(bytes);
    }

    @Test
    void theGenidGuestNoticesARevertAndAClone() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("g", "genid"));
        host.act("g", PowerAction.START, "test");
        await("session 1 counting", 10_000, () -> host.console("g", 0).text().contains("session 1 count 2"));
        host.snapshot("g", "before", "test");
        await("counting on", 10_000, () -> host.console("g", 0).text().contains("session 1 count 4"));
        host.revert("g", "before", "test");
        await("the rollback noticed", 10_000, () -> host.console("g", 0).text().contains("generation changed"));
        await("session 2 counting", 10_000, () -> host.console("g", 0).text().contains("session 2 count "));
        String generation = host.store().load("g").generationId().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
        assertTrue(host.console("g", 0).text().contains("now " + generation + "..., session 2"), host.console("g", 0).text());

        host.cloneVm("g", "g2", "test");
        host.act("g2", PowerAction.START, "test");
        await("the copy notices it is one", 10_000, () -> host.console("g2", 0).text().contains("session 3 count "));
    }
}
