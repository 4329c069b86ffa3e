package hvlab.vmm.replay;

/** A recording file that is not one, is damaged, or was cut off while it was written. */
public final class JournalFormatException extends Exception {
    public JournalFormatException(String message) {
        super(message);
    }
}
