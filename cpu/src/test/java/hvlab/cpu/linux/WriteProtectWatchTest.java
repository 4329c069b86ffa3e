package hvlab.cpu.linux;

import hvlab.cpu.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Host stores of every kind into watched memory, checked against what the kernel reports. */
class WriteProtectWatchTest {
    static final int PAGE = 4096;
    final GuestMemory ram = new GuestMemory(64 * PAGE);

    @BeforeAll
    static void available() {
        String reason = WriteProtectWatch.unavailable();
        System.out.println("write-protect tracking: " + (reason == null ? "available" : reason));
        assumeTrue(reason == null, reason);
    }

    @AfterEach
    void close() {
        ram.close();
    }

    static BitSet pages(int... numbers) {
        BitSet set = new BitSet();
        for (int n : numbers) set.set(n);
        return set;
    }

    @Test
    void reportsExactlyThePagesStoredToAndThenNothing() {
        try (WriteProtectWatch watch = WriteProtectWatch.of(ram.segment())) {
            ram.write8(5 * PAGE, 1); // touched before: a present page
            watch.protectAll();
            ram.write8(5 * PAGE + 7, 2);
            ram.write32(10 * PAGE + 100, 3); // never touched before
            ram.segment().set(JAVA_LONG_UNALIGNED, 21L * PAGE - 4, -1L); // straddles pages 20 and 21
            ram.write8(63 * PAGE + PAGE - 1, 4); // the last byte
            assertEquals(pages(5, 10, 20, 21, 63), watch.takeWritten());
            assertEquals(new BitSet(), watch.takeWritten(), "taking protects again");
            ram.write8(10 * PAGE, 5);
            assertEquals(pages(10), watch.takeWritten(), "and a page written again is reported again");
        }
    }

    @Test
    void aStoreOfTheSameValueCountsAndAZeroPageReadDoesNot() {
        try (WriteProtectWatch watch = WriteProtectWatch.of(ram.segment())) {
            watch.protectAll();
            assertEquals(0, ram.read8(30 * PAGE), "reading maps the shared zero page");
            ram.write8(31 * PAGE, 0);
            assertEquals(pages(31), watch.takeWritten());
        }
    }

    @Test
    void theKernelsOwnStoresAreSeenToo(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("sector"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        try (WriteProtectWatch watch = WriteProtectWatch.of(ram.segment());
             FileChannel channel = FileChannel.open(file)) {
            watch.protectAll();
            // read(2) straight into the watched memory: the kernel's copy_to_user does the store
            assertEquals(8, channel.read(ram.segment().asSlice(40L * PAGE, 8).asByteBuffer()));
            assertEquals(pages(40), watch.takeWritten());
            assertEquals(3, ram.segment().get(JAVA_BYTE, 40L * PAGE + 2));
        }
    }

    @Test
    void twoWatchesOfOneProcessKeepTheirOwnPages() {
        try (GuestMemory other = new GuestMemory(16 * PAGE);
             WriteProtectWatch mine = WriteProtectWatch.of(ram.segment());
             WriteProtectWatch theirs = WriteProtectWatch.of(other.segment())) {
            mine.protectAll();
            theirs.protectAll();
            ram.write8(3 * PAGE, 1);
            other.write8(7 * PAGE, 1);
            assertEquals(pages(3), mine.takeWritten(), "taking one VM's pages...");
            other.write8(8 * PAGE, 1);
            assertEquals(pages(7, 8), theirs.takeWritten(), "...loses none of another's");
        }
    }

    @Test
    void aClosedWatchRefusesToAnswer() {
        WriteProtectWatch watch = WriteProtectWatch.of(ram.segment());
        watch.close();
        assertThrows(IllegalStateException.class, watch::takeWritten);
    }

    @Test
    void softDirtyBitsAreProbedWithoutHarm() {
        String reason = SoftDirtyProbe.unavailable();
        System.out.println("soft-dirty bits: " + (reason == null ? "available" : reason));
        ram.write8(0, 1); // the process goes on after the reset
        assertEquals(1, ram.read8(0));
    }
}
