package hvlab.vmm.host;

import hvlab.cpu.linux.WriteProtectWatch;
import hvlab.vmm.snapshot.DirtyPageTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Incremental snapshots restore RAM exactly, with either way of finding dirty pages: a guest
 * stores all over its RAM while a chain of snapshots is taken, a branch grows from a revert, a
 * snapshot in the middle is deleted, and every revert must give back RAM byte for byte (a SHA-256
 * of all of it) as it was when that snapshot was taken.
 */
class SnapshotChainTest {
    static final int RAM_PAGES = (4 << 20) / 4096;

    /** A slow pseudo-random walk of stores over the upper 2 MiB: each interval dirties a different part of it. */
    static final String GUEST = """
            bits 32
            org 0x100000
                    mov eax, 12345
            .next:  imul eax, eax, 1103515245
                    add eax, 12345
                    mov edx, eax
                    shr edx, 9
                    and edx, 0x1FFFFC           ; a dword in 2 MiB
                    mov [0x200000 + edx], eax
                    mov ecx, 20000              ; a pause, so that an interval of a few
            .wait:  dec ecx                     ; tens of milliseconds leaves pages clean
                    jnz .wait
                    jmp .next
            """;

    @TempDir
    Path dir;
    Host host;
    String propertyBefore;
    final Map<String, String> digests = new HashMap<>();

    @AfterEach
    void close() {
        if (host != null) host.close();
        if (propertyBefore == null) System.clearProperty(DirtyPageTracker.PROPERTY);
        else System.setProperty(DirtyPageTracker.PROPERTY, propertyBefore);
    }

    /** Lets the guest run a while, pauses it, takes a snapshot and remembers RAM's digest. */
    SnapshotInfo runThenSnapshot(String name) throws Exception {
        host.act("w", PowerAction.RESUME, "test");
        // At least 30 ms of the guest's own CPU time (a busy machine may give it less per 40 ms of
        // the clock), but not so much that most of the 2 MiB is written.
        long before = host.info("w").cpuMillis();
        long deadline = System.nanoTime() + 10_000_000_000L;
        Thread.sleep(40);
        while (host.info("w").cpuMillis() - before < 30 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        host.act("w", PowerAction.PAUSE, "test");
        SnapshotInfo taken = host.snapshot("w", name, "test");
        digests.put(name, host.ramDigest("w"));
        return taken;
    }

    void revertAndCheck(String name) {
        VmInfo reverted = host.revert("w", name, "test");
        assertEquals("paused", reverted.state(), "taken paused, back paused");
        assertEquals(digests.get(name), host.ramDigest("w"), "RAM after reverting to " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"write-protect", "compare"})
    void revertingAnywhereInAChainGivesBackRamExactly(String method) throws Exception {
        if (method.equals("write-protect")) {
            assumeTrue(WriteProtectWatch.unavailable() == null, WriteProtectWatch.unavailable());
        }
        propertyBefore = System.getProperty(DirtyPageTracker.PROPERTY);
        System.setProperty(DirtyPageTracker.PROPERTY, method);
        Path guest = Files.writeString(dir.resolve("scribbler.asm"), GUEST);
        host = new Host("local", dir.resolve("store"), 1);
        host.create(new VmSpec("w", guest.toString(), "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null));
        host.act("w", PowerAction.START, "test");
        host.act("w", PowerAction.PAUSE, "test");

        assertTrue(runThenSnapshot("s1").fullMemory());
        for (String name : new String[] {"s2", "s3", "s4"}) {
            SnapshotInfo taken = runThenSnapshot(name);
            assertFalse(taken.fullMemory(), name);
            assertTrue(taken.pages() > 0 && taken.pages() < RAM_PAGES / 2, name + " keeps the pages written, " + taken.pages());
        }
        assertNotEquals(digests.get("s3"), digests.get("s4"), "the guest wrote in between");

        revertAndCheck("s2");
        SnapshotInfo branch = runThenSnapshot("b1"); // counted from the revert
        assertEquals("s2", branch.parent());
        assertFalse(branch.fullMemory());
        revertAndCheck("s4");
        revertAndCheck("b1");

        host.deleteSnapshot("w", "s3", "test"); // s4 takes s3's pages under its own
        revertAndCheck("s4");
        revertAndCheck("s1");
        SnapshotInfo after = runThenSnapshot("b2");
        assertEquals("s1", after.parent());
        revertAndCheck("b2");
    }
}
