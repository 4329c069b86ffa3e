package hvlab.vmm.host;

import hvlab.vmm.devices.PlatformOptions.DiskLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Disk rate limits set on a host VM reach its disk: the {@code diskio} guest reports its own
 * throughput in virtual time, so the limit shows in what the guest measures, whatever the speed
 * of the machine the test runs on.
 */
class DiskLimitsTest {
    @TempDir
    Path dir;

    private static final String INSTANT = "diskio: 64 KiB moved in under 1 us of virtual time";
    private static final Pattern RATE = Pattern.compile("diskio: 64 KiB moved in \\d+ us of virtual time \\((\\d+) KiB/s\\)");

    /** Runs diskio to its end on a host VM and returns the KiB/s it measured. */
    static int diskioRate(Host host, String vm) throws InterruptedException {
        host.act(vm, PowerAction.START, "test");
        long deadline = System.currentTimeMillis() + 60_000;
        Matcher rate;
        while (!(rate = RATE.matcher(host.console(vm, 0).text())).find()) {
            if (host.console(vm, 0).text().contains(INSTANT)) {
                assertTrue(host.console(vm, 0).text().contains("64 sectors written and verified"), host.console(vm, 0).text());
                return Integer.MAX_VALUE; // no virtual time passed: an unlimited disk on a fast emulator
            }
            assertTrue(System.currentTimeMillis() < deadline, "diskio did not finish: " + host.console(vm, 0).text());
            Thread.sleep(50);
        }
        assertTrue(host.console(vm, 0).text().contains("64 sectors written and verified"), host.console(vm, 0).text());
        return Integer.parseInt(rate.group(1));
    }

    @Test
    void aLimitKeptInTheStoreHoldsTheGuestsDiskToItsRate() throws Exception {
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            host.create(new VmSpec("free", "diskio", null, "1M", VmSpec.DEFAULT_WEIGHT, 0, null));
            host.create(new VmSpec("held", "diskio", null, "1M", VmSpec.DEFAULT_WEIGHT, 0, null));
            assertEquals(DiskLimits.UNLIMITED, host.diskLimits("held"));
            DiskLimits limits = new DiskLimits(16 << 10, 0, 2 << 10, 0);
            assertEquals(limits, host.limitDisk("held", limits, "test"));
            assertEquals(limits, host.diskLimits("held"));
            assertTrue(Files.exists(dir.resolve("store/vms/held/" + DiskLimitsFile.NAME)));

            int free = diskioRate(host, "free");
            int held = diskioRate(host, "held");
            // The bucket pays 512 bytes a sector: 128 sectors (64 written, 64 read back) are 64 KiB,
            // which at 16 KiB/s, less the 2 KiB burst, take 3.9 s of virtual time: 16.5 KiB/s.
            assertTrue(held <= 17, "held to 16 KiB/s: the guest measured " + held + " KiB/s");
            assertTrue(free > held, "the unlimited one is faster: " + free + " against " + held);
            assertTrue(VmHistory.lines(dir.resolve("store/vms/held")).stream().anyMatch(l -> l.contains("\"disk-limit\"")));
        }
        // Kept in the store: a new host process sees them, and unlimited removes them.
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            assertEquals(16 << 10, host.diskLimits("held").bytesPerSecond());
            host.limitDisk("held", DiskLimits.UNLIMITED, "test");
            assertFalse(Files.exists(dir.resolve("store/vms/held/" + DiskLimitsFile.NAME)));
            HostException unknown = assertThrows(HostException.class, () -> host.limitDisk("nope", DiskLimits.UNLIMITED, "test"));
            assertTrue(unknown.getMessage().contains("no VM named 'nope'"), unknown.getMessage());
        }
    }
}
