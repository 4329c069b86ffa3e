package hvlab.vmm.tpm;

/**
 * One entry of the measurement log, in the style of the TCG PC Client event log
 * ({@code TCG_PCR_EVENT2}): which PCR was extended, with which digest, what kind of thing was
 * measured, and a description a person can read.
 *
 * <p>The log itself is not protected: it lives outside the TPM, and anyone could edit it. What
 * makes it trustworthy is that replaying it must give exactly the PCR values the TPM signs in a
 * quote; a log with an entry left out or changed replays to different values.
 *
 * @param type        what was measured: one of the constants below (TCG's names where one fits)
 * @param description what a person reads, e.g. a file name; not covered by the digest
 */
public record TpmEvent(int pcr, String type, String digest, String description) {
    /** Code the VMM runs (one jar or class folder): TCG's EV_POST_CODE for the platform's own code. */
    public static final String VMM_CODE = "EV_POST_CODE";
    /** The VMM's configuration (options, flags). */
    public static final String VMM_CONFIG = "EV_PLATFORM_CONFIG_FLAGS";
    /** The policy the VMM enforces (e.g. what introspection is allowed). */
    public static final String VMM_POLICY = "EV_HVLAB_POLICY";
    /** The end of one stage's measurements: later entries belong to what ran next. */
    public static final String SEPARATOR = "EV_SEPARATOR";
    /** A guest image, measured by the VMM before the first guest instruction. */
    public static final String GUEST_IMAGE = "EV_IPL";
    /** The VM's configuration (memory, mode, closed or open box). */
    public static final String VM_CONFIG = "EV_HVLAB_VM_CONFIG";
    /** A measurement the guest made itself through its vTPM. */
    public static final String GUEST_EXTEND = "EV_HVLAB_GUEST";

    public TpmEvent {
        PcrBank.check(pcr);
        if (digest == null || Sha256.unhex(digest).length != Sha256.BYTES) {
            throw new IllegalArgumentException("an event's digest is 64 hex digits");
        }
        description = description == null ? "" : description;
    }

    public byte[] digestBytes() {
        return Sha256.unhex(digest);
    }
}
