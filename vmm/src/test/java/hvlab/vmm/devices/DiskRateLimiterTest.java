package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Token buckets on virtual time, alone and in front of the ATA disk. */
class DiskRateLimiterTest {
    static final long MS = 1_000_000;
    static final long SECOND = 1_000 * MS;

    @TempDir
    Path dir;

    @Test
    void aBucketStartsFullRefillsAtItsRateAndNeverOverflows() {
        TokenBucket bucket = new TokenBucket(1000, 10, 1);
        assertEquals(10, bucket.tokens(), "a full burst to start with");
        bucket.take(10);
        assertFalse(bucket.has(1));
        assertEquals(MS, bucket.nanosUntil(1), "1000 tokens a second: one a millisecond");
        bucket.refill(MS - 1);
        assertFalse(bucket.has(1));
        bucket.refill(1);
        assertTrue(bucket.has(1), "exact: not a nanosecond late");
        bucket.refill(SECOND * 1000);
        assertEquals(10, bucket.tokens(), "a full bucket drops what overflows");
    }

    @Test
    void slicingTimeFinelyGivesWhatOneStepGives() {
        TokenBucket fine = new TokenBucket(333, 1000, 1);
        TokenBucket coarse = new TokenBucket(333, 1000, 1);
        fine.take(1000);
        coarse.take(1000);
        for (int i = 0; i < 7_000; i++) fine.refill(123_457);
        coarse.refill(7_000L * 123_457);
        assertEquals(coarse.tokens(), fine.tokens());
    }

    @Test
    void hugeRatesAndTimesSaturateInsteadOfOverflowing() {
        TokenBucket bucket = new TokenBucket(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 1);
        bucket.take(Long.MAX_VALUE / 2);
        bucket.refill(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE / 2, bucket.tokens());
        assertTrue(new TokenBucket(0, 0, 512).has(Long.MAX_VALUE), "rate 0 is unlimited");
    }

    @Test
    void aBurstSmallerThanOneSectorStillLetsSectorsThrough() {
        DiskRateLimiter limiter = new DiskRateLimiter(new PlatformOptions.DiskLimits(512, 0, 1, 0));
        assertTrue(limiter.tryAcquire(512, 1));
        assertFalse(limiter.tryAcquire(512, 0));
        assertEquals(SECOND, limiter.nanosUntilReady());
        limiter.advance(SECOND);
        assertTrue(limiter.tryAcquire(512, 0));
        assertEquals(SECOND, limiter.throttledNanos());
        assertEquals(1, limiter.throttledRequests());
    }

    @Test
    void aThrottledDiskStaysBusyUntilVirtualTimeBringsTokens() throws IOException {
        Path file = dir.resolve("disk.img");
        Files.write(file, new byte[16 * 512]);
        // 1 KiB/s with a burst of 2 sectors; 1 operation a second with a burst of 1.
        var limits = new PlatformOptions.DiskLimits(1024, 1, 1024, 1);
        PcPlatform platform = new PcPlatform(b -> { }, new hvlab.vmm.console.ConsoleLog(), exit -> { },
                PlatformOptions.DEFAULT.withDisk(file).withDiskLimits(limits));
        IoBus bus = platform.bus();
        AtaDisk ata = platform.disk();
        int reads = 0;
        bus.write(0x1F2, 1, 4);
        bus.write(0x1F6, 1, 0xE0);
        bus.write(0x1F7, 1, AtaDisk.READ_SECTORS);
        for (long t = 0; t < 3 * SECOND && reads < 4; t += 10 * MS) {
            if ((bus.read(0x1F7, 1) & AtaDisk.DRQ) != 0) {
                for (int i = 0; i < 256; i++) bus.read(0x1F0, 2);
                reads++;
                continue;
            }
            platform.advance(10 * MS);
        }
        assertEquals(4, reads, "all four sectors in the end");
        assertEquals(AtaDisk.Phase.IDLE, ata.phase());
        // Two sectors came from the burst; each later one waited half a second for its 512 bytes.
        assertEquals(SECOND, ata.throttledNanos());
        assertEquals(Long.MAX_VALUE, ata.nanosUntilReady());

        bus.write(0x1F2, 1, 1);
        bus.write(0x1F7, 1, AtaDisk.READ_SECTORS);   // a second command: the operations bucket refilled long ago
        assertEquals(AtaDisk.BSY, bus.read(0x1F7, 1), "but the bandwidth bucket is empty");
        assertEquals(500 * MS, platform.nanosUntilNextEvent(), "the platform knows when the disk will interrupt");
        platform.advance(500 * MS);
        assertEquals(AtaDisk.DRQ, bus.read(0x1F7, 1) & AtaDisk.DRQ);
        platform.close();
    }

    @Test
    void saveWhileWaitingForTokensAndRestore() throws IOException {
        Path file = dir.resolve("disk.img");
        Files.write(file, new byte[8 * 512]);
        var limits = new PlatformOptions.DiskLimits(512, 0, 512, 0);
        List<Boolean> irq = new ArrayList<>();
        AtaDisk ata = new AtaDisk(DiskImage.open(file), irq::add, limits);
        ata.write(0x1F2, 1, 2);
        ata.write(0x1F6, 1, 0xE0);
        ata.write(0x1F7, 1, AtaDisk.READ_SECTORS);
        for (int i = 0; i < 256; i++) ata.read(0x1F0, 2);
        assertEquals(AtaDisk.BSY, ata.read(0x3F6, 1), "the second sector waits");
        ata.advance(400 * MS);
        DeviceState saved = ata.save();

        AtaDisk fresh = new AtaDisk(DiskImage.open(file), irq::add, limits);
        fresh.restore(saved);
        assertEquals(600 * MS, fresh.nanosUntilReady(), "512 bytes at 512 B/s: a second, 400 ms of it gone");
        fresh.advance(600 * MS - 1);
        assertEquals(AtaDisk.BSY, fresh.read(0x3F6, 1));
        fresh.advance(1);
        assertEquals(AtaDisk.DRQ, fresh.read(0x3F6, 1) & AtaDisk.DRQ);
        assertEquals(SECOND, fresh.throttledNanos());
    }
}
