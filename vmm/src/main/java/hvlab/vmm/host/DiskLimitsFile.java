package hvlab.vmm.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.devices.PlatformOptions.DiskLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A VM's disk rate limits as the store keeps them: {@code disk-limits.json} in its folder, absent
 * for none. Paper IV.C.5: the VMM determines and limits the disk each VM uses; the limits feed the
 * two token buckets of its ATA disk ({@code DiskRateLimiter}, Firecracker's rate limiter), which
 * count in the VM's virtual time. A file beside {@code vm.json} rather than a field of it: the
 * definition is the machine's identity and hardware, which clones and images carry; a limit is
 * the host's policy for this VM, set and changed by the host's operator.
 */
final class DiskLimitsFile {
    static final String NAME = "disk-limits.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DiskLimitsFile() {}

    /** The limits kept in {@code folder}, or unlimited when there are none. */
    static DiskLimits read(Path folder) {
        Path file = folder.resolve(NAME);
        if (!Files.exists(file)) {
            return DiskLimits.UNLIMITED;
        }
        try {
            return JSON.readValue(Files.readAllBytes(file), DiskLimits.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new HostException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse("damaged"));
        }
    }

    /** Keeps {@code limits} in {@code folder}, written whole or not at all; unlimited removes the file. */
    static void write(Path folder, DiskLimits limits) {
        Path file = folder.resolve(NAME);
        try {
            if (limits.equals(DiskLimits.UNLIMITED)) {
                Files.deleteIfExists(file);
            } else {
                VmStore.writeAtomically(file, JSON.writeValueAsBytes(limits));
            }
        } catch (IOException e) {
            throw new HostException("cannot write " + file + ": " + VmStore.reason(e));
        }
    }
}
