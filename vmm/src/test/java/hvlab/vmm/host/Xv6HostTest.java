package hvlab.vmm.host;

import hvlab.vmm.image.GuestImageException;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * xv6 as a host runs it ({@code vm create x --guest xv6}): in trap mode with the interrupt flag
 * mirrored, on the host's real-time clock, its file system a copy in the VM's folder. A snapshot
 * takes the whole machine, RAM and disk; a revert sends xv6 back to before a directory was made,
 * and its shell goes on from the prompt it had. Skipped, saying why, where xv6 is not built
 * (GuestImages finds it: $HVLAB_XV6, xv6-public/ or the course's ../shared/xv6).
 */
class Xv6HostTest {
    @TempDir
    Path dir;
    Host host;

    @AfterEach
    void close() {
        if (host != null) host.close();
    }

    private String console() {
        return host.console("x6", 0).text();
    }

    private void awaitConsole(String what, java.util.function.Predicate<String> done) throws InterruptedException {
        SnapshotTest.await(what + "; console: " + console(), 300_000, () -> done.test(console()));
    }

    /** Types a line and waits for the prompt after it; returns what it printed. */
    private String type(String line) throws InterruptedException {
        int before = console().length();
        host.send("x6", (line + "\n").getBytes(StandardCharsets.US_ASCII));
        awaitConsole(line, c -> c.length() > before + line.length() + 1 && c.endsWith("$ "));
        return console().substring(before);
    }

    @Test
    void aSnapshotOfARunningXv6TakesItsDiskAndARevertUndoesAMkdir() throws Exception {
        try {
            GuestImages.resolve("xv6");
        } catch (GuestImageException e) {
            Assumptions.abort("xv6 skipped: " + e.getMessage());
        }
        host = new Host("local", dir.resolve("store"), 1);
        VmInfo created = host.create(VmSpec.of("x6", "xv6"));
        assertEquals(256L << 20, created.memoryBytes(), "xv6's own default: it uses RAM up to 224 MiB");
        assertTrue(host.store().load("x6").apic() && host.store().load("x6").ifMirror(), "the machine xv6 needs, in trap mode");
        host.act("x6", PowerAction.START, "test");
        awaitConsole("shell prompt", c -> c.endsWith("init: starting sh\n$ "));

        host.snapshot("x6", "clean", "test");
        assertTrue(type("mkdir lecture").startsWith("mkdir lecture\n$ "));
        assertTrue(type("ls").contains("\nlecture        1 "), "the directory is on xv6's disk");
        var paging = host.info("x6").paging();
        assertTrue(paging.get("hidden page faults") > 1000, "vm info shows the shadow MMU at work: " + paging);
        assertTrue(paging.get("shadow entries kept across CR3 loads") > 0, "each process switch kept entries: " + paging);
        if (hvlab.cpu.unicorn.UnicornBackend.version().compareTo("2.1") >= 0) {
            // The emulator translates (DESIGN.md section 18): no frame is ever moved or shown twice.
            assertEquals(0L, paging.get("frames moved"), "nothing moves where the emulator translates: " + paging);
            assertEquals(0L, paging.get("user pages aliased"), paging.toString());
            assertTrue(host.info("x6").pagingScheme().contains("translates"), host.info("x6").pagingScheme());
        } else {
            assertTrue(paging.get("user pages aliased") > 0, "user data shown twice, not moved: " + paging);
        }

        host.revert("x6", "clean", "test");
        assertEquals("running", host.info("x6").state());
        String listing = type("ls");
        assertFalse(listing.contains("lecture"), "reverted: machine and disk are as they were before mkdir: " + listing);
        assertTrue(listing.contains("\nREADME "), listing);
    }
}
