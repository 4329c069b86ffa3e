package hvlab.vmm.image;

/** A guest could not be found, read or assembled. {@link #kind()} tells the caller which exit status fits. */
public final class GuestImageException extends Exception {
    public enum Kind {
        /** The name is neither a built-in guest nor a path we understand. */
        UNKNOWN_GUEST,
        /** A file that is missing or cannot be read. */
        MISSING_FILE,
        /** The file is there but is not a guest: NASM rejected it, or it is not a flat binary. */
        BAD_INPUT,
        /** A tool we need (NASM) is not installed. */
        TOOL_MISSING
    }

    private final Kind kind;

    public GuestImageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
