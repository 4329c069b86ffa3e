package hvlab.vmm.replay;

import hvlab.vmm.VmConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What a recording was made of, so that a replay starts from the same machine: the guest image
 * and its hash, the execution mode, the RAM size, the disk's hash at the start (empty without a
 * disk), whether lost timer ticks were reinjected (a host does that; it changes which interrupts
 * become pending), and what the RTC and the generation ID said at power-on. A replay from
 * anything else would diverge, so it is refused.
 */
public record RecordingHeader(String guest, String imageSha256, String mode, long memoryBytes, String diskSha256,
                              boolean reinjectLostTicks, long rtcEpochSeconds, String generationId, long startedEpochMillis) {

    /** The header for a recording of a VM of {@code config}, started now. Reads the whole disk, to hash it. */
    public static RecordingHeader of(VmConfig config, boolean reinjectLostTicks) throws IOException {
        MessageDigest image = MachineFingerprint.sha256();
        String disk = "";
        if (config.platform().disk() != null) {
            MessageDigest d = MachineFingerprint.sha256();
            try (InputStream in = Files.newInputStream(config.platform().disk())) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    d.update(buffer, 0, n);
                }
            }
            disk = HexFormat.of().formatHex(d.digest());
        }
        String generation = config.platform().generationId() == null ? "" : config.platform().generationId();
        return new RecordingHeader(config.image().name(), HexFormat.of().formatHex(image.digest(config.image().code())),
                config.mode().label(), config.memoryBytes(), disk, reinjectLostTicks, config.platform().rtcEpochSeconds(),
                generation, System.currentTimeMillis());
    }

    /** {@code config} with what the recorded machine said at power-on (its RTC, its generation ID). */
    public VmConfig applyTo(VmConfig config) {
        return config.withPlatform(config.platform().withRtcEpochSeconds(rtcEpochSeconds)
                .withGenerationId(generationId.isEmpty() ? null : generationId));
    }

    /** The first difference from {@code other} that would make a replay meaningless, or null. */
    public String mismatch(RecordingHeader other) {
        if (!imageSha256.equals(other.imageSha256)) return "the guest image is not the one recorded (" + guest + ")";
        if (!mode.equals(other.mode)) return "the recording ran in " + mode + " mode, not " + other.mode;
        if (memoryBytes != other.memoryBytes) return "the recording had " + (memoryBytes >> 20) + " MiB of RAM, not " + (other.memoryBytes >> 20);
        if (!diskSha256.equals(other.diskSha256)) return diskSha256.isEmpty() ? "the recording had no disk"
                : "the disk is not the one the recording started with (a guest that writes its disk changes it)";
        if (reinjectLostTicks != other.reinjectLostTicks) return "lost-tick reinjection differs from the recording";
        if (rtcEpochSeconds != other.rtcEpochSeconds) return "the RTC's start time differs from the recording";
        if (!generationId.equals(other.generationId)) return "the generation ID differs from the recording";
        return null;
    }
}
