package hvlab.vmmm.migration;

/** A migration that did not happen; the message is one line that says what became of the VM. */
public final class MigrationException extends RuntimeException {
    public MigrationException(String message) {
        super(message);
    }
}
