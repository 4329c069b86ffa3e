package hvlab.vmm.host;

import hvlab.vmm.vmi.OsProfile;

/**
 * Deterministic record and replay on a host (ReVirt; paper IV.C.4, logging): a VM started with
 * recording journals every nondeterministic input into its store folder, and a replay runs a
 * fresh machine through the journal to the same end, or to a chosen moment to look at.
 */
public interface ReplayControl {
    /** File name of a VM's recording in its store folder. */
    String FILE = "recording.hvr";

    /** Powers on a shut-off VM with a fresh boot, recording from its first instruction. */
    RecordingInfo startRecorded(String vm, String actor);

    /** The VM's recording: whether it still records, how much it holds. */
    RecordingInfo recording(String vm);

    /** Ends a running VM's recording here (the VM runs on); it ends by itself when the VM stops. */
    RecordingInfo stopRecording(String vm, String actor);

    /**
     * Replays the VM's recording in a machine of its own (the VM itself is not touched), to the
     * end or until {@code untilNanos} of virtual time; with a {@code profile}, the report lists the
     * guest's processes at the moment the replay stopped.
     */
    ReplayReport replay(String vm, long untilNanos, OsProfile profile, String actor);
}
