package hvlab.vmm.tpm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import hvlab.vmm.host.VmStore;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The TPM files of one hvlab installation (one store), in {@code <store>/tpm/}:
 * <pre>
 *   seed                 32 random bytes, readable by the owner only: the stand-in for the
 *                        secret a TPM chip keeps in silicon. Every wrapping key derives from it.
 *   manufacturer.json    the installation's "TPM manufacturer" CA (its private key wrapped)
 *   host.json            the host's TPM: keys (wrapped), NV storage (PCRs are not kept: a new
 *                        process is a new power-on, measured again)
 *   host-counters.json   the host TPM's monotonic counters
 * </pre>
 * A software TPM is exactly as safe as its seed file: whoever reads it can unwrap every key.
 * A hardware TPM's secret never leaves the chip; that is the whole difference, and worth saying
 * in class.
 */
public final class Installation {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The JSON mapper for TPM states and files. */
    public static ObjectMapper json() {
        return JSON;
    }

    private final Path folder;
    private final SecretKey seed;

    private Installation(Path folder, SecretKey seed) {
        this.folder = folder;
        this.seed = seed;
    }

    /** Opens (making on first use) the TPM files under {@code store}. */
    public static Installation open(Path store) {
        Path folder = store.resolve("tpm");
        try {
            Files.createDirectories(folder);
            Path seedFile = folder.resolve("seed");
            if (!Files.isRegularFile(seedFile)) {
                byte[] seed = new byte[32];
                new SecureRandom().nextBytes(seed);
                VmStore.writeAtomically(seedFile, seed);
                try {
                    Files.setPosixFilePermissions(seedFile, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // a file system without owner permissions: the seed is as safe as the folder
                }
            }
            byte[] seed = Files.readAllBytes(seedFile);
            if (seed.length != 32) {
                throw new IllegalStateException("the TPM seed " + seedFile + " is damaged (not 32 bytes)");
            }
            return new Installation(folder, KeyWrap.aesKey(seed));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the TPM folder " + folder, e);
        }
    }

    public Path folder() {
        return folder;
    }

    /** The installation's manufacturer CA, made on first use. */
    public Manufacturer manufacturer() {
        SecretKey wrapping = KeyWrap.derive(seed, "manufacturer");
        Path file = folder.resolve("manufacturer.json");
        try {
            if (Files.isRegularFile(file)) {
                return Manufacturer.load(JSON.readValue(file.toFile(), Manufacturer.Stored.class), wrapping);
            }
            Manufacturer made = Manufacturer.create("hvlab TPM manufacturer CA (" + Long.toHexString(new SecureRandom().nextLong()) + ")");
            VmStore.writeAtomically(file, JSON.writeValueAsBytes(made.store(wrapping)));
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    /**
     * The host's TPM, just powered on (PCRs at their start values, an empty log): its keys and NV
     * storage from {@code host.json}, made and certified by the manufacturer on first use.
     */
    public Tpm hostTpm(String hostName) {
        Path file = folder.resolve("host-" + hostName + ".json");
        MonotonicCounters counters = new MonotonicCounters(folder.resolve("host-" + hostName + "-counters.json"));
        SecretKey wrapping = KeyWrap.derive(seed, "host-tpm:" + hostName);
        try {
            Tpm tpm = Files.isRegularFile(file)
                    ? Tpm.fromState(JSON.readValue(file.toFile(), TpmState.class), wrapping, counters)
                    : Tpm.manufacture("host " + hostName, manufacturer(), counters);
            tpm.powerOn();
            VmStore.writeAtomically(file, JSON.writeValueAsBytes(tpm.state(wrapping)));
            return tpm;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    /** Writes a TPM state as JSON, atomically. */
    public static void write(Path file, TpmState state) {
        try {
            VmStore.writeAtomically(file, JSON.writeValueAsBytes(state));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static TpmState read(Path file) {
        try {
            return JSON.readValue(file.toFile(), TpmState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
