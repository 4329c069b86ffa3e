package hvlab.vmm.host;

/**
 * A VM's recording: {@code active} while the VM records, {@code complete} once it has its end
 * record; {@code events} and {@code bytes} so far, {@code virtualNanos} of guest time covered;
 * {@code problem} when a recording stopped early or is damaged.
 */
public record RecordingInfo(String vm, boolean active, boolean complete, long events, long bytes, long virtualNanos,
                            String problem) {
}
